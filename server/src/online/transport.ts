// HTTP for the online look-ups: every request bounded in time, size, retries and concurrency,
// and redirects followed by hand so credentials never reach another origin and a server cannot send
// the checker to a place the user did not (see addressPolicy.ts).
import { type HostLookup, OutboundPolicy, type ResolvedAddress } from './addressPolicy';
import { BodyTooLarge, pinnedRequest } from './pinnedRequest';

export type OnlineErrorCode =
  | 'not-found'
  | 'unauthorized'
  | 'network'
  | 'timeout'
  | 'rate-limited'
  | 'server-error'
  | 'too-large'
  | 'bad-response'
  /** A server named a URL the checker will not go to (see addressPolicy.ts). */
  | 'blocked';

/** A failed look-up with a message fit to show a user; tokens and credentials never appear in it. */
export class OnlineError extends Error {
  constructor(
    readonly code: OnlineErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'OnlineError';
  }
}

export interface TransportOptions {
  /** Per request, including reading the body. Default 5000. */
  timeoutMs?: number;
  /** Attempts for 429, 5xx and dropped connections, the first included. Default 3. */
  maxAttempts?: number;
  /** Requests in flight at once across all hosts. Default 6. */
  maxConcurrency?: number;
  /** First backoff delay; doubled on each retry. Default 200. */
  retryBaseMs?: number;
  /** A `Retry-After` longer than this is not waited for: the look-up fails as rate-limited. Default 10000. */
  maxRetryAfterMs?: number;
  /** Redirects followed per request. Default 5. */
  maxRedirects?: number;
  /** How host names a server chose are resolved before they are checked; the system resolver by default. */
  lookup?: HostLookup;
}

export interface HttpRequest {
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** The body is refused beyond this many bytes. */
  maxBytes: number;
  /**
   * The origin whose answer named this URL (a registry naming its token realm). The URL is then held to
   * the rules for places a server sends the checker, like a redirect from that origin.
   */
  namedBy?: string;
  /** Redirects to another origin are refused rather than followed (a git host's answers stay its own). */
  sameOrigin?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
}

