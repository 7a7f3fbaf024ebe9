// What the engine knows offline about Docker Official Images: which names exist, which platforms
// they publish (per tag family for the common base images), and the per-architecture namespaces.
import { officialImagePlatforms } from './officialImageTable';

/** bashbrew architecture name → OCI platform. */
const architecturePlatforms: Readonly<Record<string, string>> = {
  amd64: 'linux/amd64',
  arm32v5: 'linux/arm/v5',
  arm32v6: 'linux/arm/v6',
  arm32v7: 'linux/arm/v7',
  arm64v8: 'linux/arm64/v8',
  i386: 'linux/386',
  mips64le: 'linux/mips64le',
  ppc64le: 'linux/ppc64le',
  riscv64: 'linux/riscv64',
  s390x: 'linux/s390x',
  'windows-amd64': 'windows/amd64',
};

/** Docker-owned namespaces that republish every official image for one architecture. */
export const architectureNamespaces: ReadonlySet<string> = new Set(Object.keys(architecturePlatforms));

const unionByImage = new Map<string, string[]>();
for (const line of officialImagePlatforms.split('\n')) {
  const colon = line.indexOf(':');
  if (colon < 0) continue;
  unionByImage.set(
    line.slice(0, colon).trim(),
    line
      .slice(colon + 1)
      .trim()
      .split(/\s+/),
  );
}

interface TagFamily {
  image: string;
  /** Glob patterns over tags (`*` matches any run of characters). */
  tags: string[];
  architectures: string[];
}

const all8 = ['amd64', 'arm32v5', 'arm32v7', 'arm64v8', 'i386', 'ppc64le', 'riscv64', 's390x'];
const alpineArchs = ['amd64', 'arm32v6', 'arm32v7', 'arm64v8', 'i386', 'ppc64le', 'riscv64', 's390x'];
const bookworm = ['amd64', 'arm32v7', 'arm64v8', 'i386', 'ppc64le'];

// Platforms per tag family, from the same library definitions. Order matters: first match wins.
const tagFamilies: TagFamily[] = [
  { image: 'debian', tags: ['trixie*', '13', '13-*', '13.*', 'latest', 'stable', 'stable-*'], architectures: all8 },
  { image: 'debian', tags: ['bookworm*', '12', '12-*', '12.*', 'oldstable', 'oldstable-*'], architectures: bookworm },
  {
    image: 'debian',
    tags: ['bullseye*', '11', '11-*', '11.*', 'oldoldstable', 'oldoldstable-*'],
    architectures: ['amd64', 'arm32v7', 'arm64v8', 'i386'],
  },
  {
    image: 'debian',
    tags: ['forky*', 'testing*', 'sid*', 'unstable*', 'experimental*', 'rc-buggy*'],
    architectures: ['amd64', 'arm32v7', 'arm64v8', 'i386', 'ppc64le', 'riscv64', 's390x'],
  },
  {
    image: 'ubuntu',
    tags: ['22.04*', 'jammy*', '24.04*', 'noble*', '26.04*', 'resolute*', 'latest', '26.10*', 'devel*'],
    architectures: ['amd64', 'arm32v7', 'arm64v8', 'ppc64le', 'riscv64', 's390x'],
  },
  { image: 'alpine', tags: ['edge', '3.24*', '3', 'latest', '3.23*', '3.22*', '3.21*'], architectures: alpineArchs },
  { image: 'python', tags: ['*windowsservercore*'], architectures: ['windows-amd64'] },
  { image: 'python', tags: ['*-trixie', '*-slim-trixie'], architectures: all8 },
  { image: 'python', tags: ['*-bookworm', '*-slim-bookworm'], architectures: bookworm },
  { image: 'python', tags: ['*-alpine3.23', '*-alpine3.24'], architectures: alpineArchs },
  { image: 'node', tags: ['26', '26-trixie*', 'latest'], architectures: ['amd64', 'arm64v8', 'ppc64le', 's390x'] },
  { image: 'node', tags: ['24-trixie*', '24'], architectures: ['amd64', 'arm64v8', 'ppc64le', 's390x'] },
  { image: 'node', tags: ['24-bookworm*'], architectures: ['amd64', 'arm64v8', 'ppc64le'] },
  { image: 'node', tags: ['24-alpine*'], architectures: ['amd64', 'arm64v8', 's390x'] },
  { image: 'node', tags: ['24-bullseye*'], architectures: ['amd64', 'arm64v8'] },
  { image: 'node', tags: ['22-alpine*'], architectures: ['amd64', 'arm32v6', 'arm32v7', 'arm64v8', 's390x'] },
  { image: 'node', tags: ['22-bookworm*'], architectures: ['amd64', 'arm32v7', 'arm64v8', 'ppc64le'] },
  { image: 'node', tags: ['22-bullseye*'], architectures: ['amd64', 'arm32v7', 'arm64v8'] },
  { image: 'node', tags: ['22', '22-trixie*'], architectures: ['amd64', 'arm64v8', 'ppc64le', 's390x'] },
  {
    image: 'rust',
    tags: ['*trixie*', 'latest', 'slim'],
    architectures: ['amd64', 'arm32v7', 'arm64v8', 'i386', 'ppc64le', 'riscv64', 's390x'],
  },
  { image: 'rust', tags: ['*bookworm*'], architectures: bookworm },
  { image: 'rust', tags: ['*bullseye*'], architectures: ['amd64', 'arm32v7', 'arm64v8', 'i386'] },
  { image: 'rust', tags: ['*alpine3.2*'], architectures: ['amd64', 'arm64v8', 'ppc64le'] },
  {
    image: 'golang',
    tags: ['*-trixie'],
    architectures: ['amd64', 'arm32v7', 'arm64v8', 'i386', 'ppc64le', 'riscv64', 's390x'],
  },
  { image: 'golang', tags: ['*-bookworm'], architectures: bookworm },
  {
    image: 'golang',
    tags: ['*-alpine3.23', '*-alpine3.24'],
    architectures: ['amd64', 'arm32v6', 'arm32v7', 'arm64v8', 'i386', 'ppc64le', 'riscv64', 's390x'],
  },
];

