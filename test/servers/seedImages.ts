// The images the online tests resolve, pushed to a test registry over its real API.
import type { TestRegistry } from './registry';
import type { PushedImage } from './registryPusher';

export const SOURCE_LABEL = 'org.opencontainers.image.source';

export interface SeededImages {
  /** `library/debian:trixie`: amd64, arm64/v8, loong64; BuildKit attestations; an SPDX referrer (tag schema); source label. */
  debian: PushedImage & { sbom: string };
  /** `library/alpine:3.20`: amd64, arm64/v8, arm/v7 (no loong64); a cosign `.sig` tag. */
  alpine: PushedImage & { signature: string };
  /** `private/tool:1.0`: pull needs the `alice` account. */
  privateTool: PushedImage;
  /** `library/busybox:1`: a single image manifest, no index. */
  busybox: PushedImage;
}

export async function seedImages(registry: TestRegistry): Promise<SeededImages> {
  const push = registry.pusher;
  const debian = await push.image('library/debian', 'trixie', {
    platforms: ['linux/amd64', 'linux/arm64/v8', 'linux/loong64'],
    attest: true,
    labels: { [SOURCE_LABEL]: 'https://github.com/debuerreotype/docker-debian-artifacts' },
    created: '2026-03-01T00:00:00Z',
  });
  const sbom = await push.referrer(
    'library/debian',
    { digest: debian.digest, size: await push.manifestSize('library/debian', debian.digest) },
    'application/spdx+json',
  );
  const alpine = await push.image('library/alpine', '3.20', {
    platforms: ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7'],
  });
  const signature = await push.cosignSignature('library/alpine', alpine.digest);
  const privateTool = await push.image('private/tool', '1.0', { platforms: ['linux/amd64'] });
  const busybox = await push.image('library/busybox', '1', { platforms: ['linux/riscv64'], single: true });
  return { debian: { ...debian, sbom }, alpine: { ...alpine, signature }, privateTool, busybox };
}