export interface TransportStats {
  /** HTTP requests sent, retries and redirects included. */
  requests: number;
  retries: number;
  redirects: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class Transport {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly maxRedirects: number;
  private readonly slots: Semaphore;
  private readonly lookup?: HostLookup;
  private readonly policies = new Map<string, OutboundPolicy>();
  readonly counts: TransportStats = { requests: 0, retries: 0, redirects: 0 };

  constructor(options: TransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.retryBaseMs = options.retryBaseMs ?? 200;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 10_000;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.slots = new Semaphore(Math.max(1, options.maxConcurrency ?? 6));
    this.lookup = options.lookup;
  }

  /** Sends the request, retrying 429, 5xx and dropped connections; other statuses are returned as they are. */
  async request(url: string, request: HttpRequest): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      let response: HttpResponse | undefined;
      let failure: OnlineError | undefined;
      try {
        response = await this.followRedirects(url, request);
      } catch (error) {
        failure = error instanceof OnlineError ? error : new OnlineError('network', describe(error));
      }
      const retryable = response
        ? response.status === 429 || response.status >= 500
        : failure?.code === 'network' && !isRefused(failure);
      if (!retryable || attempt >= this.maxAttempts) {
        if (failure) throw failure;
        return response as HttpResponse;
      }
      let delay = this.retryBaseMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2);
      const retryAfter = response ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
      if (retryAfter !== undefined) {
        if (retryAfter > this.maxRetryAfterMs) {
          throw new OnlineError(
            'rate-limited',
            `${hostOf(url)} asks to retry after ${Math.ceil(retryAfter / 1000)} s`,
            response?.status,
          );
        }
        delay = Math.max(delay, retryAfter);
      }
      this.counts.retries++;
      await sleep(delay);
    }
  }

  private async followRedirects(url: string, request: HttpRequest): Promise<HttpResponse> {
    const origin = new URL(url).origin;
    // The place the user sent the checker; any other origin was chosen by a server and is checked.
    const home = request.namedBy ?? origin;
    let headers = { ...(request.headers ?? {}) };
    let method = request.method ?? 'GET';
    let body = request.body;
    let current = url;
    for (let hop = 0; ; hop++) {
      const target = new URL(current);
      let addresses: ResolvedAddress[] | undefined;
      if (target.origin !== home) {
        const verdict = await this.policyFor(home).check(target);
        if ('refused' in verdict) throw new OnlineError('blocked', verdict.refused);
        addresses = verdict.addresses;
      }
      const response = await this.once(current, method, headers, body, request.maxBytes, addresses);
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || !location) return response;
      if (hop >= this.maxRedirects) throw new OnlineError('bad-response', `too many redirects from ${hostOf(url)}`);
      this.counts.redirects++;
      const next = new URL(location, current);
      if (request.sameOrigin && next.origin !== origin)
        throw new OnlineError('blocked', `${hostOf(current)} redirected to another host (${next.host}); not followed`);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new OnlineError('bad-response', `${hostOf(current)} redirected to a ${next.protocol} URL`);
      }
      // Registries send blob downloads to storage hosts: credentials stay with the origin they were meant for.
      if (next.origin !== origin) headers = withoutCredentials(headers);
      if (response.status === 303) {
        method = 'GET';
        body = undefined;
      }
      current = next.href;
    }
  }

  private policyFor(home: string): OutboundPolicy {
    let policy = this.policies.get(home);
    if (!policy) this.policies.set(home, (policy = new OutboundPolicy(home, this.lookup)));
    return policy;
  }

  /** One exchange; with `addresses`, connected to those (already checked) rather than resolving again. */
  private async once(
    url: string,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    maxBytes: number,
    addresses?: ResolvedAddress[],
  ): Promise<HttpResponse> {
    const release = await this.slots.acquire();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      this.counts.requests++;
      if (addresses) {
        const answer = await pinnedRequest(
          new URL(url),
          { method, headers, body, maxBytes, signal: controller.signal },
          addresses,
        );
        return { ...answer, url };
      }
      const response = await fetch(url, { method, headers, body, redirect: 'manual', signal: controller.signal });
      if (method === 'HEAD') return { status: response.status, headers: response.headers, body: Buffer.alloc(0), url };
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (declared > maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw tooLarge(url, maxBytes);
      }
      const data = await readCapped(response, url, maxBytes);
      return { status: response.status, headers: response.headers, body: data, url };
    } catch (error) {
      if (error instanceof OnlineError) throw error;
      if (error instanceof BodyTooLarge) throw tooLarge(url, maxBytes);
      if (controller.signal.aborted)
        throw new OnlineError('timeout', `${hostOf(url)} did not answer within ${this.timeoutMs} ms`);
      throw new OnlineError('network', `${hostOf(url)}: ${describe(error)}`);
    } finally {
      clearTimeout(timer);
      release();
    }
  }
}

async function readCapped(response: Response, url: string, maxBytes: number): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(url, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(url: string, maxBytes: number): OnlineError {
  return new OnlineError('too-large', `${hostOf(url)} sent more than ${maxBytes} bytes`);
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower !== 'authorization' && lower !== 'cookie') kept[name] = value;
  }
  return kept;
}

/** `Retry-After` is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3); returns milliseconds. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const when = Date.parse(value);
  return Number.isNaN(when) ? undefined : Math.max(0, when - Date.now());
}

function isRefused(error: OnlineError): boolean {
  return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/.test(error.message);
}

/** undici hides the system error under `cause`; the code (ECONNREFUSED, …) is what a user can act on. */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return `${error.message} (${cause.code})`;
    if (cause?.message) return `${error.message}: ${cause.message}`;
    return error.message;
  }
  return String(error);
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class Semaphore {
  private waiting: (() => void)[] = [];
  private active = 0;
  constructor(private readonly limit: number) {}

  async acquire(): Promise<() => void> {
    // A released slot is handed straight to the next waiter, so the limit holds at every moment.
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}

/** Shares one promise among identical look-ups while the first is still running. */
export class InFlight {
  private readonly running = new Map<string, Promise<unknown>>();
  shared = 0;

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.running.get(key);
    if (existing) {
      this.shared++;
      return existing as Promise<T>;
    }
    const promise = work().finally(() => this.running.delete(key));
    this.running.set(key, promise);
    return promise;
  }
}
