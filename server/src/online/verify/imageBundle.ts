// Verifies one Sigstore bundle as evidence about one image digest, with the Sigstore project's own
// libraries: the certificate chains to a trust root and was valid when the log (or timestamp authority)
// saw the signature, the log entry is for this very signature, the signature covers the content, and the
// content names this image's digest. Every failure comes back as a sentence, never as an exception.
import { bundleFromJSON, ValidationError, type Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { toSignedEntity, Verifier, VerificationError } from '@sigstore/verify';
import { errorMessage } from '../../engine/errorMessage';
import { signerIdentity, type SignerIdentity } from './identity';
import type { SigstoreInstance } from './trustRoot';

const IN_TOTO = 'application/vnd.in-toto+json';
const DIGEST = /^sha256:([0-9a-f]{64})$/;

export interface VerifiedEvidence {
  ok: true;
  kind: 'attestation' | 'signature';
  identity: SignerIdentity;
  predicateType?: string;
  signedAt?: string;
  trustedBy: string;
}

export interface RejectedEvidence {
  ok: false;
  reason: string;
  /** Signed, but by an instance whose trust root is not available: neither good nor bad. */
  unverifiable?: boolean;
}

export type EvidenceCheck = VerifiedEvidence | RejectedEvidence;

export interface BundleInput {
  /** The bundle as parsed JSON (`application/vnd.dev.sigstore.bundle*`). */
  json: unknown;
  /** For a message signature: the signed bytes (cosign's simple-signing payload). */
  artifact?: Buffer;
}

/** Checks `input` as evidence for `imageDigest` against each instance in turn. */
export function verifyImageBundle(
  input: BundleInput,
  imageDigest: string,
  instances: SigstoreInstance[],
): EvidenceCheck {
  const wanted = DIGEST.exec(imageDigest)?.[1];
  if (!wanted) return { ok: false, reason: `the image digest ${imageDigest} is not a sha256 digest` };
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(input.json);
  } catch (error) {
    return { ok: false, reason: `malformed Sigstore bundle (${describe(error)})` };
  }
  const certificate = leafCertificate(bundle);
  if (!certificate)
    return { ok: false, reason: 'signed with a bare key, not a Fulcio certificate: there is no identity to verify' };
  let entity: ReturnType<typeof toSignedEntity>;
  try {
    entity = toSignedEntity(bundle, input.artifact);
  } catch (error) {
    return { ok: false, reason: `malformed Sigstore bundle (${describe(error)})` };
  }
  const failures: string[] = [];
  let verifiedBy: SigstoreInstance | undefined;
  for (const instance of instances) {
    try {
      new Verifier(instance.material, instance.thresholds).verify(entity);
      verifiedBy = instance;
      break;
    } catch (error) {
      failures.push(explain(error, instance));
    }
  }
  if (!verifiedBy) {
    if (fromGitHubInstance(certificate) && !instances.some((i) => /github/i.test(i.name))) {
      return {
        ok: false,
        unverifiable: true,
        reason:
          "signed through GitHub's own Sigstore instance (private repositories), whose trust root is not available here: cannot verify offline",
      };
    }
    return { ok: false, reason: failures[0] ?? 'no trust root to verify against' };
  }
  // Only now, with the signature proven, is the content worth reading as a claim about this image.
  const content = readContent(bundle, input.artifact);
  if ('reason' in content)
    return {
      ok: false,
      reason: `${content.reason} (signature valid, signed by ${signerIdentity(certificate).subject ?? 'an unnamed identity'})`,
    };
  const subjects = content.subjects;
  if (!subjects.includes(wanted)) {
    const named = subjects.length ? subjects.map((s) => `sha256:${s.slice(0, 12)}…`).join(', ') : 'no sha256 digest';
    return {
      ok: false,
      reason: `the signed ${content.kind} is about ${named}, not this image (sha256:${wanted.slice(0, 12)}…)`,
    };
  }
  const entry = bundle.verificationMaterial.tlogEntries[0];
  const log = entry ? verifiedBy.material.tlogs.find((t) => t.logID.equals(entry.logId.keyId)) : undefined;
  const result: VerifiedEvidence = {
    ok: true,
    kind: content.kind,
    identity: signerIdentity(certificate),
    trustedBy: log ? `${verifiedBy.name} (${hostOf(log.baseURL)})` : verifiedBy.name,
  };
  if (content.predicateType) result.predicateType = content.predicateType;
  if (entry?.integratedTime) result.signedAt = new Date(Number(entry.integratedTime) * 1000).toISOString();
  return result;
}

