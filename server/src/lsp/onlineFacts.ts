// Online facts for the language server: documents are analysed offline at once; their references are
// looked up in the background, in batches, and the documents are re-analysed when the facts arrive.
import { errorMessage } from '../engine/errorMessage';
import type { Analysis, ResolvedAction, ResolvedFacts, ResolvedImage } from '../engine/api';
import { resolvedActionKey, resolvedImageKey } from '../engine/analyze';
import type { ParsedImage } from '../engine/types';
import { type ActionFileSource, createActionFileSource } from '../online/actionFiles';
import { registryName } from '../online/registryClient';
import { type ActionLookup, OnlineResolver, type ResolverOptions } from '../online/resolver';
import type { FactsProvider } from './facts';
import { Interests, RecentFailures } from './lookupRecords';
import type { OnlineSettings, Unchecked } from './protocol';
import { loadTrustedRootFile, publicGoodInstance, type SigstoreInstance } from '../online/verify/trustRoot';

/** How long a failed look-up waits before it is tried again. */
const RETRY_FAILED_MS = 5 * 60 * 1000;
/** References gathered this long are looked up together (one token per registry, shared requests). */
const BATCH_MS = 25;
/**
 * Registries whose host the name fixes and well-known operators run: in an untrusted workspace these
 * (and registries the user mapped to a URL) are still looked up. Any other registry name comes from
 * the workspace, which could point look-ups at hosts of its author's choosing.
 */
const PUBLIC_REGISTRIES = new Set([
  'docker.io',
  'ghcr.io',
  'quay.io',
  'gcr.io',
  'us.gcr.io',
  'eu.gcr.io',
  'asia.gcr.io',
  'mcr.microsoft.com',
  'public.ecr.aws',
  'registry.k8s.io',
  'registry.gitlab.com',
  'nvcr.io',
]);

export interface OnlineConfiguration {
  cacheDir?: string;
  registryUrls?: Record<string, string>;
  gitBaseUrl?: string;
  timeoutMs?: number;
}

export class OnlineFacts implements FactsProvider {
  private resolver: OnlineResolver;
  private options: ResolverOptions;
  private readonly facts: ResolvedFacts = {
    images: new Map<string, ResolvedImage>(),
    actions: new Map<string, ResolvedAction>(),
    publishers: new Map(),
  };
  private readonly failed = new RecentFailures<true>(RETRY_FAILED_MS);
  private readonly inFlight = new Set<string>();
  private readonly interested = new Interests();
  private queuedImages = new Map<string, ParsedImage>();
  private queuedActions = new Map<string, ActionLookup>();
  private timer: NodeJS.Timeout | undefined;
  private pending = 0;
  private readonly listeners: Array<(uris: string[]) => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private readonly detailsAsked = new Set<string>();
  private workspaceTrusted = true;
  private readonly withheld = new Set<string>();
  /** Credential helper failures already written to the log. */
  private readonly toldProblems = new Set<string>();
  /** Action file sources of the current resolver (its cache shared), made again when it is replaced. */
  private files?: { resolver: OnlineResolver; online: ActionFileSource; cacheOnly: ActionFileSource };

  constructor(
    options: ResolverOptions = {},
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.options = options;
    this.resolver = new OnlineResolver(options);
  }

  actionFiles(cacheOnly: boolean): ActionFileSource {
    if (this.files?.resolver !== this.resolver) {
      const resolver = this.resolver;
      this.files = {
        resolver,
        online: createActionFileSource({ resolver }),
        cacheOnly: createActionFileSource({ resolver, cacheOnly: true }),
      };
    }
    return cacheOnly ? this.files.cacheOnly : this.files.online;
  }

  /** The public-good root plus the roots in the files named; a file that cannot be read is logged and skipped. */
  private trustRoots(paths: unknown[]): SigstoreInstance[] {
    const instances = [publicGoodInstance()];
    for (const path of paths) {
      if (typeof path !== 'string' || !path) continue;
      try {
        instances.push(...loadTrustedRootFile(path));
      } catch (error) {
        this.log(`Sigstore trust root ${path} not used: ${errorMessage(error)}`);
      }
    }
    return instances;
  }

