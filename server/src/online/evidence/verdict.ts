// From collected evidence to a verdict: each signed candidate goes through the Sigstore verifier;
// only what verifies for this very digest is "verified", unsigned statements stay "claimed".
import type { ProvenanceVerdict, VerifiedProvenance } from '../../engine/api';
import { verifyImageBundle } from '../verify/imageBundle';
import type { SigstoreInstance } from '../verify/trustRoot';
import type { CollectedEvidence } from './collect';

export function judgeEvidence(
  evidence: CollectedEvidence,
  digest: string,
  instances: SigstoreInstance[],
): ProvenanceVerdict {
  const verdict: ProvenanceVerdict = {
    status: 'none',
    verified: [],
    claimed: evidence.claimed,
    rejected: [],
    examined: evidence.examined,
  };
  for (const candidate of evidence.candidates) {
    if (!candidate.input) {
      verdict.rejected.push({ via: candidate.via, reason: candidate.problem ?? 'unreadable' });
      continue;
    }
    const check = verifyImageBundle(candidate.input, digest, instances);
    if (!check.ok) {
      verdict.rejected.push({
        via: candidate.via,
        reason: check.reason,
        ...(check.unverifiable ? { unverifiable: true } : {}),
      });
      continue;
    }
    const verified: VerifiedProvenance = { via: candidate.via, kind: check.kind, trustedBy: check.trustedBy };
    const id = check.identity;
    if (check.predicateType) verified.predicateType = check.predicateType;
    if (id.issuer) verified.issuer = id.issuer;
    if (id.subject) verified.subject = id.subject;
    if (id.sourceRepository) verified.sourceRepository = id.sourceRepository;
    if (id.sourceCommit) verified.sourceCommit = id.sourceCommit;
    if (id.sourceRef) verified.sourceRef = id.sourceRef;
    if (id.trigger) verified.trigger = id.trigger;
    if (id.runnerEnvironment) verified.runnerEnvironment = id.runnerEnvironment;
    if (check.signedAt) verified.signedAt = check.signedAt;
    verdict.verified.push(verified);
  }
  if (verdict.verified.length > 0) verdict.status = 'verified';
  else if (verdict.rejected.some((r) => r.unverifiable)) verdict.status = 'unverifiable';
  else if (verdict.claimed.length > 0) verdict.status = 'claimed';
  return verdict;
}
