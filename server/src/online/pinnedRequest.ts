// One HTTP exchange connected to addresses already checked (see addressPolicy.ts): Node's http(s) client
// with a `lookup` that answers with those addresses, so a name cannot resolve one way for the check
// and another for the connection. TLS still verifies the certificate against the host name.
import type * as Http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type * as Https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './addressPolicy';

export interface PinnedAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** Thrown when the body passes `maxBytes`; the caller turns it into its own error. */
export class BodyTooLarge extends Error {}

export function pinnedRequest(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: string; maxBytes: number; signal: AbortSignal },
  addresses: ResolvedAddress[],
): Promise<PinnedAnswer> {
  const lookup = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, addresses);
    else callback(null, addresses[0].address, addresses[0].family);
  }) as unknown as LookupFunction;
  // Loaded on the first request: a check that asks nothing of the network (every offline one) never needs them.
  const send =
    url.protocol === 'https:'
      ? (require('node:https') as typeof Https).request
      : (require('node:http') as typeof Http).request;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: init.method, headers: init.headers, lookup, signal: init.signal },
      (res: IncomingMessage) => {
        const headers = toHeaders(res.headers);
        if (init.method === 'HEAD') {
          res.resume();
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.alloc(0) });
          return;
        }
        const declared = Number(res.headers['content-length'] ?? NaN);
        if (declared > init.maxBytes) {
          res.destroy();
          reject(new BodyTooLarge());
          return;
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > init.maxBytes) {
            res.destroy();
            reject(new BodyTooLarge());
          } else chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}
