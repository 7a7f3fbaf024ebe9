// A persistent cache of facts learned online: one JSON file, a time-to-live per kind of fact,
// written atomically; a file that cannot be read is treated as empty. The file may be shared or
// tampered with, so every entry is checked against its kind's shape on read and bad ones are dropped.
import { closeSync, constants, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isCommit, isDigest, isObject, isPlatform, isRefName } from '../engine/factShapes';
import { readRegularFile } from '../workspace/readFile';
import { objectId } from './gitPack';

/**
 * `image-tag`: what a tag points at; `image-digest`: what a digest holds; `action-refs`: a repository's tags
 * and branches; `hub-namespace`: a Docker Hub namespace's badge; `action-file`: a file of an action at a
 * commit (or its absence).
 */
export type FactKind = 'image-tag' | 'image-digest' | 'action-refs' | 'hub-namespace' | 'action-file';

export const DEFAULT_TTL_MS: Record<FactKind, number> = {
  'image-tag': 6 * 60 * 60 * 1000,
  'image-digest': 30 * 24 * 60 * 60 * 1000,
  'action-refs': 60 * 60 * 1000,
  'hub-namespace': 7 * 24 * 60 * 60 * 1000,
  'action-file': 30 * 24 * 60 * 60 * 1000,
};

export interface CachedFact<T> {
  value: T;
  /** When the fact was fetched (ms since epoch). */
  storedAt: number;
  /** Within its time-to-live. Stale facts are still returned, for use when the network fails. */
  fresh: boolean;
}

export interface FactCacheOptions {
  /** Directory of the cache file; no directory means a cache that lives only in memory. */
  dir?: string;
  ttlMs?: Partial<Record<FactKind, number>>;
  /** Clock, for tests. */
  now?: () => number;
}

interface Entry {
  storedAt: number;
  value: unknown;
}

const FILE_NAME = 'facts-v1.json';
/** Action files are read up to 1 MiB; one cached beyond that was not written by this program. */
const MAX_ACTION_FILE_CHARS = 1024 * 1024;
/** A cache file beyond this is not read (it is rebuilt): thousands of images fit in a few megabytes. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The shape each kind of fact must have; an entry that fails it is dropped on read. */
const VALUE_SHAPES: Record<FactKind, (value: unknown) => boolean> = {
  'image-tag': (v) => isObject(v) && isDigest(v.digest),
  'image-digest': (v) =>
    isObject(v) &&
    isList(v.platforms, isPlatform) &&
    isList(v.signatures, isShortText) &&
    isList(v.attestations, isShortText) &&
    (v.created === undefined || isShortText(v.created)) &&
    (v.sourceRepository === undefined || isShortText(v.sourceRepository)),
  'action-refs': (v) =>
    isList(
      v,
      (r) => isObject(r) && isRefName(r.name) && isCommit(r.oid) && (r.peeled === undefined || isCommit(r.peeled)),
    ),
  'hub-namespace': (v) =>
    isObject(v) &&
    (v.badge === undefined || v.badge === 'verified_publisher' || v.badge === 'open_source') &&
    (v.name === undefined || isShortText(v.name)),
  // The text must hash to the blob id stored with it: an entry edited by hand (or by a hostile
  // workspace) is dropped rather than believed.
  'action-file': (v) =>
    isObject(v) &&
    (Object.keys(v).length === 1 && v.missing === true
      ? true
      : Object.keys(v).length === 2 &&
        isCommit(v.blob) &&
        typeof v.text === 'string' &&
        v.text.length <= MAX_ACTION_FILE_CHARS &&
        objectId('blob', Buffer.from(v.text, 'utf8')) === v.blob),
};

function isList(value: unknown, item: (v: unknown) => boolean): boolean {
  return Array.isArray(value) && value.every(item);
}

function isShortText(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 2048;
}

function isValidEntry(key: string, entry: unknown): entry is Entry {
  if (!isObject(entry) || typeof entry.storedAt !== 'number' || !Number.isFinite(entry.storedAt)) return false;
  const kind = key.slice(0, key.indexOf(' ')) as FactKind;
  return Object.hasOwn(VALUE_SHAPES, kind) && VALUE_SHAPES[kind](entry.value);
}

/** `$XDG_CACHE_HOME/workflow-provenance`, or `~/.cache/workflow-provenance`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'workflow-provenance');
}

export class FactCache {
  private entries?: Map<string, Entry>;
  private dirty = false;
  private readonly ttl: Record<FactKind, number>;
  private readonly now: () => number;
  readonly file?: string;

  constructor(private readonly options: FactCacheOptions = {}) {
    this.ttl = { ...DEFAULT_TTL_MS, ...options.ttlMs };
    this.now = options.now ?? Date.now;
    this.file = options.dir ? join(options.dir, FILE_NAME) : undefined;
  }

  get<T>(kind: FactKind, key: string): CachedFact<T> | undefined {
    const entry = this.load().get(`${kind} ${key}`);
    if (!entry) return undefined;
    return { value: entry.value as T, storedAt: entry.storedAt, fresh: this.now() - entry.storedAt < this.ttl[kind] };
  }

  set<T>(kind: FactKind, key: string, value: T, storedAt = this.now()): void {
    this.load().set(`${kind} ${key}`, { storedAt, value });
    this.dirty = true;
  }

  /** Writes pending changes: a temporary file renamed over the old one, so readers never see half a file. */
  save(): void {
    if (!this.dirty || !this.file || !this.options.dir) return;
    const entries = this.load();
    // Facts too old to be of use even as a fallback are dropped rather than kept forever.
    const horizon = this.now() - Math.max(...Object.values(this.ttl)) * 4;
    const kept: Record<string, Entry> = {};
    for (const [key, entry] of entries) if (entry.storedAt >= horizon) kept[key] = entry;
    mkdirSync(this.options.dir, { recursive: true });
    const temp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    // Created exclusively (a link planted under that name makes this fail, never writes through it);
    // renaming replaces whatever is at the cache path (a symlink itself, not its target). A rename that
    // fails (the path is a directory) takes its temporary file with it.
    const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      try {
        writeSync(fd, JSON.stringify({ version: 1, entries: kept }));
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.file);
    } catch (error) {
      try {
        unlinkSync(temp);
      } catch {
        // already gone
      }
      throw error;
    }
    this.dirty = false;
  }

  private load(): Map<string, Entry> {
    if (this.entries) return this.entries;
    this.entries = new Map();
    if (!this.file) return this.entries;
    let json: unknown;
    try {
      const read = readRegularFile(this.file, MAX_FILE_BYTES, false);
      if (!('text' in read)) return this.entries;
      json = JSON.parse(read.text);
    } catch {
      return this.entries;
    }
    const raw = isObject(json) && json.version === 1 ? json.entries : undefined;
    if (!isObject(raw)) return this.entries;
    for (const [key, entry] of Object.entries(raw)) {
      if (isValidEntry(key, entry)) this.entries.set(key, { storedAt: entry.storedAt, value: entry.value });
    }
    return this.entries;
  }
}
