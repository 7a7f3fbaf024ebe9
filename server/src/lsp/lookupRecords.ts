// What the server remembers around look-ups (of images, actions, followed files), kept to a size that
// does not grow as someone types: which documents wait on which look-up, replaced each time a document
// is analysed, and recent failures, the oldest forgotten first.

/** Which documents to analyse again when a look-up (by key) finishes or a file (by path) changes. */
export class Interests {
  private readonly byKey = new Map<string, Set<string>>();
  private readonly byUri = new Map<string, Set<string>>();

  add(key: string, uri: string): void {
    let uris = this.byKey.get(key);
    if (!uris) this.byKey.set(key, (uris = new Set()));
    uris.add(uri);
    let keys = this.byUri.get(uri);
    if (!keys) this.byUri.set(uri, (keys = new Set()));
    keys.add(key);
  }

  /**
   * What `uri` waits on is now `keys` and nothing else: a name typed letter by letter leaves no key
   * behind for each letter.
   */
  replace(uri: string, keys: Iterable<string>): void {
    const now = new Set(keys);
    for (const key of this.byUri.get(uri) ?? []) {
      if (now.has(key)) continue;
      const uris = this.byKey.get(key);
      uris?.delete(uri);
      if (uris?.size === 0) this.byKey.delete(key);
    }
    this.byUri.delete(uri);
    for (const key of now) this.add(key, uri);
  }

  urisOf(key: string): string[] {
    return [...(this.byKey.get(key) ?? [])];
  }

  /** How many keys some document waits on. */
  get size(): number {
    return this.byKey.size;
  }
}

/**
 * Look-ups that failed lately, so they are not tried again at every keystroke. A failure older than
 * `retryMs` is forgotten, and beyond `max` the oldest go first: at worst a look-up is tried sooner.
 */
export class RecentFailures<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();

  constructor(
    private readonly retryMs: number,
    private readonly max = 1000,
  ) {}

  /** The failure recorded for `key`, while it is too recent to try again. */
  get(key: string, now = Date.now()): T | undefined {
    const entry = this.entries.get(key);
    return entry && now - entry.at < this.retryMs ? entry.value : undefined;
  }

  add(key: string, value: T, now = Date.now()): void {
    // Re-inserted, so the map's order stays oldest first.
    this.entries.delete(key);
    this.entries.set(key, { value, at: now });
    for (const [k, entry] of this.entries) {
      if (this.entries.size <= this.max && now - entry.at < this.retryMs) break;
      this.entries.delete(k);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
