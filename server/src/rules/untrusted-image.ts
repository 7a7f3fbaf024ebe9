import { publisherOf } from '../engine/provenance';
import { type ImageRule, stopTestingFixes } from './rule';

export const untrustedImage: ImageRule = {
  id: 'untrusted-image',
  target: 'image',
  defaultSeverity: 'warning',
  securitySeverity: 5.0,
  precision: 'medium',
  summary: 'The image comes from a publisher nobody vouches for (not official, not a known or verified publisher, not the repository\'s own, not trusted by the policy), and copies no official image.',
  docPath: 'docs/rules/untrusted-image.md',
  check(ref, { provenance }) {
    if (!ref.parsed || provenance?.standing !== 'community' || provenance.officialAlternative) return undefined;
    const how = ref.source === 'action-implicit' ? ` (chosen by ${ref.action} from ${ref.input})` : '';
    return {
      message: `${ref.text}${how} comes from ${publisherOf(ref.parsed)}, a publisher nobody here vouches for (not official, not a known publisher, not the repository's own, not trusted by the policy)`,
      fixes: [...stopTestingFixes, 'ignore'],
    };
  },
};
