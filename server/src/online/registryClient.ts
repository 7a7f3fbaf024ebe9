// A small client for the OCI Distribution API: manifests, config blobs and provenance evidence,
// with the anonymous bearer-token flow Docker Hub, ghcr.io and quay.io use, and Basic auth.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseAuthHeader } from 'auth-header';
import type { ProvenanceVerdict } from '../engine/api';
import { hostOf, HttpResponse, InFlight, OnlineError, Transport, TransportOptions } from './transport';

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
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const SOURCE_LABEL = 'org.opencontainers.image.source';
const REVISION_LABEL = 'org.opencontainers.image.revision';

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface RegistryClientOptions extends TransportOptions {
  /** Base URL per registry name, e.g. `{'127.0.0.1:5000': 'http://127.0.0.1:5000'}`; others use `https://<name>`. */
  registryUrls?: Record<string, string>;
  /** Docker's client config with `auths`; default `~/.docker/config.json`; `null` reads none. */
  dockerConfigPath?: string | null;
  /** Credentials per registry name, taking precedence over the docker config. */
  credentials?: Record<string, RegistryCredentials>;
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
  layers?: Descriptor[];
  /** What an artifact manifest refers to (OCI 1.1 `subject`). */
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
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

type Challenge = { scheme: 'bearer'; realm: string; service?: string } | { scheme: 'basic' };

interface CachedToken {
  value: string;
  expiresAt: number;
}

/** Docker Hub answers to several names; they are one registry, whose API lives on `registry-1.docker.io`. */
export function registryName(name: string): string {
  const lower = name.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? 'docker.io' : lower;
}

export class RegistryClient {
  readonly transport: Transport;
  private readonly registryUrls: Record<string, string>;
  private readonly dockerConfigPath: string | null;
  private readonly explicitCredentials: Record<string, RegistryCredentials>;
  private dockerCredentials?: Record<string, RegistryCredentials>;
  private readonly maxManifestBytes: number;
  private readonly maxBlobBytes: number;
  private readonly challenges = new Map<string, Challenge>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly noReferrersApi = new Set<string>();
  private readonly firstContact = new Map<string, Promise<void>>();
  private readonly referrersProbe = new Map<string, Promise<void>>();
  readonly inFlight = new InFlight();
  tokenRequests = 0;

  constructor(options: RegistryClientOptions = {}) {
    this.transport = options.transport ?? new Transport(options);
    this.registryUrls = Object.fromEntries(Object.entries(options.registryUrls ?? {}).map(([k, v]) => [registryName(k), v.replace(/\/+$/, '')]));
    this.dockerConfigPath = options.dockerConfigPath === undefined ? join(homedir(), '.docker', 'config.json') : options.dockerConfigPath;
    this.explicitCredentials = Object.fromEntries(Object.entries(options.credentials ?? {}).map(([k, v]) => [registryName(k), v]));
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
   * Platforms and config facts for a fetched manifest (BuildKit attestation manifests listed). The config
   * is best effort: what fails is listed in `problems` and the rest is still returned.
   */
  async describe(registry: string, repository: string, manifest: FetchedManifest, want = { config: true }): Promise<DescribedImage> {
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
    let config: ImageConfig | undefined;
    if (configDescriptor) {
      try {
        config = await this.getConfig(registry, repository, configDescriptor.digest);
      } catch (error) {
        problems.push(messageOf(error));
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
  async listReferrers(registry: string, repository: string, digest: string): Promise<{ referrers: Descriptor[]; via: string }> {
    const name = registryName(registry);
    // Whether a registry has the API is learnt once: later look-ups wait for the first answer.
    const probe = this.referrersProbe.get(name);
    let release: (() => void) | undefined;
    if (probe) await probe;
    else this.referrersProbe.set(name, new Promise<void>((resolve) => (release = resolve)));
    try {
      if (!this.noReferrersApi.has(name)) {
        const response = await this.call(registry, repository, `referrers/${digest}`, 'GET', MEDIA_TYPES.ociIndex, this.maxManifestBytes);
        if (response.status === 200) return { referrers: parseManifest(response, `referrers of ${registry}/${repository}@${digest}`).manifests ?? [], via: 'referrers API' };
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
  async getManifestIfPresent(registry: string, repository: string, reference: string, maxBytes = this.maxManifestBytes): Promise<FetchedManifest | undefined> {
    const response = await this.call(registry, repository, `manifests/${reference}`, 'GET', MANIFEST_ACCEPT, maxBytes);
    if (response.status === 404) return undefined;
    this.expectOk(response, registry, repository, reference);
    return parseManifest(response, referenceText(registry, repository, reference), DIGEST.test(reference) ? reference : undefined);
  }

  /** A blob, refused beyond `maxBytes` and checked against its digest. */
  async getBlob(registry: string, repository: string, digest: string, maxBytes: number): Promise<Buffer> {
    const response = await this.call(registry, repository, `blobs/${digest}`, 'GET', '*/*', maxBytes);
    this.expectOk(response, registry, repository, digest);
    if (sha256(response.body) !== digest) throw new OnlineError('bad-response', `blob ${digest.slice(0, 19)}… of ${registry}/${repository} does not match its digest`);
    return response.body;
  }

  /**
   * Before many look-ups on one registry: learns its challenge from `GET /v2/` and fetches one token for
   * all the repositories' pull scopes (the token protocol allows several `scope` parameters). Best effort:
   * a look-up whose scope was not granted still gets its own token.
   */
  async prefetchTokens(registry: string, repositories: string[]): Promise<void> {
    const name = registryName(registry);
    const unique = [...new Set(repositories)];
    if (unique.length < 2) return;
    try {
      if (!this.challenges.has(name) && !this.firstContact.has(name)) {
        let release: () => void = () => undefined;
        this.firstContact.set(name, new Promise<void>((resolve) => (release = resolve)));
        try {
          const ping = await this.transport.request(`${this.baseUrl(name)}/v2/`, { maxBytes: 64 * 1024 });
          const challenge = ping.status === 401 ? parseChallenge(ping.headers.get('www-authenticate')) : undefined;
          if (challenge) this.challenges.set(name, challenge);
        } finally {
          release();
        }
      } else {
        await this.firstContact.get(name);
      }
      const challenge = this.challenges.get(name);
      if (challenge?.scheme !== 'bearer') return;
      const credentials = this.credentialsFor(name);
      // Batches keep the token URL and the token itself of a sensible size.
      for (let i = 0; i < unique.length; i += 40) {
        const scopes = unique.slice(i, i + 40).map((repository) => `repository:${repository}:pull`);
        const token = await this.fetchToken(name, challenge, scopes, credentials);
        for (const scope of scopes) this.tokens.set(this.tokenKey(name, challenge, scope), token);
      }
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
      const known = await this.authorization(name, scope, false);
      let response = await send(known);
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
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    if (!challenge) throw new OnlineError('unauthorized', `${name} refused ${repository} without a usable WWW-Authenticate challenge`, 401);
    this.challenges.set(name, challenge);
    const fresh = await this.authorization(name, scope, true);
    if (!fresh || fresh === known) {
      throw new OnlineError('unauthorized', `${name} requires credentials for ${repository}${this.credentialsFor(name) ? ' (the configured ones were refused)' : ''}`, 401);
    }
    response = await send(fresh);
    if (response.status === 401) {
      throw new OnlineError('unauthorized', `${name} refused access to ${repository}${this.credentialsFor(name) ? '' : ' (no credentials configured for it)'}`, 401);
    }
    return response;
  }

  private async authorization(name: string, scope: string, refresh: boolean): Promise<string | undefined> {
    const challenge = this.challenges.get(name);
    if (!challenge) return undefined;
    const credentials = this.credentialsFor(name);
    if (challenge.scheme === 'basic') {
      return credentials ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` : undefined;
    }
    const key = this.tokenKey(name, challenge, scope);
    const cached = this.tokens.get(key);
    if (cached && !refresh && cached.expiresAt > Date.now()) return `Bearer ${cached.value}`;
    return this.inFlight.run(`token ${key}`, async () => {
      const token = await this.fetchToken(name, challenge, [scope], credentials);
      this.tokens.set(key, token);
      return `Bearer ${token.value}`;
    });
  }

  private tokenKey(name: string, challenge: { realm: string; service?: string }, scope: string): string {
    return `${name} ${challenge.realm} ${challenge.service ?? ''} ${scope}`;
  }

  private async fetchToken(name: string, challenge: { realm: string; service?: string }, scopes: string[], credentials: RegistryCredentials | undefined): Promise<CachedToken> {
    const url = new URL(challenge.realm);
    if (challenge.service) url.searchParams.set('service', challenge.service);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    const scope = scopes.join(' ');
    const headers: Record<string, string> = {};
    // The realm comes from the registry's answer: send the user's password only over TLS or to the registry's own host.
    const realmTrusted = url.protocol === 'https:' || url.hostname === new URL(this.baseUrl(name)).hostname;
    if (credentials && realmTrusted) headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    this.tokenRequests++;
    const response = await this.transport.request(url.href, { headers, maxBytes: this.maxBlobBytes });
    if (response.status === 401 || response.status === 403) throw new OnlineError('unauthorized', `token service ${url.host} refused ${scope}`, response.status);
    if (response.status !== 200) throw new OnlineError(response.status >= 500 ? 'server-error' : 'bad-response', `token service ${url.host} answered ${response.status}`, response.status);
    const json = parseJson(response.body, `token from ${url.host}`);
    const value = isObject(json) ? (json.token ?? json.access_token) : undefined;
    if (typeof value !== 'string' || !value) throw new OnlineError('bad-response', `token service ${url.host} sent no token`);
    const expiresIn = isObject(json) && typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 60;
    const issued = isObject(json) && typeof json.issued_at === 'string' ? Date.parse(json.issued_at) : NaN;
    const start = Number.isNaN(issued) ? Date.now() : Math.min(issued, Date.now());
    // A margin so a token is not sent in its last seconds.
    return { value, expiresAt: start + expiresIn * 1000 - 5000 };
  }

  private credentialsFor(name: string): RegistryCredentials | undefined {
    if (this.explicitCredentials[name]) return this.explicitCredentials[name];
    this.dockerCredentials ??= readDockerConfig(this.dockerConfigPath);
    return this.dockerCredentials[name];
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
  const annotations = isObject(json.annotations) ? stringValues(json.annotations) : undefined;
  if (INDEX_TYPES.has(mediaType)) {
    if (!Array.isArray(json.manifests)) throw new OnlineError('bad-response', `${what} is an index without a manifests list`);
    const manifests = json.manifests.filter(isDescriptor);
    return { digest, mediaType, manifests, ...(annotations ? { annotations } : {}) };
  }
  if (!isDescriptor(json.config)) throw new OnlineError('bad-response', `${what} is a manifest without a config`);
  const layers = Array.isArray(json.layers) ? json.layers.filter(isDescriptor) : [];
  const found: FetchedManifest = { digest, mediaType, config: json.config, layers };
  if (isDescriptor(json.subject)) found.subject = json.subject;
  if (typeof json.artifactType === 'string') found.artifactType = json.artifactType;
  if (annotations) found.annotations = annotations;
  return found;
}

function stringValues(record: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter((e): e is [string, string] => typeof e[1] === 'string'));
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

function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  try {
    const parsed = parseAuthHeader(header);
    const scheme = parsed.scheme.toLowerCase();
    if (scheme === 'basic') return { scheme: 'basic' };
    const realm = first(parsed.params.realm);
    if (scheme !== 'bearer' || !realm || !/^https?:\/\//.test(realm)) return undefined;
    return { scheme: 'bearer', realm, service: first(parsed.params.service) };
  } catch {
    return undefined;
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `auths` of docker's config: keys are registry names or URLs; `auth` is base64 `user:password`. */
function readDockerConfig(path: string | null): Record<string, RegistryCredentials> {
  const found: Record<string, RegistryCredentials> = {};
  if (!path) return found;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return found;
  }
  const auths = isObject(json) && isObject(json.auths) ? json.auths : {};
  for (const [key, entry] of Object.entries(auths)) {
    if (!isObject(entry)) continue;
    let username = typeof entry.username === 'string' ? entry.username : undefined;
    let password = typeof entry.password === 'string' ? entry.password : undefined;
    if (typeof entry.auth === 'string' && entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        username = decoded.slice(0, colon);
        password = decoded.slice(colon + 1);
      }
    }
    if (!username || password === undefined) continue;
    const host = key.replace(/^[a-z]+:\/\//i, '').split('/')[0];
    found[registryName(host)] = { username, password };
  }
  return found;
}

function sha256(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
