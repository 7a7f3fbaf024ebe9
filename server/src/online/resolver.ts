// The one door through which the product goes online: images through the OCI Distribution API,
// actions through git smart HTTP, both behind a persistent cache that answers when the network does not.
import { errorMessage } from '../engine/errorMessage';
import { effectiveTag } from '../engine/imageReference';
import type { ResolvedAction, ResolvedFacts, ResolvedImage, ResolvedPublisher } from '../engine/api';
import { resolvedActionKey, resolvedImageKey } from '../engine/analyze';
import type { ActionReference, ParsedImage } from '../engine/types';
import { DEFAULT_TTL_MS, FactCache, FactKind } from './cache';
import { DockerHubNamespaces, isHubNamespace, type NamespaceFact, plainName } from './dockerHubNamespaces';
import { architectureNamespaces } from '../engine/knowledge/officialImages';
import { firstNamespace, knownPublisher } from '../engine/publishers';
import { isFullCommitSha } from '../engine/commitSha';
import { answerRef, GitRef, GitRefsClient } from './gitRefs';
import type { CredentialOptions } from './credentials';
import type { FetchedManifest } from './manifests';
import { ImageFacts, RegistryClient, registryName } from './registryClient';
import { InFlight, OnlineError, OnlineErrorCode, Transport, TransportOptions } from './transport';
import { collectEvidence, DEFAULT_EVIDENCE_LIMITS, type EvidenceLimits } from './evidence/collect';
import type { SigstoreInstance } from './verify/trustRoot';

export { defaultCacheDir } from './cache';
export { OnlineError } from './transport';

export interface ResolverOptions extends TransportOptions, CredentialOptions {
  /** Base URL per registry name, e.g. `{'127.0.0.1:5000': 'http://127.0.0.1:5000'}`; others use `https://<name>`. */
  registryUrls?: Record<string, string>;
  /**
   * Docker Hub's web API, asked for namespaces' badges; default `https://hub.docker.com`. When Docker Hub
   * is reached through a mirror (`registryUrls['docker.io']`) and this is not set, no badge is asked for.
   */
  hubApiUrl?: string;
  /** Git smart-HTTP host for actions; default `https://github.com`. */
  gitBaseUrl?: string;
  /** Token for private action repositories (sent to `gitBaseUrl` only). */
  gitToken?: string;
  gitProtocol?: 'auto' | 'v0' | 'v2';
  /** Cache directory; absent means an in-memory cache for this resolver only. */
  cacheDir?: string;
  ttlMs?: Partial<Record<FactKind, number>>;
  /** Read config blobs and look for signatures and attestations (more requests). Default true. */
  details?: boolean;
  /** Clock for the cache, for tests. */
  now?: () => number;
  /** Sigstore instances signatures are verified against; default the public-good root shipped with @sigstore/tuf. */
  sigstoreInstances?: SigstoreInstance[];
  evidenceLimits?: Partial<EvidenceLimits>;
}

export interface LookupOptions {
  /** Read config blobs and look for signatures and attestations; defaults to the resolver's `details`. */
  details?: boolean;
}

export interface ResolveError {
  error: string;
  code: OnlineErrorCode;
}

export type ActionLookup = Pick<ActionReference, 'owner' | 'repo' | 'ref' | 'commentVersion'>;

export interface ResolvedAll extends ResolvedFacts {
  publishers: Map<string, ResolvedPublisher>;
  /** Look-ups that failed with no cached fact to fall back on, by the same keys. */
  errors: Map<string, ResolveError>;
}

export interface ResolverStats {
  /** HTTP requests sent (registry, token service and git), retries and redirects included. */
  requests: number;
  tokenRequests: number;
  retries: number;
  redirects: number;
  /** Look-ups answered by sharing one already in flight. */
  deduplicated: number;
  /** Facts served from the cache without asking the network. */
  cacheHits: number;
  /** Stale facts used because the network failed. */
  staleFallbacks: number;
}

