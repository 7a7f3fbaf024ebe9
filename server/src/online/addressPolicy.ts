// Where a server may send the checker. A registry's answer names other URLs (a token realm, a redirect);
// a hostile registry would name internal endpoints (cloud metadata, an admin page on the LAN, a service on
// the user's own machine). Such URLs are held to the place the user sent the checker: https only, and
// addresses of the same kind as that server's (a public registry cannot send it to a private address).
import type * as Dns from 'node:dns/promises';
import { isIP } from 'node:net';

export type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'reserved';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a host name resolves to (the system resolver, as connections use). */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

// The resolver module is loaded on the first look-up: an offline check never makes one.
const systemLookup: HostLookup = (hostname) =>
  (require('node:dns/promises') as typeof Dns).lookup(hostname, { all: true, verbatim: true });

function ipv4Kind(ip: string): AddressKind {
  const [a, b] = ip.split('.').map(Number);
  if (a === 127 || a === 0) return 'loopback'; // 0.0.0.0 reaches the local machine on Linux
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127))
    return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a >= 224) return 'reserved'; // multicast, the old class E and broadcast
  return 'public';
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included). */
function ipv6Groups(ip: string): number[] {
  let text = ip;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : new Array(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((g) => parseInt(g, 16));
}

/** What kind of place an IP address is (RFC 1918, 6598, 3927, 4193, 4291, 6052). */
export function addressKind(ip: string): AddressKind {
  const bare = ip
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/%.*$/, '');
  if (isIP(bare) === 4) return ipv4Kind(bare);
  if (isIP(bare) !== 6) return 'reserved';
  const g = ipv6Groups(bare);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(7) && g[7] <= 1) return 'loopback'; // ::1, and :: which reaches this machine
  // IPv4-mapped, IPv4-compatible and NAT64 forms reach the IPv4 address they carry.
  if (zeros(5) && g[5] === 0xffff) return ipv4Kind(v4(g[6], g[7]));
  if (zeros(6)) return ipv4Kind(v4(g[6], g[7]));
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return ipv4Kind(v4(g[6], g[7]));
  if ((g[0] & 0xfe00) === 0xfc00) return 'private';
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xff00) === 0xff00) return 'reserved';
  return 'public';
}

/** True for a host that is this machine by its spelling alone (no resolver asked). */
export function isLoopbackHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  return isIP(bare) !== 0 && addressKind(bare) === 'loopback';
}

/**
 * The rules for URLs a server named, relative to that server (its `home` origin): https, or plain http
 * only between loopback addresses (how tests and local registries run); every address the name resolves
 * to must be public or of the home server's own kind. `check` returns the addresses to connect to, so
 * the connection goes where the check looked (a name cannot resolve differently a moment later).
 */
export class OutboundPolicy {
  private home?: Promise<AddressKind>;

  constructor(
    readonly homeOrigin: string,
    private readonly lookup: HostLookup = systemLookup,
  ) {}

  /** The addresses to connect to, or why the URL is refused. */
  async check(target: URL): Promise<{ addresses: ResolvedAddress[] } | { refused: string }> {
    const homeKind = await this.homeKind();
    const refuse = (why: string) => ({
      refused: `${new URL(this.homeOrigin).host} sent the checker to ${target.protocol}//${target.host}, ${why}; not followed`,
    });
    if (target.protocol !== 'https:' && target.protocol !== 'http:') return refuse('which is not http(s)');
    if (target.username || target.password) return refuse('with credentials in the URL');
    if (target.protocol === 'http:' && homeKind !== 'loopback') return refuse('over plain http');
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.resolve(target.hostname);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0) return refuse('a name that does not resolve');
    for (const { address } of addresses) {
      const kind = addressKind(address);
      if (target.protocol === 'http:' && kind !== 'loopback') return refuse('over plain http');
      if (kind !== 'public' && kind !== homeKind) return refuse(`a ${kind} address (${address})`);
    }
    return { addresses };
  }

  private homeKind(): Promise<AddressKind> {
    this.home ??= this.resolve(new URL(this.homeOrigin).hostname).then(
      (addresses) => {
        const kinds = new Set(addresses.map((a) => addressKind(a.address)));
        // A home of mixed kinds counts as public: its answers get no extra reach.
        return kinds.size === 1 ? [...kinds][0] : 'public';
      },
      () => 'public' as const,
    );
    return this.home;
  }

  private async resolve(hostname: string): Promise<ResolvedAddress[]> {
    const bare = hostname.replace(/^\[|\]$/g, '');
    const family = isIP(bare);
    if (family !== 0) return [{ address: bare, family }];
    return this.lookup(bare);
  }
}
