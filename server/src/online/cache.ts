// A persistent cache of facts learned online: one JSON file, a time-to-live per kind of fact,
// written atomically; a file that cannot be read is treated as empty.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * `image-tag`: what a tag points at; `image-digest`: what a digest holds; `action-refs`: a repository's tags
 * and branches; `hub-namespace`: a Docker Hub namespace's badge.
 */
export type FactKind = 'image-tag' | 'image-digest' | 'action-refs' | 'hub-namespace';

export const DEFAULT_TTL_MS: Record<FactKind, number> = {
  'image-tag': 6 * 60 * 60 * 1000,
  'image-digest': 30 * 24 * 60 * 60 * 1000,
  'action-refs': 60 * 60 * 1000,
  'hub-namespace': 7 * 24 * 60 * 60 * 1000,
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

/** `$XDG_CACHE_HOME/workflow-provenance`, or `~/.cache/workflow-provenance`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
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
    writeFileSync(temp, JSON.stringify({ version: 1, entries: kept }));
    renameSync(temp, this.file);
    this.dirty = false;
  }

  private load(): Map<string, Entry> {
    if (this.entries) return this.entries;
    this.entries = new Map();
    if (!this.file) return this.entries;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      return this.entries;
    }
    const raw = typeof json === 'object' && json !== null && (json as { version?: unknown }).version === 1 ? (json as { entries?: unknown }).entries : undefined;
    if (typeof raw !== 'object' || raw === null) return this.entries;
    for (const [key, entry] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof entry === 'object' && entry !== null && typeof (entry as Entry).storedAt === 'number' && 'value' in entry) {
        this.entries.set(key, entry as Entry);
      }
    }
    return this.entries;
  }
}