/** What reading action files (actionFiles.ts) takes from a resolver: its git host, cache and ref answers. */
export interface ActionFileAccess {
  git: GitRefsClient;
  cache: FactCache;
  cacheOnly: boolean;
  /** The commit `owner/repo@ref` points at; cache-only, from cached refs however old. */
  commitOf(owner: string, repo: string, ref: string): Promise<string>;
  /** Writes the cache, quietly: a cache that cannot be written only costs requests next time. */
  save(): void;
}

export function isResolveError<T extends object>(value: T | ResolveError): value is ResolveError {
  return 'error' in value && 'code' in value;
}

/** The key of an image in `ResolvedFacts.images`: the engine's, so rules find the facts. */
export function imageKey(image: ParsedImage): string {
  return resolvedImageKey(image);
}

/** The key of an action in `ResolvedFacts.actions`: the engine's (`owner/repo@ref`). */
export function actionKey(owner: string, repo: string, ref: string): string {
  return resolvedActionKey({ owner, repo, ref });
}

interface TagFact {
  digest: string;
}

interface Timed<T> {
  value: T;
  storedAt: number;
  fromCache: boolean;
}

export class OnlineResolver {
  private readonly transport: Transport;
  private readonly registry: RegistryClient;
  private readonly git: GitRefsClient;
  private readonly hub?: DockerHubNamespaces;
  private readonly cache: FactCache;
  private readonly inFlight = new InFlight();
  private readonly details: boolean;
  private readonly now: () => number;
  private readonly sigstoreInstances?: SigstoreInstance[];
  private trustRoots?: Promise<{ instances: SigstoreInstance[]; id: string }>;
  private readonly evidenceLimits: EvidenceLimits;
  private cacheHits = 0;
  private staleFallbacks = 0;

  constructor(options: ResolverOptions = {}) {
    this.transport = new Transport(options);
    this.registry = new RegistryClient({ ...options, transport: this.transport });
    const mirrored = Object.keys(options.registryUrls ?? {}).some((name) => registryName(name) === 'docker.io');
    if (options.hubApiUrl || !mirrored) this.hub = new DockerHubNamespaces(this.transport, options.hubApiUrl);
    this.git = new GitRefsClient({
      baseUrl: options.gitBaseUrl,
      token: options.gitToken,
      protocol: options.gitProtocol,
      transport: this.transport,
    });
    this.now = options.now ?? Date.now;
    this.cache = new FactCache({
      dir: options.cacheDir,
      ttlMs: { ...DEFAULT_TTL_MS, ...options.ttlMs },
      now: this.now,
    });
    this.details = options.details ?? true;
    this.sigstoreInstances = options.sigstoreInstances;
    this.evidenceLimits = { ...DEFAULT_EVIDENCE_LIMITS, ...options.evidenceLimits };
  }

  /**
   * What the image's tag points at now (`digest`), and the platforms, config facts and evidence of what
   * would be pulled: the written digest when there is one, else the tag's.
   */
  async resolveImage(image: ParsedImage, options: LookupOptions = {}): Promise<ResolvedImage | ResolveError> {
    const details = options.details ?? this.details;
    const result = await this.guard(() =>
      this.inFlight.run(`image ${imageKey(image)} ${details}`, () => this.lookupImage(image, details)),
    );
    this.saveCache();
    return result;
  }

  /** The commit `owner/repo@ref` points at, its most specific version tag, and where a `# vX.Y.Z` comment's tag points. */
  async resolveAction(
    owner: string,
    repo: string,
    ref: string,
    commentVersion?: string,
  ): Promise<ResolvedAction | ResolveError> {
    const result = await this.guard(() => this.lookupAction(owner, repo, ref, commentVersion));
    this.saveCache();
    return result;
  }

