// Sigstore trust roots: the public-good root that ships inside @sigstore/tuf (signed TUF target, read
// offline), an optional TUF refresh of it, and roots given as `trusted_root.json` documents.
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

/** A root in the `trusted_root.json` format (dev.sigstore.trustroot.v1.TrustedRoot). */
export function instanceFromTrustedRoot(name: string, json: unknown, thresholds: VerifierOptions = PUBLIC_GOOD_THRESHOLDS): SigstoreInstance {
  return { name, material: toTrustMaterial(TrustedRoot.fromJSON(json)), thresholds };
}
