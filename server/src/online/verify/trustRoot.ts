// Sigstore trust roots: the public-good root that ships inside @sigstore/tuf (signed TUF target, read
// offline), an optional TUF refresh of it, and roots given as `trusted_root.json` documents.
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { getTrustedRoot } from '@sigstore/tuf';
import seeds from '@sigstore/tuf/seeds.json';
import { toTrustMaterial, type TrustMaterial, type VerifierOptions } from '@sigstore/verify';

/** A Sigstore instance to verify against: its trust material and how much evidence it must show. */
export interface SigstoreInstance {
  /** Shown to users, e.g. `Sigstore public-good`. */
  name: string;
  material: TrustMaterial;
  /** Thresholds for the verifier: public-good certificates carry SCTs and every signature is logged. */
  thresholds: VerifierOptions;
}

const PUBLIC_GOOD_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';
const PUBLIC_GOOD_THRESHOLDS: VerifierOptions = { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 };

let shipped: SigstoreInstance | undefined;

/** The public-good root as shipped with @sigstore/tuf: no network, valid for everything it has logged so far. */
export function publicGoodInstance(): SigstoreInstance {
  if (shipped) return shipped;
  const seed = (seeds as Record<string, { targets: Record<string, string> }>)[PUBLIC_GOOD_MIRROR];
  const json: unknown = JSON.parse(Buffer.from(seed.targets['trusted_root.json'], 'base64').toString('utf8'));
  shipped = instanceFromTrustedRoot('Sigstore public-good', json, PUBLIC_GOOD_THRESHOLDS);
  return shipped;
}

/**
 * The public-good root refreshed through TUF into `cacheDir` (network: tuf-repo-cdn.sigstore.dev). Only
 * for users who asked to go online; falls back to the shipped root when the refresh fails.
 */
export async function refreshedPublicGoodInstance(cacheDir: string): Promise<SigstoreInstance> {
  try {
    const root = await getTrustedRoot({ cachePath: cacheDir, timeout: 5000, retry: { retries: 1 } });
    return { name: 'Sigstore public-good', material: toTrustMaterial(root), thresholds: PUBLIC_GOOD_THRESHOLDS };
  } catch {
    return publicGoodInstance();
  }
}

/**
 * A root in the `trusted_root.json` format (dev.sigstore.trustroot.v1.TrustedRoot). Without explicit
 * thresholds, the root decides: a transparency log or CT log is required only when the root has one
 * (GitHub's instance, for one, timestamps with a TSA and keeps no public log).
 */
export function instanceFromTrustedRoot(name: string, json: unknown, thresholds?: VerifierOptions): SigstoreInstance {
  const root = TrustedRoot.fromJSON(json);
  const derived: VerifierOptions = {
    tlogThreshold: root.tlogs.length > 0 ? 1 : 0,
    ctlogThreshold: root.ctlogs.length > 0 ? 1 : 0,
    timestampThreshold: 1,
  };
  return { name, material: toTrustMaterial(root), thresholds: thresholds ?? derived };
}

const MAX_ROOT_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Trust roots from a file the user named: one `trusted_root.json`, or JSON lines of them (what
 * `gh attestation trusted-root` prints). Each is named after its certificate authority's host.
 */
export function loadTrustedRootFile(path: string): SigstoreInstance[] {
  if (statSync(path).size > MAX_ROOT_FILE_BYTES) throw new Error(`${path} is larger than ${MAX_ROOT_FILE_BYTES} bytes`);
  const text = readFileSync(path, 'utf8').trim();
  let documents: unknown[];
  try {
    const whole: unknown = JSON.parse(text);
    documents = Array.isArray(whole) ? whole : [whole];
  } catch {
    documents = text
      .split(/\r?\n/)
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as unknown);
  }
  return documents.map((json) => instanceFromTrustedRoot(rootName(json) ?? basename(path), json));
}

function rootName(json: unknown): string | undefined {
  const authorities =
    typeof json === 'object' && json !== null
      ? (json as { certificateAuthorities?: Array<{ uri?: unknown }> }).certificateAuthorities
      : undefined;
  const uri = Array.isArray(authorities) ? authorities.find((a) => typeof a?.uri === 'string')?.uri : undefined;
  if (typeof uri !== 'string') return undefined;
  try {
    return `Sigstore at ${new URL(uri).host}`;
  } catch {
    return undefined;
  }
}