  /** The parts action files are read through (see actionFiles.ts). */
  actionFileAccess(cacheOnly: boolean): ActionFileAccess {
    return {
      git: this.git,
      cache: this.cache,
      cacheOnly,
      commitOf: async (owner, repo, ref) => {
        // A commit needs no ref listing: fetching it shows whether the repository holds it.
        if (isFullCommitSha(ref.toLowerCase())) return ref.toLowerCase();
        if (!cacheOnly) return (await this.lookupAction(owner, repo, ref)).commit;
        const refs = this.cache.get<GitRef[]>('action-refs', `${this.git.base} ${owner}/${repo}`.toLowerCase());
        const commit = refs && answerRef(refs.value, ref)?.commit;
        if (!commit) throw new OnlineError('not-found', `${owner}/${repo}@${ref} is not in the cache`);
        return commit;
      },
      save: () => this.saveCache(),
    };
  }

  /** Resolves everything at once (bounded concurrency, identical look-ups shared) and saves the cache once. */
  async resolveAll(images: ParsedImage[], actions: ActionLookup[], options: LookupOptions = {}): Promise<ResolvedAll> {
    const details = options.details ?? this.details;
    const facts: ResolvedAll = { images: new Map(), actions: new Map(), publishers: new Map(), errors: new Map() };
    await this.prefetchTokens(images, details);
    const work: Promise<void>[] = [];
    const seen = new Set<string>();
    for (const image of images) {
      const key = imageKey(image);
      if (seen.has(key)) continue;
      seen.add(key);
      work.push(
        this.guard(() => this.inFlight.run(`image ${key} ${details}`, () => this.lookupImage(image, details))).then(
          (result) => {
            if (isResolveError(result)) facts.errors.set(key, result);
            else facts.images.set(key, result);
          },
        ),
      );
    }
    for (const action of actions) {
      const key = actionKey(action.owner, action.repo, action.ref);
      if (seen.has(key)) continue;
      seen.add(key);
      work.push(
        this.guard(() => this.lookupAction(action.owner, action.repo, action.ref, action.commentVersion)).then(
          (result) => {
            if (isResolveError(result)) facts.errors.set(key, result);
            else facts.actions.set(key, result);
          },
        ),
      );
    }
    for (const namespace of this.namespacesToAsk(images)) {
      work.push(
        this.guard(() => this.resolvePublisher(namespace)).then((result) => {
          if (isResolveError(result)) facts.errors.set(`docker.io/${namespace}`, result);
          else facts.publishers.set(namespace, result);
        }),
      );
    }
    await Promise.all(work);
    this.saveCache();
    return facts;
  }

  /** Docker Hub namespaces whose badge is worth asking about: not official, not already known. */
  private namespacesToAsk(images: ParsedImage[]): Set<string> {
    const out = new Set<string>();
    if (!this.hub) return out;
    for (const image of images) {
      const ns = image.registry === 'docker.io' ? firstNamespace(image)?.toLowerCase() : undefined;
      if (!ns || ns === 'library' || architectureNamespaces.has(ns) || !isHubNamespace(ns) || knownPublisher(image))
        continue;
      out.add(ns);
    }
    return out;
  }

  /** Whether Docker Hub shows a Verified Publisher or Sponsored Open Source badge on the namespace. */
  async resolvePublisher(namespace: string): Promise<ResolvedPublisher> {
    const hub = this.hub;
    if (!hub)
      throw new OnlineError('network', 'Docker Hub is reached through a mirror; its namespaces are not looked up');
    const ns = namespace.toLowerCase();
    const fact = await this.inFlight.run(`hub ${ns}`, () =>
      this.cached<NamespaceFact>('hub-namespace', ns, async () => ({ value: await hub.lookUp(ns), keep: true })),
    );
    const resolved: ResolvedPublisher = { namespace: ns, fetchedAt: new Date(fact.storedAt).toISOString() };
    if (fact.value.badge) resolved.badge = fact.value.badge;
    // Names from the cache file are cleaned again: the file is not trusted more than the network.
    const name = fact.value.name ? plainName(fact.value.name) : undefined;
    if (name) resolved.name = name;
    if (fact.fromCache) resolved.fromCache = true;
    return resolved;
  }

