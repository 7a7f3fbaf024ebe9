import { identityMismatch, requirementsFor, satisfyingProof, verdictSummary } from '../engine/provenanceRequirements';
import type { ImageRule } from './rule';

export const provenanceMismatch: ImageRule = {
  id: 'provenance-mismatch',
  target: 'image',
  defaultSeverity: 'error',
  securitySeverity: 7.0,
  precision: 'very-high',
  summary: 'The policy requires verified provenance for this image, and no verified signer matches it.',
  docPath: 'docs/rules/provenance-mismatch.md',
  online: true,
  check(ref, { resolvedImage, policy }) {
    const verdict = resolvedImage?.provenance;
    if (!ref.parsed || !verdict) return undefined;
    const requirements = requirementsFor(ref.parsed, policy);
    if (requirements.length === 0 || satisfyingProof(verdict, requirements)) return undefined;
    const wanted = requirements.map((r) => r.image).join(', ');
    if (verdict.verified.length === 0) {
      return {
        message: `the policy requires verified provenance for ${wanted}, but ${ref.text} has none: ${verdictSummary(verdict)}`,
        fixes: ['ignore'],
      };
    }
    // Signed, but not by whom the policy names: say who did sign, and which constraint failed.
    const proof = verdict.verified[0];
    const reason = requirements.map((r) => identityMismatch(proof, r)).find((m) => m !== undefined);
    return {
      message: `${ref.text} is signed, but not as the policy requires for ${wanted}: ${reason}`,
      fixes: ['ignore'],
    };
  },
};
