// Files of remote actions (`action.yml`, a Dockerfile, a reusable workflow) read at the commit their ref
// points at, so the follower can see what a pinned action itself runs. The commit, then each tree on the
// path, then the file's blob are fetched one object at a time (gitFetch.ts), every one checked against its
// id, so the text is the one the commit names. Contents are cached by commit: a commit's file never changes.
import { errorMessage } from '../engine/errorMessage';
import { fetchObject, type FetchLimits } from './gitFetch';
import type { GitObject, GitObjectType } from './gitPack';
import type { ActionFileAccess, OnlineResolver } from './resolver';
import { InFlight, OnlineError } from './transport';

/** One file read at a commit: its text, absent at that commit, or why it could not be read. */
export type FetchedFile =
  | { kind: 'found'; text: string; commit: string }
  | { kind: 'missing' }
  | { kind: 'failed'; reason: string };

export interface ActionFileSource {
  /** Resolve owner/repo@ref to a commit (cached) and read `path` at that commit. */
  fileAt(owner: string, repo: string, ref: string, path: string): Promise<FetchedFile>;
}

export interface ActionFileLimits {
  /** A file (and any tree on its path) larger than this is not read. Default 1 MiB. */
  maxFileBytes: number;
  /** One fetch answer, framing included. Default 2 MiB. */
  maxResponseBytes: number;
  /** Fetches for one file: its commit, the trees on its path and its blob. Default 10. */
  maxRequestsPerFile: number;
  /** Time for one file, all its requests together. Default 30 s. */
  timeoutMs: number;
  /** Commits and trees kept in memory for further files of the same commit. Default 16 MiB. */
  maxMemoryBytes: number;
}

export const DEFAULT_ACTION_FILE_LIMITS: ActionFileLimits = {
  maxFileBytes: 1024 * 1024,
  maxResponseBytes: 2 * 1024 * 1024,
  maxRequestsPerFile: 10,
  timeoutMs: 30_000,
  maxMemoryBytes: 16 * 1024 * 1024,
};

export interface ActionFileSourceOptions {
  /** Its git host, token, transport, cache and ref answers are the ones used. */
  resolver: OnlineResolver;
  /** Answer from the cache alone; nothing is asked of the network. */
  cacheOnly?: boolean;
  limits?: Partial<ActionFileLimits>;
}

export function createActionFileSource(options: ActionFileSourceOptions): ActionFileSource {
  const limits = { ...DEFAULT_ACTION_FILE_LIMITS, ...options.limits };
  return new ActionFiles(options.resolver.actionFileAccess(options.cacheOnly ?? false), limits);
}

/** What is cached per commit and path: the file's blob id and text, or that there is no such file. */
export type ActionFileFact = { blob: string; text: string } | { missing: true };

/** Why `path` is not a plain path inside a repository, or undefined when it is. */
export function pathProblem(path: string): string | undefined {
  if (path === '' || path.length > 1024) return 'an empty or overlong path';
  if (path.includes('\\')) return 'a path with a backslash';
  if (path.startsWith('/')) return 'an absolute path';
  if (/[\0-\x1f\x7f]/.test(path)) return 'a path with control characters';
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return 'a path with empty, "." or ".." parts';
  return undefined;
}

interface TreeEntry {
  mode: string;
  name: string;
  id: string;
}

/** The root tree a commit names on its first line. */
export function treeOfCommit(commit: Buffer): string | undefined {
  return /^tree ([0-9a-f]{40})\n/.exec(commit.toString('latin1', 0, 46))?.[1];
}

/** A tree's entries: `<mode> <name>\0<20-byte id>`, repeated; anything else is refused. */
export function treeEntries(tree: Buffer): TreeEntry[] | undefined {
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < tree.length) {
    const space = tree.indexOf(0x20, at);
    const nul = tree.indexOf(0, space + 1);
    if (space === -1 || nul === -1 || nul + 21 > tree.length) return undefined;
    const mode = tree.toString('latin1', at, space);
    const name = tree.toString('utf8', space + 1, nul);
    if (!/^[0-7]{5,6}$/.test(mode) || name === '' || name.includes('/')) return undefined;
    entries.push({ mode, name, id: tree.toString('hex', nul + 1, nul + 21) });
    at = nul + 21;
  }
  return entries;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

class ActionFiles implements ActionFileSource {
  /** Commits and trees already fetched, by id; dropped as a whole when they outgrow their budget. */
  private readonly objects = new Map<string, GitObject>();
  private memoryBytes = 0;
  private readonly inFlight = new InFlight();
  private readonly packLimits: FetchLimits;

  constructor(
    private readonly access: ActionFileAccess,
    private readonly limits: ActionFileLimits,
  ) {
    this.packLimits = {
      maxResponseBytes: limits.maxResponseBytes,
      maxObjectBytes: limits.maxFileBytes,
      maxTotalBytes: limits.maxResponseBytes * 4,
      maxObjects: 64,
    };
  }

