// Tags that publishers move on purpose: each names a development line, not a release. Sources: the
// distributions' own descriptions of their development branches (Fedora `rawhide`; Debian `sid`,
// `unstable` and `testing`; Alpine `edge`; openSUSE Tumbleweed and Kali `rolling`; Gentoo-style `devel`),
// and the tags CI systems push on every build of a branch (`nightly`, `master`, `main`, `dev`, `canary`…).
export const movingTags: ReadonlySet<string> = new Set([
  'latest',
  // Distributions' development branches.
  'rawhide',
  'sid',
  'unstable',
  'testing',
  'experimental',
  'devel',
  'edge',
  'rolling',
  'tumbleweed',
  // Branch builds.
  'nightly',
  'master',
  'main',
  'dev',
  'develop',
  'canary',
  'trunk',
  'head',
]);

/** A prefix that makes a tag follow a moving line, e.g. `latest-master`, `nightly-2`, `edge-slim`. */
export const movingTagPrefix = /^(latest|master|main|nightly|edge|rawhide|sid|unstable|testing)-/;

export function isMovingTag(tag: string | undefined): boolean {
  if (tag === undefined) return true;
  const t = tag.toLowerCase();
  return movingTags.has(t) || movingTagPrefix.test(t);
}