  /** New look-up settings (from the client's initialization options or a sign-in); unknown fields are ignored. */
  configure(raw: Unchecked<OnlineSettings>): void {
    const changes: OnlineConfiguration & { gitToken?: string } = {};
    if (typeof raw.cacheDir === 'string' && raw.cacheDir) changes.cacheDir = raw.cacheDir;
    if (typeof raw.gitBaseUrl === 'string' && /^https?:\/\//.test(raw.gitBaseUrl)) changes.gitBaseUrl = raw.gitBaseUrl;
    if (typeof raw.gitToken === 'string' && raw.gitToken) changes.gitToken = raw.gitToken;
    if (typeof raw.timeoutMs === 'number' && raw.timeoutMs > 0) changes.timeoutMs = raw.timeoutMs;
    if (raw.registryUrls && typeof raw.registryUrls === 'object') {
      changes.registryUrls = Object.fromEntries(
        Object.entries(raw.registryUrls as Record<string, unknown>).filter(
          (e): e is [string, string] => typeof e[1] === 'string' && /^https?:\/\//.test(e[1]),
        ),
      );
    }
    const instances = Array.isArray(raw.sigstoreTrustedRoots) ? this.trustRoots(raw.sigstoreTrustedRoots) : undefined;
    this.options = { ...this.options, ...changes, ...(instances ? { sigstoreInstances: instances } : {}) };
    this.resolver = new OnlineResolver(this.options);
    this.failed.clear();
  }

  setWorkspaceTrusted(trusted: boolean): void {
    this.workspaceTrusted = trusted;
    if (trusted) this.withheld.clear();
  }

  withheldRegistries(): string[] {
    return [...this.withheld].sort();
  }

  /** False (and the registry noted) for a registry the untrusted workspace named on its own. */
  private mayContact(image: ParsedImage): boolean {
    if (this.workspaceTrusted) return true;
    const name = registryName(image.registry);
    const mapped = Object.keys(this.options.registryUrls ?? {}).some((k) => registryName(k) === name);
    if (PUBLIC_REGISTRIES.has(name) || mapped) return true;
    this.withheld.add(name);
    return false;
  }

  factsFor(): ResolvedFacts {
    return this.facts;
  }

  pendingLookups(): number {
    return this.pending + this.queuedImages.size + this.queuedActions.size;
  }

  onDidChange(listener: (uris: string[]) => void): void {
    this.listeners.push(listener);
  }

  /** Queues a look-up of every reference in `analysis` not yet known. */
  want(uri: string, analysis: Analysis): void {
    const fresh = (key: string) => !this.inFlight.has(key) && !this.failed.get(key);
    // What the document refers to now replaces what it referred to before.
    const keys: string[] = [];
    for (const image of analysis.images) {
      if (!image.parsed || !this.mayContact(image.parsed)) continue;
      const key = resolvedImageKey(image.parsed);
      keys.push(key);
      if (!this.facts.images.has(key) && fresh(key)) this.queuedImages.set(key, image.parsed);
    }
    for (const action of analysis.actions) {
      if (!action.ref) continue;
      const key = resolvedActionKey(action);
      keys.push(key);
      if (!this.facts.actions.has(key) && fresh(key)) {
        this.queuedActions.set(key, {
          owner: action.owner,
          repo: action.repo,
          ref: action.ref,
          commentVersion: action.commentVersion,
        });
      }
    }
    this.interested.replace(uri, keys);
    if ((this.queuedImages.size > 0 || this.queuedActions.size > 0) && !this.timer) {
      this.timer = setTimeout(() => this.flush(), BATCH_MS);
    }
  }

  wantDetails(uri: string, image: ParsedImage): void {
    const key = resolvedImageKey(image);
    const known = this.facts.images.get(key);
    if (known?.signatures !== undefined || this.detailsAsked.has(key) || !this.mayContact(image)) return;
    this.detailsAsked.add(key);
    this.interested.add(key, uri);
    this.pending++;
    void this.resolver
      .resolveImage(image, { details: true })
      .then((result) => {
        if ('error' in result) this.log(`Details of ${image.familiar} not found: ${result.error}`);
        else this.facts.images.set(key, result);
      })
      .finally(() => {
        this.pending--;
        // A failure may be retried on a later hover, after the usual pause.
        setTimeout(() => this.detailsAsked.delete(key), RETRY_FAILED_MS).unref();
        if (this.facts.images.get(key)?.signatures !== undefined) this.detailsAsked.add(key);
        for (const listener of this.listeners) listener(this.interested.urisOf(key));
        this.wakeIdle();
      });
  }

  /** Resolves when no look-up is queued or in flight. */
  settled(): Promise<void> {
    if (this.pendingLookups() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private flush(): void {
    this.timer = undefined;
    const images = this.queuedImages;
    const actions = this.queuedActions;
    this.queuedImages = new Map();
    this.queuedActions = new Map();
    const keys = [...images.keys(), ...actions.keys()];
    if (keys.length === 0) {
      this.wakeIdle();
      return;
    }
    for (const k of keys) this.inFlight.add(k);
    this.pending += keys.length;
    const started = Date.now();
    // The workspace-wide pass reads digests and platforms only (about one request per image);
    // details are read for the images a user hovers.
    this.resolver
      .resolveAll([...images.values()], [...actions.values()], { details: false })
      .then(
        (result) => {
          for (const [k, v] of result.images) this.facts.images.set(k, v);
          for (const [k, v] of result.actions) this.facts.actions.set(k, v);
          for (const [k, v] of result.publishers) this.facts.publishers?.set(k, v);
          for (const k of result.errors.keys()) this.failed.add(k, true);
          const failures = [...result.errors.values()].map((e) => e.code);
          for (const problem of this.resolver.credentialProblems()) {
            if (!this.toldProblems.has(problem)) this.log(problem);
            this.toldProblems.add(problem);
          }
          this.log(
            `Looked up ${result.images.size} image(s) and ${result.actions.size} action(s) in ${Date.now() - started} ms` +
              (failures.length ? `; ${failures.length} failed (${[...new Set(failures)].join(', ')})` : ''),
          );
        },
        (error: unknown) => {
          for (const k of keys) this.failed.add(k, true);
          this.log(`Online look-ups failed: ${errorMessage(error)}`);
        },
      )
      .finally(() => {
        for (const k of keys) this.inFlight.delete(k);
        this.pending -= keys.length;
        const uris = new Set<string>();
        for (const k of keys) for (const u of this.interested.urisOf(k)) uris.add(u);
        for (const listener of this.listeners) listener([...uris]);
        this.wakeIdle();
      });
  }

  private wakeIdle(): void {
    if (this.pendingLookups() > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
