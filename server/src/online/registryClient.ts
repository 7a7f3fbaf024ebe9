// A small client for the OCI Distribution API: manifests, config blobs and provenance evidence.
// Authentication (challenges, tokens, credentials) lives in registryAuth.ts and credentials.ts; what a
// manifest says, and checking it against its digest, in manifests.ts.
import { errorMessage } from '../engine/errorMessage';
import { DOCKER_HUB, DOCKER_HUB_ALIASES } from '../engine/imageReference';
import { DIGEST_PATTERN as DIGEST, isObject } from '../engine/factShapes';
import { type CredentialOptions, CredentialStore, DOCKER_HUB_ORIGIN } from './credentials';
import {
  type Descriptor,
  type FetchedManifest,
  formatPlatform,
  type ImageConfig,
  MANIFEST_ACCEPT,
  MEDIA_TYPES,
  parseJson,
  parseManifest,
  referenceText,
  sha256,
} from './manifests';
import { RegistryAuth } from './registryAuth';
import type { ProvenanceVerdict } from '../engine/api';
import { hostOf, HttpResponse, InFlight, OnlineError, Transport, TransportOptions } from './transport';

export type { RegistryCredentials } from './credentials';

const SOURCE_LABEL = 'org.opencontainers.image.source';
const REVISION_LABEL = 'org.opencontainers.image.revision';

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

/** What a digest tells about an image; none of it changes while the digest stays the same, evidence aside. */
export interface ImageFacts {
  platforms: string[];
  created?: string;
  sourceRepository?: string;
  /** The `org.opencontainers.image.revision` label or annotation. */
  revision?: string;
  signatures: string[];
  attestations: string[];
  /** What the evidence proves; absent when evidence was not looked up. */
  provenance?: ProvenanceVerdict;
}

export interface DescribedImage {
  facts: ImageFacts;
  /** What could not be read (config or evidence); the facts are then partial and not worth caching long. */
  problems: string[];
}

