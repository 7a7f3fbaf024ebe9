import type { ImageRule } from './rule';

export const staleDigest: ImageRule = {
  id: 'stale-digest',
  target: 'image',
  defaultSeverity: 'info',
  securitySeverity: 2.0,
  precision: 'very-high',
  summary: 'The tag has moved since the digest was pinned.',
  docPath: 'docs/rules/stale-digest.md',
  online: true,
  check(ref, { resolvedImage }) {
    const image = ref.parsed;
    if (!image?.digest || !image.tag || !resolvedImage || resolvedImage.digest === image.digest) return undefined;
    // A pin of one platform's manifest differs from the tag's multi-platform index without the tag
    // having moved; only a pinned index (several platforms) can be compared with the tag.
    if (resolvedImage.platforms.length < 2) return undefined;
    const cached = resolvedImage.fromCache ? ' (cached)' : '';
    return {
      message: `${image.familiar.split('@')[0]} now points at ${resolvedImage.digest.slice(0, 19)}…, not the pinned ${image.digest.slice(0, 19)}…${cached}`,
      fixes: ['pin-digest', 'ignore'],
    };
  },
};