function globMatch(pattern: string, text: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === text;
  if (!text.startsWith(parts[0])) return false;
  let pos = parts[0].length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = text.indexOf(parts[i], pos);
    if (found < 0) return false;
    pos = found + parts[i].length;
  }
  const last = parts[parts.length - 1];
  return text.length - last.length >= pos && text.endsWith(last);
}

export function isOfficialImageName(name: string): boolean {
  return unionByImage.has(name);
}

export interface OfficialPlatforms {
  platforms: string[];
  /** True when the platforms are those of the tag's family; false when they are the union over all tags. */
  exactForTag: boolean;
}

/** Platforms an official image publishes for a tag (OCI names), or undefined for an unknown name. */
export function officialPlatforms(name: string, tag: string | undefined): OfficialPlatforms | undefined {
  const union = unionByImage.get(name);
  if (!union) return undefined;
  const t = tag ?? 'latest';
  const family = tagFamilies.find((f) => f.image === name && f.tags.some((p) => globMatch(p, t)));
  const archs = family ? family.architectures : union;
  return { platforms: archs.map((a) => architecturePlatforms[a] ?? a), exactForTag: family !== undefined };
}

const platformAliases: Readonly<Record<string, string>> = {
  'linux/arm64': 'linux/arm64/v8',
  'linux/aarch64': 'linux/arm64/v8',
  'linux/x86_64': 'linux/amd64',
  'linux/x86-64': 'linux/amd64',
  'linux/amd64/v1': 'linux/amd64',
  'linux/arm': 'linux/arm/v7',
  'linux/armhf': 'linux/arm/v7',
  'linux/armel': 'linux/arm/v5',
  'linux/i386': 'linux/386',
  'linux/loongarch64': 'linux/loong64',
};

/** Canonical OCI platform string: `linux/arm64` and `linux/arm64/v8` are one platform. */
export function normalizePlatform(platform: string): string {
  let p = platform.trim().toLowerCase();
  // Docker reads an architecture alone (`--platform arm64`) as linux/<arch>.
  if (p && !p.includes('/')) p = `linux/${p}`;
  return platformAliases[p] ?? p;
}

export function platformsInclude(platforms: readonly string[], requested: string): boolean {
  const want = normalizePlatform(requested);
  return platforms.some((p) => normalizePlatform(p) === want);
}

/** For an official per-architecture namespace (`arm64v8`), the one platform it holds. */
export function namespacePlatform(namespace: string): string | undefined {
  return architectureNamespaces.has(namespace) ? architecturePlatforms[namespace] : undefined;
}
