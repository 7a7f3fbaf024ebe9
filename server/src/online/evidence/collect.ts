// Collects what a registry holds about where an image digest comes from: Sigstore bundles among its
// OCI referrers, cosign's classic `.sig`/`.att` tags, BuildKit attestation manifests inside the index,
// and the OCI source/revision labels. Every request is bounded: a few referrers, a few layers, small
// blobs. Nothing here decides trust; verdict.ts does, with the Sigstore libraries.
import type { ClaimedProvenance } from '../../engine/api';
import { errorMessage } from '../../engine/errorMessage';
import type { BundleInput } from '../verify/imageBundle';
import { cosignLayerToBundle } from '../verify/cosign';
import type { Descriptor, FetchedManifest } from '../manifests';
import type { RegistryClient } from '../registryClient';

export interface EvidenceLimits {
  /** Referrers read per image (the rest are listed, not fetched). */
  maxReferrers: number;
  /** Layers read per cosign tag. */
  maxLayers: number;
  /** A Sigstore bundle or DSSE envelope larger than this is refused. */
  maxBundleBytes: number;
  /** A BuildKit provenance statement larger than this is refused (mode=max ones are large). */
  maxStatementBytes: number;
  /** BuildKit attestation manifests read per index (one per platform; they usually agree). */
  maxAttestationManifests: number;
}

export const DEFAULT_EVIDENCE_LIMITS: EvidenceLimits = {
  maxReferrers: 8,
  maxLayers: 4,
  maxBundleBytes: 256 * 1024,
  maxStatementBytes: 1024 * 1024,
  maxAttestationManifests: 1,
};

/** A piece of signed evidence to verify, or why it could not even be read. */
export interface Candidate {
  via: string;
  input?: BundleInput;
  problem?: string;
}

export interface CollectedEvidence {
  /** Listing kept for the hover: `referrer:<type>@<digest>`, `cosign:<tag>`, `buildkit:<digest>`. */
  signatures: string[];
  attestations: string[];
  candidates: Candidate[];
  claimed: ClaimedProvenance[];
  examined: string[];
  /** Look-ups that failed (network, size); the verdict is then partial and not cached long. */
  problems: string[];
}

const SIGSTORE_BUNDLE = /^application\/vnd\.dev\.sigstore\.bundle(\.v\d+\.\d+\+json|\+json;\s*version=\d+\.\d+)/;
const IN_TOTO = 'application/vnd.in-toto+json';
const PREDICATE_ANNOTATION = 'in-toto.io/predicate-type';
const SLSA_PROVENANCE = /^https:\/\/slsa\.dev\/provenance\//;
const SBOM = /^https:\/\/(spdx\.dev\/Document|cyclonedx\.org\/bom)/;
const COSIGN_SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const DSSE_ENVELOPE = 'application/vnd.dsse.envelope.v1+json';

export interface ImageLabels {
  source?: string;
  revision?: string;
}

export async function collectEvidence(
  client: RegistryClient,
  registry: string,
  repository: string,
  manifest: FetchedManifest,
  labels: ImageLabels,
  limits: EvidenceLimits = DEFAULT_EVIDENCE_LIMITS,
): Promise<CollectedEvidence> {
  const out: CollectedEvidence = {
    signatures: [],
    attestations: [],
    candidates: [],
    claimed: [],
    examined: [],
    problems: [],
  };
  const guard = async (what: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      out.problems.push(`${what}: ${errorMessage(error)}`);
    }
  };
  const tag = manifest.digest.replace(':', '-');
  await Promise.all([
    guard('referrers', () => readReferrers(client, registry, repository, manifest.digest, limits, out)),
    guard(`${tag}.sig`, () => readCosignTag(client, registry, repository, `${tag}.sig`, 'sig', limits, out)),
    guard(`${tag}.att`, () => readCosignTag(client, registry, repository, `${tag}.att`, 'att', limits, out)),
    guard('BuildKit attestations', () => readBuildKit(client, registry, repository, manifest, limits, out)),
  ]);
  out.examined.push('image labels');
  // Requests finish in any order; the list reads the same every time.
  const rank = (e: string) => ['referrers', 'cosign tag', 'BuildKit', 'image labels'].findIndex((p) => e.startsWith(p));
  out.examined.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  if (labels.source || labels.revision)
    out.claimed.push({
      via: 'labels',
      ...(labels.source ? { source: labels.source } : {}),
      ...(labels.revision ? { revision: labels.revision } : {}),
    });
  return out;
}

