// Actions whose inputs name container images, and the images some actions choose by themselves.
import { runOnArchImages } from './runOnArchTable';

export interface ImageInput {
  /** `owner/repo` of the action (matched case-insensitively, any ref). */
  action: string;
  input: string;
  /** The value may start with `--platform=…` (it is written after FROM). */
  mayCarryPlatform?: boolean;
  /** Another input of the same step that may carry `--platform X` (docker run options). */
  optionsInput?: string;
  /** Values that mean "no image". */
  noImageValues?: string[];
  /** Used when the input is not given. */
  defaultImage?: string;
  /**
   * Who publishes the images the action picks by itself (its default image, and any it chooses):
   * its own maintainers (setup-qemu's `tonistiigi/binfmt`, setup-buildx's `moby/buildkit`,
   * maturin-action's `quay.io/pypa` and `ghcr.io/rust-cross` builders). The action vouches for them,
   * so they are no untrusted publisher.
   */
  defaultsPublishedBy?: string;
}

/** The built-in table; a policy can add entries. */
export const imageInputs: readonly ImageInput[] = [
  { action: 'uraimo/run-on-arch-action', input: 'base_image', mayCarryPlatform: true, noImageValues: ['none'] },
  { action: 'addnab/docker-run-action', input: 'image', optionsInput: 'options' },
  {
    action: 'docker/setup-qemu-action',
    input: 'image',
    defaultImage: 'tonistiigi/binfmt:latest',
    defaultsPublishedBy: 'Docker, Inc.',
  },
  {
    action: 'pyo3/maturin-action',
    input: 'container',
    noImageValues: ['off'],
    defaultsPublishedBy: 'the PyO3 project',
  },
  { action: 'docker/setup-buildx-action', input: 'driver-opts', defaultsPublishedBy: 'Docker, Inc.' },
];

export const buildxAction = 'docker/setup-buildx-action';
/** Drivers that run BuildKit from an image (`docker` uses the daemon's own, `remote` an existing one). */
export const buildkitDrivers = new Set(['docker-container', 'kubernetes']);
/** The BuildKit image buildx starts when `driver-opts` names none (buildx's own default). */
export const buildkitDefaultImage = 'moby/buildkit:buildx-stable-1';

export function imageInputsFor(action: string, extra: readonly ImageInput[] = []): ImageInput[] {
  const a = action.toLowerCase();
  const builtIn = imageInputs.filter((i) => i.action === a);
  const added = extra.filter((i) => i.action.toLowerCase() === a && !builtIn.some((b) => b.input === i.input));
  return [...builtIn, ...added];
}

export const runOnArchAction = 'uraimo/run-on-arch-action';
export const runOnArchDefaults = { arch: 'aarch64', distro: 'ubuntu18.04' } as const;

const runOnArchTable = new Map<string, string>();
for (const line of runOnArchImages.split('\n')) {
  const m = /^([^:]+): FROM\s+(.*)$/.exec(line.trim());
  if (m) runOnArchTable.set(m[1], m[2].trim());
}

/** The FROM argument (`--platform=linux/arm64 arm64v8/ubuntu:22.04`) run-on-arch uses for a pair. */
export function runOnArchImage(arch: string, distro: string): string | undefined {
  const from = runOnArchTable.get(`${arch}.${distro}`);
  return from === 'none' ? undefined : from;
}

/** The OCI platform run-on-arch emulates for an `arch` input. */
export const runOnArchPlatforms: Readonly<Record<string, string>> = {
  aarch64: 'linux/arm64',
  armv6: 'linux/arm/v6',
  armv7: 'linux/arm/v7',
  ppc64le: 'linux/ppc64le',
  riscv64: 'linux/riscv64',
  s390x: 'linux/s390x',
};
