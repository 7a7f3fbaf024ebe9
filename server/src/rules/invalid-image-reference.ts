import type { ImageRule } from './rule';

export const invalidImageReference: ImageRule = {
  id: 'invalid-image-reference',
  target: 'image',
  defaultSeverity: 'error',
  securitySeverity: 2.0,
  precision: 'very-high',
  summary: 'The text cannot be an image reference.',
  docPath: 'docs/rules/invalid-image-reference.md',
  check(ref) {
    if (ref.parsed || ref.runtimeValue) return undefined;
    return {
      message: `'${ref.text.length > 80 ? `${ref.text.slice(0, 80)}…` : ref.text}' is not a valid image reference: ${ref.parseError ?? 'unparsable'}`,
      fixes: ['ignore'],
    };
  },
};
