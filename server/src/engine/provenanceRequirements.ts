// What a `require-provenance:` policy asks of an image, and whether a verified identity gives it.
// Pure: reads the policy and the verdict learned online; rules and the CLI share it.
import type {
  ClaimedProvenance,
  ProvenanceRequirement,
  ProvenanceVerdict,
  TrustPolicy,
  VerifiedProvenance,
} from './api';
import { globMatches } from './knowledge/trustedPublishers';
import { matchesImagePattern } from './provenance';
import type { ParsedImage } from './types';

/** The policy entries that apply to `image`, in the policy's order. */
export function requirementsFor(image: ParsedImage, policy: TrustPolicy): ProvenanceRequirement[] {
  return policy.requireProvenance.filter((r) => matchesImagePattern(r.image, image));
}

/** Why `proof` does not satisfy `requirement`, or undefined when it does. */
export function identityMismatch(proof: VerifiedProvenance, requirement: ProvenanceRequirement): string | undefined {
  // The issuer is compared exactly, as cosign's --certificate-oidc-issuer does: a pattern there invites mistakes.
  if (requirement.issuer && proof.issuer !== requirement.issuer)
    return `issuer ${proof.issuer ?? 'none'} is not ${requirement.issuer}`;
  if (requirement.subject && !(proof.subject && globMatches(requirement.subject, proof.subject)))
    return `signer ${proof.subject ?? 'none'} does not match ${requirement.subject}`;
  if (
    requirement.repository &&
    !(proof.sourceRepository && globMatches(requirement.repository, proof.sourceRepository))
  ) {
    return `source repository ${proof.sourceRepository ?? 'none'} does not match ${requirement.repository}`;
  }
  return undefined;
}

/** The first verified proof that satisfies every applicable requirement. */
export function satisfyingProof(
  verdict: ProvenanceVerdict,
  requirements: ProvenanceRequirement[],
): VerifiedProvenance | undefined {
  return verdict.verified.find((proof) => requirements.every((r) => identityMismatch(proof, r) === undefined));
}

/** What a claim was read from, in words: messages and the hover say it the same way. */
export const claimSources: Readonly<Record<ClaimedProvenance['via'], string>> = {
  labels: 'image labels',
  'buildkit-provenance': 'unsigned BuildKit provenance',
  'unsigned-attestation': 'an unsigned attestation',
};

/** One line on what the verdict found, for messages: the best reason nothing verified. */
export function verdictSummary(verdict: ProvenanceVerdict): string {
  switch (verdict.status) {
    case 'verified':
      return `verified: signed by ${verdict.verified[0].subject ?? 'an unnamed identity'}`;
    case 'unverifiable':
      return verdict.rejected.find((r) => r.unverifiable)?.reason ?? 'signed, but cannot be verified here';
    case 'claimed': {
      const claim = verdict.claimed.find((c) => c.source) ?? verdict.claimed[0];
      return `only claimed by ${claimSources[claim.via]}${claim.source ? ` (source ${claim.source})` : ''}, not signed${rejectedNote(verdict)}`;
    }
    default:
      return `no Sigstore signature or attestation found${rejectedNote(verdict)}`;
  }
}

function rejectedNote(verdict: ProvenanceVerdict): string {
  if (verdict.rejected.length === 0) return '';
  const first = verdict.rejected[0];
  return `; ${verdict.rejected.length} rejected (${first.via}: ${first.reason})`;
}
