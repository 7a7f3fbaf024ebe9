// The hover's Provenance section: what the evidence proves about the digest in use, in that order:
// the verdict, who built it (only from a verified certificate), what is merely claimed, what was
// rejected and why, and where we looked. It never says more than the verdict proves.
import type { ClaimedProvenance, ProvenanceVerdict, VerifiedProvenance } from '../engine/api';
import { claimSources } from '../engine/provenanceRequirements';

const headings: Record<ProvenanceVerdict['status'], string> = {
  verified: 'Verified',
  claimed: 'Claimed, not signed',
  unverifiable: 'Signed, cannot verify offline',
  none: 'No provenance found',
};

export function provenanceMarkdown(verdict: ProvenanceVerdict, code: (text: string) => string): string {
  const lines = [`**Provenance: ${headings[verdict.status]}**`];
  for (const proof of verdict.verified.slice(0, 2)) lines.push(...verifiedLines(proof, code));
  for (const claim of verdict.claimed) lines.push(`- ${claimLine(claim, code)}`);
  for (const rejected of verdict.rejected.slice(0, 3))
    lines.push(`- ${rejected.unverifiable ? 'not verifiable here' : 'rejected'} (${rejected.via}): ${rejected.reason}`);
  if (verdict.rejected.length > 3) lines.push(`- …and ${verdict.rejected.length - 3} more rejected`);
  lines.push(`- looked at: ${verdict.examined.join(', ') || 'nothing'}`);
  return lines.join('\n');
}

function verifiedLines(proof: VerifiedProvenance, code: (text: string) => string): string[] {
  const lines: string[] = [];
  if (proof.subject) lines.push(`- built by ${code(proof.subject)}`);
  if (proof.sourceRepository)
    lines.push(
      `- source ${code(proof.sourceRepository)}${proof.sourceCommit ? ` at commit ${code(proof.sourceCommit.slice(0, 12))}` : ''}`,
    );
  const context = [
    proof.issuer ? `issuer ${code(proof.issuer)}` : '',
    proof.trigger ? `trigger ${code(proof.trigger)}` : '',
    proof.runnerEnvironment ? `${proof.runnerEnvironment} runner` : '',
  ]
    .filter(Boolean)
    .join(', ');
  if (context) lines.push(`- ${context}`);
  const what =
    proof.kind === 'attestation'
      ? `attestation${proof.predicateType ? ` ${code(proof.predicateType)}` : ''}`
      : 'signature';
  lines.push(
    `- ${what} (${proof.via}) verified by ${proof.trustedBy}${proof.signedAt ? `, logged ${proof.signedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}` : ''}`,
  );
  return lines;
}

function claimLine(claim: ClaimedProvenance, code: (text: string) => string): string {
  const parts: string[] = [];
  if (claim.builder) parts.push(`builder ${code(claim.builder)}`);
  if (claim.source)
    parts.push(`source ${code(claim.source)}${claim.revision ? ` at ${code(claim.revision.slice(0, 12))}` : ''}`);
  else if (claim.revision) parts.push(`revision ${code(claim.revision.slice(0, 12))}`);
  if (claim.predicateType) parts.push(code(claim.predicateType));
  if (claim.sbom) parts.push('SBOM present');
  return `${claimSources[claim.via]}: ${parts.join(', ') || 'no details'}`;
}
