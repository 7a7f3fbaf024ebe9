import { isMovingTag } from '../engine/knowledge/movingTags';
import type { ImageRule } from './rule';

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
    // An action's own default (setup-qemu's `tonistiigi/binfmt:latest`) has no tag in the workflow to
    // change; unpinned-image still names it. A choice the workflow makes (run-on-arch's
    // `distro: alpine_latest`) is the workflow's own moving tag and is still reported.
    if (ref.source === 'action-implicit' && ref.vouchedBy) return undefined;
    const what = image.tag === undefined ? 'has no tag (so it means :latest)' : `uses the moving tag :${image.tag}`;
    return {
      message: `${ref.text} ${what} and no digest: each run may get different contents`,
      fixes: ['pin-digest', 'ignore'],
    };
  },
};
