// Asks Docker Hub whether a namespace carries the Verified Publisher or Sponsored Open Source badge.
// `GET /v2/orgs/<namespace>/` answers an organisation with its profile, `badge` among the fields
// (`verified_publisher`, `open_source`, or empty); a personal account is redirected to
// `/v2/users/<name>/`, which has no badge; an unknown name is 404. No credentials are ever sent.
import type { ResolvedPublisher } from '../engine/api';
import { OnlineError, type Transport } from './transport';

export const DOCKER_HUB_API = 'https://hub.docker.com';

/** What is kept about a namespace: its badge and display name, nothing else of the profile. */
export type NamespaceFact = Pick<ResolvedPublisher, 'badge' | 'name'>;

const badges = new Set(['verified_publisher', 'open_source']);

/** Docker Hub namespaces are 2 to 255 lower-case letters, digits, `-`, `_` and `.`. */
export function isHubNamespace(name: string): boolean {
  return /^[a-z0-9][a-z0-9._-]{1,254}$/.test(name);
}

/** A display name as hovers may show it (Markdown): letters, digits and plain punctuation, 120 at most. */
export function plainName(name: string): string | undefined {
  return name.replace(/[^\p{L}\p{N} .,&'-]/gu, '').trim().slice(0, 120) || undefined;
}

export class DockerHubNamespaces {
  private readonly base: string;

  constructor(
    private readonly transport: Transport,
    baseUrl: string = DOCKER_HUB_API,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  async lookUp(namespace: string): Promise<NamespaceFact> {
    if (!isHubNamespace(namespace)) throw new OnlineError('bad-response', `'${namespace}' is not a Docker Hub namespace`);
    const response = await this.transport.request(`${this.base}/v2/orgs/${namespace}/`, { maxBytes: 256 * 1024, headers: { Accept: 'application/json' } });
    if (response.status === 404) return {};
    if (response.status === 429) throw new OnlineError('rate-limited', 'Docker Hub limits look-ups of namespaces; try again later', 429);
    if (response.status >= 500) throw new OnlineError('server-error', `Docker Hub answered ${response.status} for namespace ${namespace}`, response.status);
    if (response.status !== 200) throw new OnlineError('bad-response', `Docker Hub answered ${response.status} for namespace ${namespace}`, response.status);
    let json: unknown;
    try {
      json = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new OnlineError('bad-response', `Docker Hub's answer for namespace ${namespace} is not JSON`);
    }
    if (typeof json !== 'object' || json === null) throw new OnlineError('bad-response', `Docker Hub's answer for namespace ${namespace} is not an object`);
    const profile = json as Record<string, unknown>;
    // Only an organisation can hold a badge; a user profile (after the redirect) never does.
    if (profile.type !== 'Organization') return {};
    const fact: NamespaceFact = {};
    if (typeof profile.badge === 'string' && badges.has(profile.badge)) fact.badge = profile.badge as NamespaceFact['badge'];
    const name = [profile.company, profile.full_name].find((v): v is string => typeof v === 'string' && v.trim() !== '');
    const plain = name ? plainName(name) : undefined;
    if (plain) fact.name = plain;
    return fact;
  }
}