  async fileAt(owner: string, repo: string, ref: string, path: string): Promise<FetchedFile> {
    const what = `${owner}/${repo}`;
    // Names go into the request's URL: `..` there would reach another path of the git host.
    if (![owner, repo].every((name) => /^[A-Za-z0-9_.-]{1,100}$/.test(name) && !/^\.\.?$/.test(name)))
      return { kind: 'failed', reason: `"${owner}/${repo}" is not a repository name` };
    const problem = pathProblem(path);
    if (problem) return { kind: 'failed', reason: `${what}: ${problem} is not read` };
    let commit: string;
    try {
      commit = await this.access.commitOf(owner, repo, ref);
    } catch (error) {
      return { kind: 'failed', reason: errorMessage(error) };
    }
    const key = `${this.access.git.base} ${what.toLowerCase()}@${commit}:${path}`;
    const cached = this.access.cache.get<ActionFileFact>('action-file', key);
    if (cached) return answer(cached.value, commit);
    if (this.access.cacheOnly) return { kind: 'failed', reason: `${what}@${ref}: ${path} is not in the cache` };
    try {
      const fact = await this.inFlight.run(key, () => this.read(owner, repo, commit, path));
      this.access.cache.set('action-file', key, fact);
      this.access.save();
      return answer(fact, commit);
    } catch (error) {
      return { kind: 'failed', reason: `${path} at ${what}@${commit.slice(0, 12)}: ${errorMessage(error)}` };
    }
  }

  /** Walks from the commit down the path, one fetch per object not already in memory. */
  private async read(owner: string, repo: string, commit: string, path: string): Promise<ActionFileFact> {
    const budget = { requests: this.limits.maxRequestsPerFile, deadline: Date.now() + this.limits.timeoutMs };
    const get = (id: string, type: GitObjectType) => this.object(owner, repo, id, type, budget);
    const tree = treeOfCommit((await get(commit, 'commit')).data);
    if (!tree) throw new OnlineError('bad-response', `commit ${commit} names no tree`);
    let entry: TreeEntry | undefined = { mode: '40000', name: '', id: tree };
    for (const name of path.split('/')) {
      if (entry.mode !== '40000') return { missing: true };
      const entries = treeEntries((await get(entry.id, 'tree')).data);
      if (!entries) throw new OnlineError('bad-response', `tree ${entry.id} is malformed`);
      entry = entries.find((e) => e.name === name);
      if (!entry) return { missing: true };
    }
    if (entry.mode === '40000') return { missing: true };
    if (entry.mode === '120000') throw new OnlineError('bad-response', 'it is a symbolic link, which is not followed');
    if (entry.mode === '160000') throw new OnlineError('bad-response', 'it is a submodule, which is not followed');
    const blob = await get(entry.id, 'blob');
    let text: string;
    try {
      text = utf8.decode(blob.data);
    } catch {
      throw new OnlineError('bad-response', 'it is not UTF-8 text');
    }
    return { blob: entry.id, text };
  }

  private async object(
    owner: string,
    repo: string,
    id: string,
    type: GitObjectType,
    budget: { requests: number; deadline: number },
  ): Promise<GitObject> {
    const known = this.objects.get(id);
    if (known?.type === type) return known;
    if (budget.requests-- <= 0)
      throw new OnlineError('too-large', `more than ${this.limits.maxRequestsPerFile} requests would be needed`);
    if (Date.now() > budget.deadline)
      throw new OnlineError('timeout', `not read within ${this.limits.timeoutMs / 1000} s`);
    const object = await this.inFlight
      .run(`${owner}/${repo} ${id}`, () =>
        this.explained(owner, repo, () => fetchObject(this.access.git, owner, repo, id, type, this.packLimits)),
      )
      .catch((error: unknown) => {
        if (!(error instanceof OnlineError) || error.code !== 'too-large') throw error;
        throw new OnlineError(
          'too-large',
          `the git server's answer for this ${type} is over ${this.limits.maxResponseBytes} bytes (files over ${this.limits.maxFileBytes} bytes are not read)`,
        );
      });
    if (type !== 'blob') this.remember(id, object);
    return object;
  }

  /**
   * A fetch that got no pack is explained by asking the server what it offers (one request more): most
   * often it does not allow the `filter` these fetches need.
   */
  private async explained(owner: string, repo: string, work: () => Promise<GitObject>): Promise<GitObject> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof OnlineError) || !/sent no pack/.test(error.message)) throw error;
      const offered = await this.access.git.capabilities(owner, repo).catch(() => undefined);
      const fetch = offered?.find((c) => c.startsWith('fetch='));
      if (!offered) throw new OnlineError('bad-response', 'the git server does not speak git protocol v2');
      if (!fetch?.split(/[= ]/).includes('filter'))
        throw new OnlineError('bad-response', 'the git server does not allow partial fetches (filter)');
      throw error;
    }
  }

  private remember(id: string, object: GitObject): void {
    if (this.memoryBytes + object.data.length > this.limits.maxMemoryBytes) {
      this.objects.clear();
      this.memoryBytes = 0;
    }
    this.objects.set(id, object);
    this.memoryBytes += object.data.length;
  }
}

function answer(fact: ActionFileFact, commit: string): FetchedFile {
  return 'missing' in fact ? { kind: 'missing' } : { kind: 'found', text: fact.text, commit };
}
