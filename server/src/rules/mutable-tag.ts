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
    // An image an action picks by itself (setup-qemu's `tonistiigi/binfmt:latest`) has no tag in the
    // workflow to change; unpinned-image still names it, and the action's input is how to choose another.
    if (ref.source === 'action-implicit') return undefined;
    const what = image.tag === undefined ? 'has no tag (so it means :latest)' : `uses the moving tag :${image.tag}`;
    return {
      message: `${ref.text} ${what} and no digest: each run may get different contents`,
      fixes: ['pin-digest', 'ignore'],
    };
  },
};
