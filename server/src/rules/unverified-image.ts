import { requirementsFor, verdictSummary } from '../engine/provenanceRequirements';
import type { ImageRule } from './rule';

export const unverifiedImage: ImageRule = {
  id: 'unverified-image',
  target: 'image',
  defaultSeverity: 'info',
  securitySeverity: 3.0,
  precision: 'high',
  summary:
    'No Sigstore signature or attestation verifies the digest in use, so nothing proves where the image comes from.',
  docPath: 'docs/rules/unverified-image.md',
  online: true,
  check(ref, { resolvedImage, policy }) {
    const verdict = resolvedImage?.provenance;
    if (!ref.parsed || !verdict || verdict.status === 'verified') return undefined;
    // Where the policy requires provenance, provenance-mismatch reports it (as an error) instead.
    if (requirementsFor(ref.parsed, policy).length > 0) return undefined;
    const digest = ref.parsed.digest ?? resolvedImage.digest;
    return {
      message: `nothing proves where ${ref.text} comes from: ${verdictSummary(verdict)} for ${digest.slice(0, 19)}…`,
      fixes: ['ignore'],
    };
  },
};
