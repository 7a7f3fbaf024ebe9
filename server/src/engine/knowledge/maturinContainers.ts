// PyO3/maturin-action: the container it builds in when its `container` input is empty (or `on`,
// `auto`, `true`), chosen from `target` and `manylinux`, on an x86_64 Linux runner. A data table (one
// idea), from the action's own DEFAULT_CONTAINERS and TARGET_ALIASES (src/index.ts, 2025).
// Each line: rust target, then `manylinux values=image` groups.
const table = `
x86_64-unknown-linux-gnu auto,2014,2_17=quay.io/pypa/manylinux2014_x86_64:latest 2010,2_12=quay.io/pypa/manylinux2010_x86_64:latest 2_24=quay.io/pypa/manylinux_2_24_x86_64:latest 2_28=quay.io/pypa/manylinux_2_28_x86_64:latest 2_34=quay.io/pypa/manylinux_2_34_x86_64:latest
x86_64-unknown-linux-musl auto,musllinux_1_1,musllinux_1_2=ghcr.io/rust-cross/rust-musl-cross:x86_64-musl
i686-unknown-linux-gnu auto,2014,2_17=quay.io/pypa/manylinux2014_i686:latest 2010,2_12=quay.io/pypa/manylinux2010_i686:latest 2_24=quay.io/pypa/manylinux_2_24_i686:latest
i686-unknown-linux-musl auto,musllinux_1_1,musllinux_1_2=ghcr.io/rust-cross/rust-musl-cross:i686-musl
aarch64-unknown-linux-gnu auto,2014,2_17=ghcr.io/rust-cross/manylinux2014-cross:aarch64 2_24=messense/manylinux_2_24-cross:aarch64 2_28=ghcr.io/rust-cross/manylinux_2_28-cross:aarch64
aarch64-unknown-linux-musl auto,musllinux_1_1,musllinux_1_2=ghcr.io/rust-cross/rust-musl-cross:aarch64-musl
arm-unknown-linux-musleabihf auto,musllinux_1_1,musllinux_1_2=ghcr.io/rust-cross/rust-musl-cross:arm-musleabihf
armv7-unknown-linux-gnueabihf auto,2014,2_17=ghcr.io/rust-cross/manylinux2014-cross:armv7 2_24=messense/manylinux_2_24-cross:armv7 2_28=ghcr.io/rust-cross/manylinux_2_28-cross:armv7
armv7-unknown-linux-musleabihf auto,musllinux_1_1,musllinux_1_2=ghcr.io/rust-cross/rust-musl-cross:armv7-musleabihf
powerpc64-unknown-linux-gnu auto,2014,2_17=ghcr.io/rust-cross/manylinux2014-cross:ppc64
powerpc64le-unknown-linux-gnu auto,2014,2_17=ghcr.io/rust-cross/manylinux2014-cross:ppc64le 2_24=messense/manylinux_2_24-cross:ppc64le 2_28=ghcr.io/rust-cross/manylinux_2_28-cross:ppc64le
powerpc64le-unknown-linux-musl auto,musllinux_1_1,musllinux_1_2=ghcr.io/rust-cross/rust-musl-cross:powerpc64le-musl
s390x-unknown-linux-gnu auto,2014,2_17=ghcr.io/rust-cross/manylinux2014-cross:s390x 2_24=messense/manylinux_2_24-cross:s390x 2_28=ghcr.io/rust-cross/manylinux_2_28-cross:s390x
riscv64gc-unknown-linux-gnu auto,2_31=ghcr.io/rust-cross/manylinux_2_31-cross:riscv64
loongarch64-unknown-linux-gnu auto,2_36=ghcr.io/rust-cross/manylinux_2_36-cross:loongarch64
`;

const containers = new Map<string, Map<string, string>>();
for (const line of table.trim().split('\n')) {
  const [target, ...groups] = line.trim().split(/\s+/);
  const byManylinux = new Map<string, string>();
  for (const group of groups) {
    const [values, image] = group.split('=');
    for (const v of values.split(',')) byManylinux.set(v, image);
  }
  containers.set(target, byManylinux);
}

// Short target names the action expands: glibc names, and musl names when `manylinux` is a musllinux tag.
const glibcAliases: Record<string, string> = {
  x64: 'x86_64-unknown-linux-gnu',
  x86_64: 'x86_64-unknown-linux-gnu',
  i686: 'i686-unknown-linux-gnu',
  x86: 'i686-unknown-linux-gnu',
  aarch64: 'aarch64-unknown-linux-gnu',
  armv7: 'armv7-unknown-linux-gnueabihf',
  armv7l: 'armv7-unknown-linux-gnueabihf',
  ppc64le: 'powerpc64le-unknown-linux-gnu',
  ppc64: 'powerpc64-unknown-linux-gnu',
  s390x: 's390x-unknown-linux-gnu',
};
const muslAliases: Record<string, string> = {
  x64: 'x86_64-unknown-linux-musl',
  x86_64: 'x86_64-unknown-linux-musl',
  i686: 'i686-unknown-linux-musl',
  x86: 'i686-unknown-linux-musl',
  aarch64: 'aarch64-unknown-linux-musl',
  arm: 'arm-unknown-linux-musleabihf',
  armv7: 'armv7-unknown-linux-musleabihf',
  armv7l: 'armv7-unknown-linux-musleabihf',
  ppc64le: 'powerpc64le-unknown-linux-musl',
};

export const maturinAction = 'pyo3/maturin-action';

/** `container` values that ask for the action's own choice. */
export const maturinChoosesContainer = new Set(['', 'on', 'auto', 'true']);

/**
 * The container maturin-action pulls for `target` (empty: the runner's own, x86_64 glibc) and
 * `manylinux`; undefined when it builds without Docker (no `manylinux`, or `off`) or the pair is unknown.
 */
export function maturinContainer(target: string, manylinux: string): string | undefined {
  if (manylinux === '' || manylinux === 'off') return undefined;
  const aliases = manylinux.startsWith('musllinux') ? muslAliases : glibcAliases;
  const full = (Object.hasOwn(aliases, target) ? aliases[target] : target) || 'x86_64-unknown-linux-gnu';
  // A pair the table lacks falls back to the runner's own glibc target for that manylinux value.
  return containers.get(full)?.get(manylinux) ?? containers.get('x86_64-unknown-linux-gnu')?.get(manylinux);
}
