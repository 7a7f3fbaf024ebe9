// cosign's classic layout (`sha256-<hex>.sig` / `.att` tags) turned into Sigstore bundles (v0.1, the
// version with a signed entry timestamp), so classic signatures take the same verification path.
// Layer annotations, as cosign writes them: `dev.cosignproject.cosign/signature` (base64 signature),
// `dev.sigstore.cosign/certificate` and `/chain` (PEM), `dev.sigstore.cosign/bundle` (Rekor's answer:
// `{SignedEntryTimestamp, Payload: {body, integratedTime, logIndex, logID}}`).
import { createHash } from 'node:crypto';
import type { BundleInput } from './imageBundle';

export const COSIGN_ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
} as const;

const BUNDLE_V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1';

/**
 * One layer of a `.sig` (simple-signing payload, message signature) or `.att` (DSSE envelope) manifest
 * as a bundle, or the reason it cannot be one.
 */
export function cosignLayerToBundle(
  kind: 'sig' | 'att',
  annotations: Record<string, string>,
  payload: Buffer,
): BundleInput | { reason: string } {
  const certificates = [
    ...pemBlocks(annotations[COSIGN_ANNOTATIONS.certificate] ?? ''),
    ...pemBlocks(annotations[COSIGN_ANNOTATIONS.chain] ?? ''),
  ];
  if (certificates.length === 0)
    return { reason: 'signed with a key, not a keyless certificate: there is no identity to verify' };
  const rekor = parseRekorBundle(annotations[COSIGN_ANNOTATIONS.bundle]);
  if ('reason' in rekor) return rekor;
  const verificationMaterial = {
    x509CertificateChain: { certificates: certificates.map((rawBytes) => ({ rawBytes })) },
    tlogEntries: [rekor.entry],
    timestampVerificationData: { rfc3161Timestamps: [] },
  };
  if (kind === 'sig') {
    const signature = annotations[COSIGN_ANNOTATIONS.signature];
    if (!signature) return { reason: 'the .sig layer has no signature annotation' };
    const digest = createHash('sha256').update(payload).digest('base64');
    return {
      json: {
        mediaType: BUNDLE_V01,
        verificationMaterial,
        messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest }, signature },
      },
      artifact: payload,
    };
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(payload.toString('utf8'));
  } catch {
    return { reason: 'the .att layer is not a DSSE envelope (not JSON)' };
  }
  return { json: { mediaType: BUNDLE_V01, verificationMaterial, dsseEnvelope: envelope } };
}

interface RekorEntry {
  logIndex: string;
  logId: { keyId: string };
  kindVersion: { kind: string; version: string };
  integratedTime: string;
  inclusionPromise: { signedEntryTimestamp: string };
  canonicalizedBody: string;
}

function parseRekorBundle(text: string | undefined): { entry: RekorEntry } | { reason: string } {
  if (!text) return { reason: 'not recorded in a transparency log (no Rekor bundle annotation)' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { reason: 'the Rekor bundle annotation is not JSON' };
  }
  const payload = isObject(json) && isObject(json.Payload) ? json.Payload : undefined;
  const set = isObject(json) ? json.SignedEntryTimestamp : undefined;
  if (!payload || typeof set !== 'string' || typeof payload.body !== 'string' || typeof payload.logID !== 'string') {
    return { reason: 'the Rekor bundle annotation lacks its body, log id or signed entry timestamp' };
  }
  let kind = '';
  let version = '';
  try {
    const body: unknown = JSON.parse(Buffer.from(payload.body, 'base64').toString('utf8'));
    if (isObject(body) && typeof body.kind === 'string' && typeof body.apiVersion === 'string')
      ({ kind, apiVersion: version } = body as { kind: string; apiVersion: string });
  } catch {
    // Reported just below.
  }
  if (!kind) return { reason: 'the Rekor entry body is not a log entry' };
  return {
    entry: {
      logIndex: String(payload.logIndex),
      logId: { keyId: Buffer.from(payload.logID, 'hex').toString('base64') },
      kindVersion: { kind, version },
      integratedTime: String(payload.integratedTime),
      inclusionPromise: { signedEntryTimestamp: set },
      canonicalizedBody: payload.body,
    },
  };
}

/** The base64 DER of each PEM certificate in `text`. */
function pemBlocks(text: string): string[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) =>
    m[1].replace(/\s+/g, ''),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
