// A small client for the OCI Distribution API: manifests, config blobs and provenance evidence.
// Authentication (challenges, tokens, credentials) lives in registryAuth.ts and credentials.ts.
import { createHash } from 'node:crypto';
import { DIGEST_PATTERN as DIGEST, isObject } from '../engine/factShapes';
import { type CredentialOptions, CredentialStore } from './credentials';
import { RegistryAuth } from './registryAuth';
import { hostOf, HttpResponse, InFlight, OnlineError, Transport, TransportOptions } from './transport';

export type { RegistryCredentials } from './credentials';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

// Registries answer HEAD of an index with 404 unless Accept names the index types (distribution 2.8 does).
const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(', ');
const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);
const IMAGE_TYPES = new Set<string>([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const SOURCE_LABEL = 'org.opencontainers.image.source';

export interface RegistryClientOptions extends TransportOptions, CredentialOptions {
  /**
   * Base URL per registry name, e.g. `{'127.0.0.1:5000': 'http://127.0.0.1:5000'}`; others use `https://<name>`.
   * Credentials follow the URL's origin, not the name: a mirror gets only credentials filed for itself.
   */
  registryUrls?: Record<string, string>;
  /** Default 4 MiB. */
  maxManifestBytes?: number;
  /** Cap for config blobs and token answers. Default 4 MiB. */
  maxBlobBytes?: number;
  /** Share one transport (and its limits and counts) with other clients. */
  transport?: Transport;
}

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  artifactType?: string;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  /** Present for an index (OCI index or Docker manifest list). */
  manifests?: Descriptor[];
  /** Present for a single image manifest. */
  config?: Descriptor;
}

/** What a digest tells about an image; none of it changes while the digest stays the same, evidence aside. */
export interface ImageFacts {
  platforms: string[];
  created?: string;
  sourceRepository?: string;
  signatures: string[];
  attestations: string[];
}

export interface DescribedImage {
  facts: ImageFacts;
  /** What could not be read (config or evidence); the facts are then partial and not worth caching long. */
  problems: string[];
}

/** Docker Hub answers to several names; they are one registry, whose API lives on `registry-1.docker.io`. */
export function registryName(name: string): string {
  const lower = name.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? 'docker.io' : lower;
}

export class RegistryClient {
  readonly transport: Transport;
  private readonly registryUrls: Record<string, string>;
  private readonly credentials: CredentialStore;
  private readonly auth: RegistryAuth;
  private readonly maxManifestBytes: number;
  private readonly maxBlobBytes: number;
  private readonly noReferrersApi = new Set<string>();
  private readonly firstContact = new Map<string, Promise<void>>();
  private readonly referrersProbe = new Map<string, Promise<void>>();
  readonly inFlight = new InFlight();

  constructor(options: RegistryClientOptions = {}) {
    this.transport = options.transport ?? new Transport(options);
    this.registryUrls = Object.fromEntries(Object.entries(options.registryUrls ?? {}).map(([k, v]) => [registryName(k), v.replace(/\/+$/, '')]));
    this.credentials = new CredentialStore(options);
    this.auth = new RegistryAuth(this.transport, this.credentials, this.inFlight);
    this.maxManifestBytes = options.maxManifestBytes ?? 4 * 1024 * 1024;
    this.maxBlobBytes = options.maxBlobBytes ?? 4 * 1024 * 1024;
  }

  /** The digest a tag (or digest) points at, by HEAD: Docker Hub does not count HEAD against its pull limit. */
  async headManifest(registry: string, repository: string, reference: string): Promise<string> {
    const response = await this.call(registry, repository, `manifests/${reference}`, 'HEAD', MANIFEST_ACCEPT, 0);
    this.expectOk(response, registry, repository, reference);
    const digest = response.headers.get('docker-content-digest') ?? '';
    if (DIGEST.test(digest)) return digest;
    // Without the header the digest can only be computed from the body.
    return (await this.getManifest(registry, repository, reference)).digest;
  }

  async getManifest(registry: string, repository: string, reference: string): Promise<FetchedManifest> {
    const key = `manifest ${registryName(registry)}/${repository}@${reference}`;
    return this.inFlight.run(key, async () => {
      const response = await this.call(registry, repository, `manifests/${reference}`, 'GET', MANIFEST_ACCEPT, this.maxManifestBytes);
      this.expectOk(response, registry, repository, reference);
      return parseManifest(response, referenceText(registry, repository, reference), DIGEST.test(reference) ? reference : undefined);
    });
  }

  /** The image configuration blob (JSON), verified against its digest. */
  async getConfig(registry: string, repository: string, digest: string): Promise<ImageConfig> {
    const response = await this.call(registry, repository, `blobs/${digest}`, 'GET', '*/*', this.maxBlobBytes);
    this.expectOk(response, registry, repository, digest);
    const actual = sha256(response.body);
    if (actual !== digest) throw new OnlineError('bad-response', `config blob of ${registry}/${repository} does not match its digest`);
    const json = parseJson(response.body, `config blob of ${registry}/${repository}`);
    if (!isObject(json)) throw new OnlineError('bad-response', `config blob of ${registry}/${repository} is not a JSON object`);
    return json as ImageConfig;
  }

  /**
   * Platforms, config facts and provenance evidence for a fetched manifest. Config and evidence are
   * best effort: what fails is listed in `problems` and the rest is still returned.
   */
  async describe(registry: string, repository: string, manifest: FetchedManifest, want = { config: true, evidence: true }): Promise<DescribedImage> {
    const problems: string[] = [];
    const platforms: string[] = [];
    const attestations: string[] = [];
    let configDescriptor = manifest.config;
    if (manifest.manifests) {
      let chosen: Descriptor | undefined;
      for (const entry of manifest.manifests) {
        if (entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') {
          attestations.push(`buildkit:${entry.digest}`);
          continue;
        }
        const platform = formatPlatform(entry.platform);
        if (!platform || platform.startsWith('unknown/')) continue;
        if (!platforms.includes(platform)) platforms.push(platform);
        if (!chosen || (platform === 'linux/amd64' && formatPlatform(chosen.platform) !== 'linux/amd64')) chosen = entry;
      }
      if (chosen && want.config) {
        try {
          const image = await this.getManifest(registry, repository, chosen.digest);
          configDescriptor = image.config;
        } catch (error) {
          problems.push(messageOf(error));
        }
      }
    }
    const facts: ImageFacts = { platforms, signatures: [], attestations };
    const [config, evidence] = await Promise.all([
      configDescriptor ? this.getConfig(registry, repository, configDescriptor.digest).catch((error: unknown) => problems.push(messageOf(error)) && undefined) : undefined,
      want.evidence ? this.findEvidence(registry, repository, manifest.digest).catch((error: unknown) => problems.push(messageOf(error)) && undefined) : undefined,
    ]);
    if (config) {
      if (typeof config.created === 'string') facts.created = config.created;
      const source = config.config?.Labels?.[SOURCE_LABEL];
      if (typeof source === 'string') facts.sourceRepository = source;
      if (!manifest.manifests) {
        const platform = formatPlatform({ os: config.os, architecture: config.architecture, variant: config.variant });
        if (platform) platforms.push(platform);
      }
    }
    if (evidence) {
      facts.signatures.push(...evidence.signatures);
      facts.attestations.push(...evidence.attestations);
    }
    return { facts, problems };
  }

  /**
   * Signatures and attestations attached to a digest: the referrers API, its tag-schema fallback
   * (`sha256-<hex>`) where the API is missing, and cosign's `sha256-<hex>.sig` / `.att` tags.
   */
  async findEvidence(registry: string, repository: string, digest: string): Promise<{ signatures: string[]; attestations: string[] }> {
    const signatures: string[] = [];
    const attestations: string[] = [];
    const tag = digest.replace(':', '-');
    const [referrers, sig, att] = await Promise.all([
      this.referrers(registry, repository, digest),
      this.tagExists(registry, repository, `${tag}.sig`),
      this.tagExists(registry, repository, `${tag}.att`),
    ]);
    for (const referrer of referrers) {
      const type = referrer.artifactType ?? referrer.mediaType ?? 'unknown';
      const entry = `referrer:${type}@${referrer.digest}`;
      if (/signature|\.sig\b|sig\.v1/.test(type)) signatures.push(entry);
      else attestations.push(entry);
    }
    if (sig) signatures.push(`cosign:${tag}.sig`);
    if (att) attestations.push(`cosign:${tag}.att`);
    return { signatures, attestations };
  }

  private async referrers(registry: string, repository: string, digest: string): Promise<Descriptor[]> {
    const name = registryName(registry);
    // Whether a registry has the API is learnt once: later look-ups wait for the first answer.
    const probe = this.referrersProbe.get(name);
    let release: (() => void) | undefined;
    if (probe) await probe;
    else this.referrersProbe.set(name, new Promise<void>((resolve) => (release = resolve)));
    try {
      if (!this.noReferrersApi.has(name)) {
        const response = await this.call(registry, repository, `referrers/${digest}`, 'GET', MEDIA_TYPES.ociIndex, this.maxManifestBytes);
        if (response.status === 200) return parseManifest(response, `referrers of ${registry}/${repository}@${digest}`).manifests ?? [];
        if (response.status !== 404) this.expectOk(response, registry, repository, `referrers/${digest}`);
        // A registry with the API answers 200 with an empty index, so 404 means it has none.
        this.noReferrersApi.add(name);
      }
    } finally {
      release?.();
    }
    const fallback = await this.call(registry, repository, `manifests/${digest.replace(':', '-')}`, 'GET', MANIFEST_ACCEPT, this.maxManifestBytes);
    if (fallback.status === 404) return [];
    this.expectOk(fallback, registry, repository, digest.replace(':', '-'));
    return parseManifest(fallback, `referrers tag of ${registry}/${repository}@${digest}`).manifests ?? [];
  }

  private async tagExists(registry: string, repository: string, tag: string): Promise<boolean> {
    const response = await this.call(registry, repository, `manifests/${tag}`, 'HEAD', MANIFEST_ACCEPT, 0);
    if (response.status === 404) return false;
    this.expectOk(response, registry, repository, tag);
    return true;
  }

  /**
   * Before many look-ups on one registry: learns its challenge from `GET /v2/` and fetches one token for
   * all the repositories' pull scopes (the token protocol allows several `scope` parameters). Best effort:
   * a look-up whose scope was not granted still gets its own token.
   */
  async prefetchTokens(registry: string, repositories: string[]): Promise<void> {
    const name = registryName(registry);
    const origin = this.originOf(name);
    const unique = [...new Set(repositories)];
    if (unique.length < 2) return;
    try {
      if (!this.auth.challengeOf(origin) && !this.firstContact.has(name)) {
        let release: () => void = () => undefined;
        this.firstContact.set(name, new Promise<void>((resolve) => (release = resolve)));
        try {
          const ping = await this.transport.request(`${this.baseUrl(name)}/v2/`, { maxBytes: 64 * 1024 });
          if (ping.status === 401) this.auth.learn(origin, ping.headers.get('www-authenticate'));
        } finally {
          release();
        }
      } else {
        await this.firstContact.get(name);
      }
      await this.auth.prefetch(origin, unique);
    } catch {
      // Each look-up falls back to the one-token-per-repository flow.
    }
  }

  /** One API call with authentication: reuses a token for the scope, or answers a 401 challenge once. */
  private async call(registry: string, repository: string, path: string, method: 'GET' | 'HEAD', accept: string, maxBytes: number): Promise<HttpResponse> {
    const name = registryName(registry);
    const url = `${this.baseUrl(name)}/v2/${repository}/${path}`;
    const scope = `repository:${repository}:pull`;
    const send = (authorization: string | undefined) =>
      this.transport.request(url, { method, maxBytes, headers: { Accept: accept, ...(authorization ? { Authorization: authorization } : {}) } });
    // Until a registry has answered once, its challenge is unknown: the first request goes alone, so the
    // others can fetch a token first instead of each collecting a 401.
    const firstContact = this.firstContact.get(name);
    let release: (() => void) | undefined;
    if (firstContact) await firstContact;
    else this.firstContact.set(name, new Promise<void>((resolve) => (release = resolve)));
    try {
      const known = await this.auth.authorization(this.originOf(name), scope, false);
      const response = await send(known);
      if (response.status !== 401) return response;
      return await this.answerChallenge(name, repository, scope, known, response, send);
    } finally {
      release?.();
    }
  }

  private async answerChallenge(
    name: string,
    repository: string,
    scope: string,
    known: string | undefined,
    response: HttpResponse,
    send: (authorization: string | undefined) => Promise<HttpResponse>,
  ): Promise<HttpResponse> {
    const origin = this.originOf(name);
    if (!this.auth.learn(origin, response.headers.get('www-authenticate'))) {
      throw new OnlineError('unauthorized', `${name} refused ${repository} without a usable WWW-Authenticate challenge`, 401);
    }
    const fresh = await this.auth.authorization(origin, scope, true);
    if (!fresh || fresh === known) {
      throw new OnlineError('unauthorized', `${name} requires credentials for ${repository}${(await this.auth.hasCredentials(origin)) ? ' (the configured ones were refused)' : ''}`, 401);
    }
    response = await send(fresh);
    if (response.status === 401) {
      throw new OnlineError('unauthorized', `${name} refused access to ${repository}${(await this.auth.hasCredentials(origin)) ? '' : ' (no credentials configured for it)'}`, 401);
    }
    return response;
  }

  get tokenRequests(): number {
    return this.auth.tokenRequests;
  }

  /** What went wrong running Docker credential helpers (no answer in time, not JSON), for the user. */
  credentialProblems(): string[] {
    return [...this.credentials.problems];
  }

  private originOf(name: string): string {
    return new URL(this.baseUrl(name)).origin;
  }

  private baseUrl(name: string): string {
    return this.registryUrls[name] ?? (name === 'docker.io' ? 'https://registry-1.docker.io' : `https://${name}`);
  }

  private expectOk(response: HttpResponse, registry: string, repository: string, reference: string): void {
    if (response.status === 200) return;
    const what = referenceText(registry, repository, reference);
    if (response.status === 404) throw new OnlineError('not-found', `${what} not found`, 404);
    if (response.status === 401 || response.status === 403) throw new OnlineError('unauthorized', `${registryName(registry)} refused access to ${repository}`, response.status);
    if (response.status === 429) throw new OnlineError('rate-limited', `${hostOf(response.url)} is rate limiting requests`, 429);
    if (response.status >= 500) throw new OnlineError('server-error', `${hostOf(response.url)} answered ${response.status} for ${what}`, response.status);
    throw new OnlineError('bad-response', `${hostOf(response.url)} answered ${response.status} for ${what}`, response.status);
  }
}

export interface ImageConfig {
  created?: unknown;
  os?: string;
  architecture?: string;
  variant?: string;
  config?: { Labels?: Record<string, unknown> | null };
}

function referenceText(registry: string, repository: string, reference: string): string {
  return `${registry}/${repository}${DIGEST.test(reference) ? '@' : ':'}${reference}`;
}

export function formatPlatform(platform: { os?: string; architecture?: string; variant?: string } | undefined): string | undefined {
  if (!platform?.os || !platform.architecture) return undefined;
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

function parseManifest(response: HttpResponse, what: string, expectedDigest?: string): FetchedManifest {
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
  const generic = contentType === 'application/json' || contentType === '';
  if (!generic && !INDEX_TYPES.has(contentType) && !IMAGE_TYPES.has(contentType)) {
    throw new OnlineError('bad-response', `${what} has unexpected content type ${contentType}`);
  }
  const json = parseJson(response.body, what);
  if (!isObject(json)) throw new OnlineError('bad-response', `${what} is not a JSON object`);
  const declared = typeof json.mediaType === 'string' ? json.mediaType : undefined;
  // Some registries label manifests plain `application/json`; the document's own mediaType then decides.
  const mediaType = generic ? declared : contentType;
  if (!mediaType || !(INDEX_TYPES.has(mediaType) || IMAGE_TYPES.has(mediaType))) {
    throw new OnlineError('bad-response', `${what} is not an image manifest or index (media type ${mediaType ?? 'none'})`);
  }
  const digest = sha256(response.body);
  const header = response.headers.get('docker-content-digest');
  if ((expectedDigest && digest !== expectedDigest) || (header && DIGEST.test(header) && header !== digest)) {
    throw new OnlineError('bad-response', `${what} does not match its digest`);
  }
  if (INDEX_TYPES.has(mediaType)) {
    if (!Array.isArray(json.manifests)) throw new OnlineError('bad-response', `${what} is an index without a manifests list`);
    const manifests = json.manifests.filter(isDescriptor);
    return { digest, mediaType, manifests };
  }
  if (!isDescriptor(json.config)) throw new OnlineError('bad-response', `${what} is a manifest without a config`);
  return { digest, mediaType, config: json.config };
}

function isDescriptor(value: unknown): value is Descriptor {
  return isObject(value) && typeof value.digest === 'string' && DIGEST.test(value.digest);
}

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new OnlineError('bad-response', `${what} is not valid JSON (${body.length} bytes received)`);
  }
}

function sha256(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
