import type { ImageRule } from './rule';

// Tags that publishers move on every build of a branch or release line.
const moving = new Set(['latest', 'master', 'main', 'edge', 'nightly', 'dev', 'develop', 'devel', 'rolling', 'unstable', 'testing', 'sid', 'canary', 'trunk', 'head']);
const movingPrefix = /^(latest|master|main|nightly|edge)-/;

export function isMovingTag(tag: string | undefined): boolean {
  return tag === undefined || moving.has(tag.toLowerCase()) || movingPrefix.test(tag.toLowerCase());
}

export const mutableTag: ImageRule = {
  id: 'mutable-tag',
  target: 'image',
  defaultSeverity: 'warning',
  securitySeverity: 4.0,
  precision: 'high',
  summary: 'The image has no tag, `latest`, or a branch-like tag, and no digest.',
  docPath: 'docs/rules/mutable-tag.md',
  check(ref) {
    const image = ref.parsed;
    if (!image || image.digest || !isMovingTag(image.tag)) return undefined;
    const what = image.tag === undefined ? 'has no tag (so it means :latest)' : `uses the moving tag :${image.tag}`;
    return {
      message: `${ref.text} ${what} and no digest: each run may get different contents`,
      fixes: ['pin-digest', 'ignore'],
    };
  },
};