/** Docker Hub answers to several names; they are one registry, whose API lives on `registry-1.docker.io`. */
export function registryName(name: string): string {
  const lower = name.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
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
    this.registryUrls = Object.fromEntries(
      Object.entries(options.registryUrls ?? {}).map(([k, v]) => [registryName(k), v.replace(/\/+$/, '')]),
    );
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
      const response = await this.call(
        registry,
        repository,
        `manifests/${reference}`,
        'GET',
        MANIFEST_ACCEPT,
        this.maxManifestBytes,
      );
      this.expectOk(response, registry, repository, reference);
      return parseManifest(
        response,
        referenceText(registry, repository, reference),
        DIGEST.test(reference) ? reference : undefined,
      );
    });
  }

  /** The image configuration blob (JSON), verified against its digest. */
  async getConfig(registry: string, repository: string, digest: string): Promise<ImageConfig> {
    const response = await this.call(registry, repository, `blobs/${digest}`, 'GET', '*/*', this.maxBlobBytes);
    this.expectOk(response, registry, repository, digest);
    const actual = sha256(response.body);
    if (actual !== digest)
      throw new OnlineError('bad-response', `config blob of ${registry}/${repository} does not match its digest`);
    const json = parseJson(response.body, `config blob of ${registry}/${repository}`);
    if (!isObject(json))
      throw new OnlineError('bad-response', `config blob of ${registry}/${repository} is not a JSON object`);
    return json as ImageConfig;
  }

  /**
   * Platforms and config facts for a fetched manifest (BuildKit attestation manifests listed). The config
   * is best effort: what fails is listed in `problems` and the rest is still returned.
   */
  async describe(
    registry: string,
    repository: string,
    manifest: FetchedManifest,
    want = { config: true },
  ): Promise<DescribedImage> {
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
        if (!chosen || (platform === 'linux/amd64' && formatPlatform(chosen.platform) !== 'linux/amd64'))
          chosen = entry;
      }
      if (chosen && want.config) {
        try {
          const image = await this.getManifest(registry, repository, chosen.digest);
          configDescriptor = image.config;
        } catch (error) {
          problems.push(errorMessage(error));
        }
      }
    }
    const facts: ImageFacts = { platforms, signatures: [], attestations };
    let config: ImageConfig | undefined;
    if (configDescriptor) {
      try {
        config = await this.getConfig(registry, repository, configDescriptor.digest);
      } catch (error) {
        problems.push(errorMessage(error));
      }
    }
    // Labels in the config, or annotations on the index, as the OCI image spec names them.
    const source = config?.config?.Labels?.[SOURCE_LABEL] ?? manifest.annotations?.[SOURCE_LABEL];
    if (typeof source === 'string') facts.sourceRepository = source;
    const revision = config?.config?.Labels?.[REVISION_LABEL] ?? manifest.annotations?.[REVISION_LABEL];
    if (typeof revision === 'string') facts.revision = revision;
    if (config) {
      if (typeof config.created === 'string') facts.created = config.created;
      if (!manifest.manifests) {
        const platform = formatPlatform({ os: config.os, architecture: config.architecture, variant: config.variant });
        if (platform) platforms.push(platform);
      }
    }
    return { facts, problems };
  }

  /**
   * The referrers of a digest: the referrers API, or its tag-schema fallback (`sha256-<hex>`) where the
   * API is missing. `via` says which answered.
   */
  async listReferrers(
    registry: string,
    repository: string,
    digest: string,
  ): Promise<{ referrers: Descriptor[]; via: string }> {
    const name = registryName(registry);
    // Whether a registry has the API is learnt once: later look-ups wait for the first answer.
    const probe = this.referrersProbe.get(name);
    let release: (() => void) | undefined;
    if (probe) await probe;
    else this.referrersProbe.set(name, new Promise<void>((resolve) => (release = resolve)));
    try {
      if (!this.noReferrersApi.has(name)) {
        const response = await this.call(
          registry,
          repository,
          `referrers/${digest}`,
          'GET',
          MEDIA_TYPES.ociIndex,
          this.maxManifestBytes,
        );
        if (response.status === 200)
          return {
            referrers: parseManifest(response, `referrers of ${registry}/${repository}@${digest}`).manifests ?? [],
            via: 'referrers API',
          };
        if (response.status !== 404) this.expectOk(response, registry, repository, `referrers/${digest}`);
        // A registry with the API answers 200 with an empty index, so 404 means it has none.
        this.noReferrersApi.add(name);
      }
    } finally {
      release?.();
    }
    const tag = digest.replace(':', '-');
    const fallback = await this.getManifestIfPresent(registry, repository, tag);
    return { referrers: fallback?.manifests ?? [], via: `referrers tag ${tag}` };
  }

  /** A manifest by tag or digest, or undefined when the registry has none by that name. */
  async getManifestIfPresent(
    registry: string,
    repository: string,
    reference: string,
    maxBytes = this.maxManifestBytes,
  ): Promise<FetchedManifest | undefined> {
    const response = await this.call(registry, repository, `manifests/${reference}`, 'GET', MANIFEST_ACCEPT, maxBytes);
    if (response.status === 404) return undefined;
    this.expectOk(response, registry, repository, reference);
    return parseManifest(
      response,
      referenceText(registry, repository, reference),
      DIGEST.test(reference) ? reference : undefined,
    );
  }

  /** A blob, refused beyond `maxBytes` and checked against its digest. */
  async getBlob(registry: string, repository: string, digest: string, maxBytes: number): Promise<Buffer> {
    const response = await this.call(registry, repository, `blobs/${digest}`, 'GET', '*/*', maxBytes);
    this.expectOk(response, registry, repository, digest);
    if (sha256(response.body) !== digest)
      throw new OnlineError(
        'bad-response',
        `blob ${digest.slice(0, 19)}… of ${registry}/${repository} does not match its digest`,
      );
    return response.body;
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
  private async call(
    registry: string,
    repository: string,
    path: string,
    method: 'GET' | 'HEAD',
    accept: string,
    maxBytes: number,
  ): Promise<HttpResponse> {
    const name = registryName(registry);
    const url = `${this.baseUrl(name)}/v2/${repository}/${path}`;
    const scope = `repository:${repository}:pull`;
    const send = (authorization: string | undefined) =>
      this.transport.request(url, {
        method,
        maxBytes,
        headers: { Accept: accept, ...(authorization ? { Authorization: authorization } : {}) },
      });
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
      throw new OnlineError(
        'unauthorized',
        `${name} refused ${repository} without a usable WWW-Authenticate challenge`,
        401,
      );
    }
    const fresh = await this.auth.authorization(origin, scope, true);
    if (!fresh || fresh === known) {
      throw new OnlineError(
        'unauthorized',
        `${name} requires credentials for ${repository}${(await this.auth.hasCredentials(origin)) ? ' (the configured ones were refused)' : ''}`,
        401,
      );
    }
    response = await send(fresh);
    if (response.status === 401) {
      throw new OnlineError(
        'unauthorized',
        `${name} refused access to ${repository}${(await this.auth.hasCredentials(origin)) ? '' : ' (no credentials configured for it)'}`,
        401,
      );
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
    return this.registryUrls[name] ?? (name === DOCKER_HUB ? DOCKER_HUB_ORIGIN : `https://${name}`);
  }

  private expectOk(response: HttpResponse, registry: string, repository: string, reference: string): void {
    if (response.status === 200) return;
    const what = referenceText(registry, repository, reference);
    if (response.status === 404) throw new OnlineError('not-found', `${what} not found`, 404);
    if (response.status === 401 || response.status === 403)
      throw new OnlineError(
        'unauthorized',
        `${registryName(registry)} refused access to ${repository}`,
        response.status,
      );
    if (response.status === 429)
      throw new OnlineError('rate-limited', `${hostOf(response.url)} is rate limiting requests`, 429);
    if (response.status >= 500)
      throw new OnlineError(
        'server-error',
        `${hostOf(response.url)} answered ${response.status} for ${what}`,
        response.status,
      );
    throw new OnlineError(
      'bad-response',
      `${hostOf(response.url)} answered ${response.status} for ${what}`,
      response.status,
    );
  }
}
