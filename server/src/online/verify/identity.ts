// The signer's identity as Fulcio writes it into a certificate: the OIDC issuer and, for CI tokens,
// the workflow, repository, commit, trigger and runner (OIDs under 1.3.6.1.4.1.57264.1, see Fulcio's
// docs/oid-info.md). Read only from a certificate that has already been verified.
import type { X509Certificate } from '@sigstore/core';

export interface SignerIdentity {
  issuer?: string;
  subject?: string;
  workflow?: string;
  sourceRepository?: string;
  sourceCommit?: string;
  sourceRef?: string;
  trigger?: string;
  runnerEnvironment?: string;
}

const FULCIO = '1.3.6.1.4.1.57264.1';
// Since Fulcio 1.4 (`.8` onwards) values are DER UTF8Strings; the first six are raw bytes.
const DER_VALUED: Record<string, keyof SignerIdentity> = {
  [`${FULCIO}.8`]: 'issuer',
  [`${FULCIO}.9`]: 'workflow',
  [`${FULCIO}.11`]: 'runnerEnvironment',
  [`${FULCIO}.12`]: 'sourceRepository',
  [`${FULCIO}.13`]: 'sourceCommit',
  [`${FULCIO}.14`]: 'sourceRef',
  [`${FULCIO}.20`]: 'trigger',
};
const RAW_VALUED: Record<string, keyof SignerIdentity> = {
  [`${FULCIO}.1`]: 'issuer',
  [`${FULCIO}.2`]: 'trigger',
  [`${FULCIO}.3`]: 'sourceCommit',
  [`${FULCIO}.5`]: 'sourceRepository',
  [`${FULCIO}.6`]: 'sourceRef',
};

export function signerIdentity(certificate: X509Certificate): SignerIdentity {
  const identity: SignerIdentity = {};
  const subject = certificate.subjectAltName;
  if (subject) identity.subject = subject;
  for (const [oid, field] of Object.entries(RAW_VALUED)) {
    const value = certificate.extension(oid)?.value.toString('utf8');
    if (value) identity[field] = value;
  }
  for (const [oid, field] of Object.entries(DER_VALUED)) {
    const extension = certificate.extension(oid);
    if (!extension) continue;
    try {
      // The extension's value is an OCTET STRING wrapping the UTF8String.
      const value = extension.valueObj.subs[0]?.value.toString('utf8');
      if (value) identity[field] = value;
    } catch {
      // A malformed extension names nothing; the rest of the identity still stands.
    }
  }
  // GitHub's source repository extension holds the repository URL; older certificates hold `owner/repo`.
  if (
    identity.sourceRepository &&
    !identity.sourceRepository.includes('://') &&
    identity.issuer === 'https://token.actions.githubusercontent.com'
  ) {
    identity.sourceRepository = `https://github.com/${identity.sourceRepository}`;
  }
  return identity;
}