  /** One token per registry for every repository whose facts are not fresh in the cache. */
  private async prefetchTokens(images: ParsedImage[], details: boolean): Promise<void> {
    const byRegistry = new Map<string, string[]>();
    for (const image of images) {
      const registry = registryName(image.registry);
      const tag = effectiveTag(image);
      const tagFresh = !tag || this.cache.get('image-tag', `${registry}/${image.repository}:${tag}`)?.fresh;
      const digest =
        image.digest ?? this.cache.get<TagFact>('image-tag', `${registry}/${image.repository}:${tag}`)?.value.digest;
      const digestFresh =
        digest &&
        this.cache.get('image-digest', await this.digestKey(registry, image.repository, digest, details))?.fresh;
      if (tagFresh && digestFresh) continue;
      byRegistry.set(registry, [...(byRegistry.get(registry) ?? []), image.repository]);
    }
    await Promise.all(
      [...byRegistry].map(([registry, repositories]) => this.registry.prefetchTokens(registry, repositories)),
    );
  }

  /** Docker credential helpers that failed (timed out, answered nonsense), worth telling the user. */
  credentialProblems(): string[] {
    return this.registry.credentialProblems();
  }

  stats(): ResolverStats {
    return {
      requests: this.transport.counts.requests,
      tokenRequests: this.registry.tokenRequests,
      retries: this.transport.counts.retries,
      redirects: this.transport.counts.redirects,
      deduplicated: this.inFlight.shared + this.registry.inFlight.shared,
      cacheHits: this.cacheHits,
      staleFallbacks: this.staleFallbacks,
    };
  }

  private async lookupImage(image: ParsedImage, details: boolean): Promise<ResolvedImage> {
    const registry = registryName(image.registry);
    const repository = image.repository;
    const tag = effectiveTag(image);
    let fetched: FetchedManifest | undefined;
    let current: Timed<TagFact>;
    if (tag) {
      current = await this.cached('image-tag', `${registry}/${repository}:${tag}`, async (stale) => {
        // With the digest's facts already cached, a HEAD (free of Docker Hub's pull count) is all that is needed.
        if (
          stale &&
          this.cache.get('image-digest', await this.digestKey(registry, repository, stale.digest, details))
        ) {
          return { value: { digest: await this.registry.headManifest(registry, repository, tag) }, keep: true };
        }
        fetched = await this.registry.getManifest(registry, repository, tag);
        return { value: { digest: fetched.digest }, keep: true };
      });
    } else {
      current = { value: { digest: image.digest as string }, storedAt: this.now(), fromCache: false };
    }
    const pulled = image.digest ?? current.value.digest;
    const described = await this.cached<ImageFacts>(
      'image-digest',
      await this.digestKey(registry, repository, pulled, details),
      async () => {
        const manifest =
          fetched?.digest === pulled ? fetched : await this.registry.getManifest(registry, repository, pulled);
        const { facts, problems } = await this.registry.describe(registry, repository, manifest, { config: details });
        if (details) {
          const evidence = await collectEvidence(
            this.registry,
            registry,
            repository,
            manifest,
            { source: facts.sourceRepository, revision: facts.revision },
            this.evidenceLimits,
          );
          facts.signatures.push(...evidence.signatures);
          facts.attestations.push(...evidence.attestations);
          const { judgeEvidence } = await import('./sigstore');
          facts.provenance = judgeEvidence(evidence, manifest.digest, (await this.sigstore()).instances);
          problems.push(...evidence.problems);
        }
        // Partial facts (config or evidence unreadable) serve this answer but are not kept for 30 days.
        return { value: facts, keep: problems.length === 0 };
      },
    );
    const facts = described.value;
    const resolved: ResolvedImage = {
      digest: current.value.digest,
      platforms: facts.platforms,
      fetchedAt: new Date(current.storedAt).toISOString(),
    };
    if (current.fromCache || (!tag && described.fromCache)) resolved.fromCache = true;
    if (facts.created) resolved.created = facts.created;
    if (facts.sourceRepository) resolved.sourceRepository = facts.sourceRepository;
    if (details) {
      resolved.signatures = facts.signatures;
      resolved.attestations = facts.attestations;
      if (facts.provenance) resolved.provenance = facts.provenance;
    }
    return resolved;
  }