async function readReferrers(
  client: RegistryClient,
  registry: string,
  repository: string,
  digest: string,
  limits: EvidenceLimits,
  out: CollectedEvidence,
): Promise<void> {
  const { referrers, via } = await client.listReferrers(registry, repository, digest);
  out.examined.push(via.replace(/(sha256-[0-9a-f]{12})[0-9a-f]+/, '$1…'));
  let read = 0;
  for (const referrer of referrers) {
    const type = referrer.artifactType ?? referrer.mediaType ?? 'unknown';
    const entry = `referrer:${type}@${referrer.digest}`;
    if (/signature|\.sig\b|sig\.v1/.test(type)) out.signatures.push(entry);
    else out.attestations.push(entry);
    // A list naming the image itself would have us verify the image as its own signature, or loop.
    if (referrer.digest === digest) {
      out.candidates.push({ via: 'referrer', problem: 'the referrers list names the image itself; ignored' });
      continue;
    }
    const isBundle = SIGSTORE_BUNDLE.test(type);
    if (!isBundle && type !== IN_TOTO) continue;
    if (read++ >= limits.maxReferrers) {
      out.problems.push(`more than ${limits.maxReferrers} signed referrers; the rest were not read`);
      break;
    }
    if (!isBundle) {
      out.claimed.push({
        via: 'unsigned-attestation',
        ...(referrer.annotations?.[PREDICATE_ANNOTATION]
          ? { predicateType: referrer.annotations[PREDICATE_ANNOTATION] }
          : {}),
      });
      continue;
    }
    out.candidates.push(await readBundleReferrer(client, registry, repository, digest, referrer, limits));
  }
}

async function readBundleReferrer(
  client: RegistryClient,
  registry: string,
  repository: string,
  digest: string,
  referrer: Descriptor,
  limits: EvidenceLimits,
): Promise<Candidate> {
  const via = 'referrer';
  try {
    const artifact = await client.getManifestIfPresent(registry, repository, referrer.digest, 64 * 1024);
    if (!artifact) return { via, problem: `the referrer ${referrer.digest.slice(0, 19)}… is listed but missing` };
    if (artifact.subject && artifact.subject.digest !== digest)
      return { via, problem: 'the referrer is about another manifest (its subject differs)' };
    const layer = (artifact.layers ?? []).find((l) => SIGSTORE_BUNDLE.test(l.mediaType ?? '')) ?? artifact.layers?.[0];
    if (!layer) return { via, problem: 'the referrer has no bundle layer' };
    if (layer.size !== undefined && layer.size > limits.maxBundleBytes)
      return { via, problem: `the bundle is ${layer.size} bytes, over the ${limits.maxBundleBytes}-byte limit` };
    const body = await client.getBlob(registry, repository, layer.digest, limits.maxBundleBytes);
    const json = parseJson(body);
    if (json === undefined) return { via, problem: 'the bundle is not JSON' };
    return { via, input: { json } };
  } catch (error) {
    return { via, problem: errorMessage(error) };
  }
}

