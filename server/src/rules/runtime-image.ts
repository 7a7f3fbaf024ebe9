import type { ImageRule } from './rule';

export const runtimeImage: ImageRule = {
  id: 'runtime-image',
  target: 'image',
  defaultSeverity: 'info',
  securitySeverity: 3.0,
  precision: 'medium',
  summary:
    'The image is chosen only when the workflow runs (inputs, vars, secrets, outputs), so nothing here can vouch for it.',
  docPath: 'docs/rules/runtime-image.md',
  check(ref) {
    if (!ref.runtimeValue) return undefined;
    return {
      message: `${ref.text} picks the image at run time: ${ref.runtimeValue}; its provenance cannot be checked here`,
      fixes: ['ignore'],
    };
  },
};