  /** Facts read without details (no config, no evidence) are kept apart, so they never pass for complete ones. */
  private async digestKey(registry: string, repository: string, digest: string, details: boolean): Promise<string> {
    return `${registry}/${repository}@${digest}${details ? ` roots=${(await this.sigstore()).id}` : ' without-details'}`;
  }

  /** The trust roots signatures are verified against, loaded on first need (see sigstore.ts). */
  private sigstore(): Promise<{ instances: SigstoreInstance[]; id: string }> {
    this.trustRoots ??= (async () => {
      const instances = this.sigstoreInstances ?? [(await import('./sigstore')).publicGoodInstance()];
      // Verdicts are cached per set of trust roots: adding a root must not leave an old "unverifiable" behind.
      const id = instances
        .map(
          (i) =>
            `${i.name}:${i.material.certificateAuthorities.length}:${i.material.tlogs.map((t) => t.logID.toString('hex').slice(0, 8)).join(',')}`,
        )
        .join(';');
      return { instances, id };
    })();
    return this.trustRoots;
  }

  private async lookupAction(
    owner: string,
    repo: string,
    ref: string,
    commentVersion?: string,
  ): Promise<ResolvedAction> {
    const refs = await this.inFlight.run(`refs ${this.git.base} ${owner}/${repo}`, () =>
      this.cached<GitRef[]>('action-refs', `${this.git.base} ${owner}/${repo}`.toLowerCase(), async () => ({
        value: await this.git.listRefs(owner, repo),
        keep: true,
      })),
    );
    const answer = answerRef(refs.value, ref, commentVersion);
    if (!answer) throw new OnlineError('not-found', `${owner}/${repo} has no tag or branch named ${ref}`);
    const resolved: ResolvedAction = { commit: answer.commit, fetchedAt: new Date(refs.storedAt).toISOString() };
    if (answer.bestTag) resolved.bestTag = answer.bestTag;
    if (answer.commentTagCommit) resolved.commentTagCommit = answer.commentTagCommit;
    if (refs.fromCache) resolved.fromCache = true;
    return resolved;
  }

  /**
   * A fact from the cache while fresh; otherwise fetched, and stored when `keep`. When fetching fails for
   * any reason but absence, a stale cached fact is used instead (marked as cached).
   */
  private async cached<T>(
    kind: FactKind,
    key: string,
    fetch: (stale: T | undefined) => Promise<{ value: T; keep: boolean }>,
  ): Promise<Timed<T>> {
    const hit = this.cache.get<T>(kind, key);
    if (hit?.fresh) {
      this.cacheHits++;
      return { value: hit.value, storedAt: hit.storedAt, fromCache: true };
    }
    try {
      const { value, keep } = await fetch(hit?.value);
      const storedAt = this.now();
      if (keep) this.cache.set(kind, key, value, storedAt);
      return { value, storedAt, fromCache: false };
    } catch (error) {
      if (hit && !(error instanceof OnlineError && error.code === 'not-found')) {
        this.staleFallbacks++;
        return { value: hit.value, storedAt: hit.storedAt, fromCache: true };
      }
      throw error;
    }
  }

  private async guard<T>(work: () => Promise<T>): Promise<T | ResolveError> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof OnlineError) return { error: error.message, code: error.code };
      return { error: errorMessage(error), code: 'bad-response' };
    }
  }

  private saveCache(): void {
    try {
      this.cache.save();
    } catch {
      // A cache that cannot be written (read-only home, full disk) only costs requests next time.
    }
  }
}
