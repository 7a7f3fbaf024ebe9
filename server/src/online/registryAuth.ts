// Registry authentication: the challenge a registry answers with (`WWW-Authenticate`), bearer tokens
// from its token service (the flow Docker Hub, ghcr.io and quay.io use), and Basic. The realm comes
// from the registry's answer, so it is treated as a place a server chose: checked like a redirect,
// given credentials only when it is the registry's own origin (or its known token service), and its
// answer is capped and must look like a token before it is sent anywhere.
import { parse as parseAuthHeader } from 'auth-header';
import { isObject } from '../engine/factShapes';
import { type CredentialStore, DOCKER_HUB_ORIGIN, type RegistryCredentials } from './credentials';
import { type InFlight, OnlineError, type Transport } from './transport';

export type Challenge = { scheme: 'bearer'; realm: string; service?: string } | { scheme: 'basic' };

interface CachedToken {
  value: string;
  expiresAt: number;
}

/**
 * Registries whose token service lives on another origin, as their challenges name it: the registry's
 * credentials may go there too. Any other realm on another origin (another host, or the same host on
 * another port or scheme) gets an anonymous request.
 */
const TOKEN_SERVICES: Record<string, string> = {
  [DOCKER_HUB_ORIGIN]: 'https://auth.docker.io',
  'https://registry.gitlab.com': 'https://gitlab.com',
};
/** A token answer is small JSON; a realm answering with more is not a token service. */
const MAX_TOKEN_ANSWER_BYTES = 64 * 1024;
/** Real registry tokens are a few kilobytes at most (a JWT with the batch's scopes). */
const MAX_TOKEN_CHARS = 16 * 1024;
/** What an `Authorization: Bearer` value may hold (RFC 6750 b64token, and JWT's characters). */
const TOKEN_TEXT = /^[A-Za-z0-9\-._~+/]+=*$/;

export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  try {
    const parsed = parseAuthHeader(header);
    const scheme = parsed.scheme.toLowerCase();
    if (scheme === 'basic') return { scheme: 'basic' };
    const realm = first(parsed.params.realm);
    if (scheme !== 'bearer' || !realm || !/^https?:\/\//i.test(realm)) return undefined;
    return { scheme: 'bearer', realm, service: first(parsed.params.service) };
  } catch {
    return undefined;
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function basic(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

export class RegistryAuth {
  private readonly challenges = new Map<string, Challenge>();
  private readonly tokens = new Map<string, CachedToken>();
  tokenRequests = 0;

  constructor(
    private readonly transport: Transport,
    private readonly credentials: CredentialStore,
    private readonly inFlight: InFlight,
  ) {}

  /** The registry (by its API origin) has answered with a challenge before. */
  challengeOf(origin: string): Challenge | undefined {
    return this.challenges.get(origin);
  }

  /** Remembers the challenge in a 401 answer; undefined when there is none this client can answer. */
  learn(origin: string, header: string | null): Challenge | undefined {
    const challenge = parseChallenge(header);
    if (challenge) this.challenges.set(origin, challenge);
    return challenge;
  }

  async hasCredentials(origin: string): Promise<boolean> {
    return (await this.credentials.forOrigin(origin)) !== undefined;
  }

  /** The `Authorization` value for `scope` at the registry `origin`, once its challenge is known. */
  async authorization(origin: string, scope: string, refresh: boolean): Promise<string | undefined> {
    const challenge = this.challenges.get(origin);
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      const credentials = await this.credentials.forOrigin(origin);
      return credentials ? basic(credentials) : undefined;
    }
    const key = this.tokenKey(origin, challenge, scope);
    const cached = this.tokens.get(key);
    if (cached && !refresh && cached.expiresAt > Date.now()) return `Bearer ${cached.value}`;
    return this.inFlight.run(`token ${key}`, async () => {
      const token = await this.fetchToken(origin, challenge, [scope]);
      this.tokens.set(key, token);
      return `Bearer ${token.value}`;
    });
  }

  /** One token for many repositories' pull scopes (the token protocol allows several `scope` parameters). */
  async prefetch(origin: string, repositories: string[]): Promise<void> {
    const challenge = this.challenges.get(origin);
    if (challenge?.scheme !== 'bearer') return;
    // Batches keep the token URL and the token itself of a sensible size.
    for (let i = 0; i < repositories.length; i += 40) {
      const scopes = repositories.slice(i, i + 40).map((repository) => `repository:${repository}:pull`);
      const token = await this.fetchToken(origin, challenge, scopes);
      for (const scope of scopes) this.tokens.set(this.tokenKey(origin, challenge, scope), token);
    }
  }

  private tokenKey(origin: string, challenge: { realm: string; service?: string }, scope: string): string {
    return `${origin} ${challenge.realm} ${challenge.service ?? ''} ${scope}`;
  }

  private async fetchToken(
    origin: string,
    challenge: { realm: string; service?: string },
    scopes: string[],
  ): Promise<CachedToken> {
    const url = new URL(challenge.realm);
    if (challenge.service) url.searchParams.set('service', challenge.service);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    const scope = scopes.join(' ');
    const headers: Record<string, string> = {};
    if (url.origin === origin || TOKEN_SERVICES[origin] === url.origin) {
      const credentials = await this.credentials.forOrigin(origin);
      if (credentials) headers.Authorization = basic(credentials);
    }
    this.tokenRequests++;
    const response = await this.transport.request(url.href, {
      headers,
      maxBytes: MAX_TOKEN_ANSWER_BYTES,
      namedBy: origin,
    });
    if (response.status === 401 || response.status === 403)
      throw new OnlineError('unauthorized', `token service ${url.host} refused ${scope}`, response.status);
    if (response.status !== 200)
      throw new OnlineError(
        response.status >= 500 ? 'server-error' : 'bad-response',
        `token service ${url.host} answered ${response.status}`,
        response.status,
      );
    let json: unknown;
    try {
      json = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new OnlineError(
        'bad-response',
        `token from ${url.host} is not valid JSON (${response.body.length} bytes received)`,
      );
    }
    const value = isObject(json) ? (json.token ?? json.access_token) : undefined;
    if (typeof value !== 'string' || !value)
      throw new OnlineError('bad-response', `token service ${url.host} sent no token`);
    if (value.length > MAX_TOKEN_CHARS || !TOKEN_TEXT.test(value))
      throw new OnlineError('bad-response', `token service ${url.host} sent something that is not a token`);
    const expiresIn =
      isObject(json) && typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 60;
    const issued = isObject(json) && typeof json.issued_at === 'string' ? Date.parse(json.issued_at) : NaN;
    const start = Number.isNaN(issued) ? Date.now() : Math.min(issued, Date.now());
    // A margin so a token is not sent in its last seconds.
    return { value, expiresAt: start + expiresIn * 1000 - 5000 };
  }
}