async function readCosignTag(
  client: RegistryClient,
  registry: string,
  repository: string,
  tag: string,
  kind: 'sig' | 'att',
  limits: EvidenceLimits,
  out: CollectedEvidence,
): Promise<void> {
  out.examined.push(`cosign tag ${tag.slice(0, 19)}….${kind}`);
  const manifest = await client.getManifestIfPresent(registry, repository, tag, 256 * 1024);
  if (!manifest) return;
  (kind === 'sig' ? out.signatures : out.attestations).push(`cosign:${tag}`);
  const via = `cosign .${kind}`;
  const wanted = kind === 'sig' ? COSIGN_SIMPLE_SIGNING : DSSE_ENVELOPE;
  const layers = (manifest.layers ?? []).filter((l) => l.mediaType === wanted);
  for (const layer of layers.slice(0, limits.maxLayers)) {
    try {
      const payload = await client.getBlob(registry, repository, layer.digest, limits.maxBundleBytes);
      const converted = cosignLayerToBundle(kind, layer.annotations ?? {}, payload);
      out.candidates.push('reason' in converted ? { via, problem: converted.reason } : { via, input: converted });
    } catch (error) {
      out.candidates.push({ via, problem: errorMessage(error) });
    }
  }
  if (layers.length > limits.maxLayers)
    out.problems.push(`${tag}: more than ${limits.maxLayers} layers; the rest were not read`);
}

/** BuildKit's attestation manifests: unsigned in-toto statements, so only ever *claimed* provenance. */
async function readBuildKit(
  client: RegistryClient,
  registry: string,
  repository: string,
  manifest: FetchedManifest,
  limits: EvidenceLimits,
  out: CollectedEvidence,
): Promise<void> {
  const entries = (manifest.manifests ?? []).filter(
    (m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest',
  );
  if (entries.length === 0) return;
  out.examined.push(`BuildKit attestation manifests (${entries.length})`);
  const claim: ClaimedProvenance = { via: 'buildkit-provenance' };
  let found = false;
  for (const entry of entries.slice(0, limits.maxAttestationManifests)) {
    const attestation = await client.getManifestIfPresent(registry, repository, entry.digest, 64 * 1024);
    for (const layer of attestation?.layers ?? []) {
      const predicateType = layer.annotations?.[PREDICATE_ANNOTATION] ?? '';
      if (SBOM.test(predicateType)) {
        claim.sbom = true;
        found = true;
      }
      if (!SLSA_PROVENANCE.test(predicateType) || claim.predicateType) continue;
      claim.predicateType = predicateType;
      found = true;
      const statement = parseJson(await client.getBlob(registry, repository, layer.digest, limits.maxStatementBytes));
      Object.assign(claim, readSlsaProvenance(statement));
    }
  }
  if (found) out.claimed.push(claim);
}

/** Builder, source and revision from a SLSA provenance predicate, v0.2 or v1, as BuildKit writes them. */
export function readSlsaProvenance(statement: unknown): Pick<ClaimedProvenance, 'builder' | 'source' | 'revision'> {
  const found: Pick<ClaimedProvenance, 'builder' | 'source' | 'revision'> = {};
  const predicate = isObject(statement) && isObject(statement.predicate) ? statement.predicate : undefined;
  if (!predicate) return found;
  const builder = pick(predicate, ['builder', 'id']) ?? pick(predicate, ['runDetails', 'builder', 'id']);
  if (typeof builder === 'string') found.builder = builder;
  // BuildKit records the git source in its own metadata: `vcs.source` and `vcs.revision`.
  const buildkit =
    pick(predicate, ['metadata', 'https://mobyproject.org/buildkit@v1#metadata']) ??
    pick(predicate, ['runDetails', 'metadata', 'buildkit_metadata']);
  const vcs = isObject(buildkit) && isObject(buildkit.vcs) ? buildkit.vcs : undefined;
  const source = vcs?.source ?? pick(predicate, ['invocation', 'configSource', 'uri']);
  if (typeof source === 'string') found.source = source;
  const revision = vcs?.revision;
  if (typeof revision === 'string') found.revision = revision;
  return found;
}

function pick(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
