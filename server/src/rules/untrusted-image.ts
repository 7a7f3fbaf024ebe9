import { publisherOf } from '../engine/provenance';
import { type ImageRule, stopTestingFixes } from './rule';

export const untrustedImage: ImageRule = {
  id: 'untrusted-image',
  target: 'image',
  defaultSeverity: 'warning',
  securitySeverity: 5.0,
  precision: 'medium',
  summary: 'The image comes from a publisher the policy does not trust, and no official counterpart is known.',
  docPath: 'docs/rules/untrusted-image.md',
  check(ref, { provenance }) {
    if (!ref.parsed || provenance?.standing !== 'community' || provenance.officialAlternative) return undefined;
    const how = ref.source === 'action-implicit' ? ` (chosen by ${ref.action} from ${ref.input})` : '';
    return {
      message: `${ref.text}${how} comes from ${publisherOf(ref.parsed)}, a publisher nobody here vouches for (not official, not trusted by the policy)`,
      fixes: [...stopTestingFixes, 'ignore'],
    };
  },
};