type Content = { kind: 'attestation' | 'signature'; subjects: string[]; predicateType?: string } | { reason: string };

/** The digests the signed content names: an in-toto statement's subjects, or cosign's `docker-manifest-digest`. */
function readContent(bundle: Bundle, artifact: Buffer | undefined): Content {
  if (bundle.content.$case === 'dsseEnvelope') {
    const envelope = bundle.content.dsseEnvelope;
    if (envelope.payloadType !== IN_TOTO)
      return { reason: `the signed payload is ${envelope.payloadType || 'untyped'}, not an in-toto statement` };
    const statement = parseJson(envelope.payload);
    if (!isObject(statement) || !Array.isArray(statement.subject))
      return { reason: 'the signed payload is not an in-toto statement with subjects' };
    const subjects = statement.subject.flatMap((s: unknown) =>
      isObject(s) && isObject(s.digest) && typeof s.digest.sha256 === 'string' ? [s.digest.sha256.toLowerCase()] : [],
    );
    const predicateType = typeof statement.predicateType === 'string' ? statement.predicateType : undefined;
    return { kind: 'attestation', subjects, predicateType };
  }
  if (!artifact) return { reason: 'a message signature without the signed payload cannot be checked' };
  const payload = parseJson(artifact);
  const critical = isObject(payload) && isObject(payload.critical) ? payload.critical : undefined;
  const digest = critical && isObject(critical.image) ? critical.image['docker-manifest-digest'] : undefined;
  if (typeof digest !== 'string')
    return { reason: "the signed payload is not cosign's simple-signing format (no docker-manifest-digest)" };
  const hex = DIGEST.exec(digest)?.[1];
  return { kind: 'signature', subjects: hex ? [hex] : [] };
}

function leafCertificate(bundle: Bundle): X509Certificate | undefined {
  const material = bundle.verificationMaterial.content;
  try {
    if (material.$case === 'certificate') return X509Certificate.parse(Buffer.from(material.certificate.rawBytes));
    if (material.$case === 'x509CertificateChain' && material.x509CertificateChain.certificates[0]) {
      return X509Certificate.parse(Buffer.from(material.x509CertificateChain.certificates[0].rawBytes));
    }
  } catch {
    return undefined;
  }
  return undefined;
}

// GitHub's instance issues from an intermediate whose subject names GitHub (O=GitHub, Inc.).
function fromGitHubInstance(certificate: X509Certificate): boolean {
  return /GitHub/i.test(certificate.issuer.toString('latin1'));
}

/** The verifier's error in the words a user needs: which check failed, against which root. */
function explain(error: unknown, instance: SigstoreInstance): string {
  if (!(error instanceof VerificationError)) return `verification failed: ${describe(error)}`;
  const cause = error.cause instanceof Error ? error.cause.message : '';
  switch (error.code) {
    case 'CERTIFICATE_ERROR':
      if (/not valid or expired/.test(cause) || /not valid or expired/.test(error.message)) {
        return 'the certificate was not valid when the signature was logged (expired or not yet valid)';
      }
      if (/SCT/.test(error.message))
        return `the certificate carries no certificate-transparency proof trusted by ${instance.name}`;
      return `the certificate does not chain to the ${instance.name} trust root`;
    case 'SIGNATURE_ERROR':
      return 'the signature does not match the signed content (tampered or wrong key)';
    case 'TLOG_BODY_ERROR':
      return `the transparency-log entry is for another signature or content (${error.message})`;
    case 'TLOG_INCLUSION_PROMISE_ERROR':
      return `the transparency-log entry's signed timestamp does not verify with ${instance.name}'s log keys`;
    case 'TLOG_INCLUSION_PROOF_ERROR':
      return `the transparency-log inclusion proof does not verify (${error.message})`;
    case 'TLOG_MISSING_INCLUSION_ERROR':
    case 'TLOG_ERROR':
      return 'the signature was never recorded in a transparency log';
    case 'TIMESTAMP_ERROR':
      return `no trusted time for the signature (${error.message})`;
    default:
      return `${error.message}${cause ? ` (${cause})` : ''}`;
  }
}

function parseJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function describe(error: unknown): string {
  if (error instanceof ValidationError && error.fields?.length) return `${error.message}: ${error.fields.join(', ')}`;
  return errorMessage(error);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
