import type { ImageRule } from './rule';

export const unpinnedImage: ImageRule = {
  id: 'unpinned-image',
  target: 'image',
  defaultSeverity: 'info',
  securitySeverity: 3.5,
  precision: 'very-high',
  summary: 'The image is not pinned by an @sha256 digest.',
  docPath: 'docs/rules/unpinned-image.md',
  check(ref) {
    if (!ref.parsed || ref.parsed.digest) return undefined;
    return {
      message: `${ref.text} is not pinned by digest: the tag can be re-pushed with other contents`,
      fixes: ['pin-digest', 'ignore'],
    };
  },
};
