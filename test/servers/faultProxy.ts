// A loopback proxy placed in front of a real server to produce the faults clients meet in the wild:
// silence, 429 with Retry-After, 5xx, truncated and oversized bodies, bad JSON, and redirects to another host.
import { createServer, IncomingHttpHeaders, request as httpRequest, Server } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'silence' }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'truncate' }
  | { kind: 'oversize'; bytes: number; declareLength?: boolean }
  | { kind: 'garbage'; contentType: string; body: string }
  | { kind: 'redirect' }
  /** The real answer's body, rewritten (a hostile server answering in the protocol's own framing). */
  | { kind: 'rewrite'; rewrite: (body: Buffer) => Buffer };

export interface FaultRule {
  /** Applies to requests whose method and path match, e.g. /GET .*\/manifests\//. Default: all. */
  match?: RegExp;
  fault: Fault;
  /** How many matching requests get the fault; later ones pass through. Default: all. */
  times?: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  authorization?: string;
  at: number;
}

export interface FaultProxy {
  url: string;
  /** `127.0.0.1:PORT`, usable as a registry name. */
  host: string;
  requests: SeenRequest[];
  rules: FaultRule[];
  /** Delay added before forwarding each request. */
  latencyMs: number;
  /** Requests being handled now, and the most there ever were at once. */
  inFlight: number;
  maxInFlight: number;
  /** The other origin redirects send clients to, with what it received. */
  storage: { url: string; requests: SeenRequest[] };
  stop(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function forward(
  upstream: URL,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method, path, headers: { ...headers, host: upstream.host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

function readBody(req: import('node:http').IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

function passHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'transfer-encoding' || name === 'connection' || name === 'keep-alive') continue;
    kept[name] = value;
  }
  return kept;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  const sockets = new Set<Socket>();
  const stash = new Map<string, Upstream>();
  const storageRequests: SeenRequest[] = [];
  const storage = createServer((req, res) => {
    storageRequests.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      authorization: req.headers.authorization,
      at: Date.now(),
    });
    const held = stash.get(req.url ?? '');
    if (!held) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(held.status, passHeaders(held.headers));
    res.end(req.method === 'HEAD' ? undefined : held.body);
  });
  const storagePort = await listen(storage);
  const counts = new Map<FaultRule, number>();

  const proxy: FaultProxy = {
    url: '',
    host: '',
    requests: [],
    rules: [],
    latencyMs: 0,
    inFlight: 0,
    maxInFlight: 0,
    storage: { url: `http://127.0.0.1:${storagePort}`, requests: storageRequests },
    async stop() {
      for (const socket of sockets) socket.destroy();
      storage.closeAllConnections();
      await Promise.all([
        new Promise<void>((r) => server.close(() => r())),
        new Promise<void>((r) => storage.close(() => r())),
      ]);
    },
  };

  const server = createServer(async (req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    proxy.requests.push({ method, path, authorization: req.headers.authorization, at: Date.now() });
    proxy.maxInFlight = Math.max(proxy.maxInFlight, ++proxy.inFlight);
    res.on('close', () => proxy.inFlight--);
    const body = await readBody(req);
    if (proxy.latencyMs) await new Promise((r) => setTimeout(r, proxy.latencyMs));
    const rule = proxy.rules.find(
      (r) => (!r.match || r.match.test(`${method} ${path}`)) && (counts.get(r) ?? 0) < (r.times ?? Infinity),
    );
    if (rule) counts.set(rule, (counts.get(rule) ?? 0) + 1);
    const fault = rule?.fault;
    try {
      if (fault?.kind === 'silence') return; // the socket stays open until the client gives up
      if (fault?.kind === 'status') {
        res.writeHead(fault.status, {
          'Content-Type': 'application/json',
          ...(fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {}),
        });
        res.end('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}');
        return;
      }
      if (fault?.kind === 'garbage') {
        res.writeHead(200, { 'Content-Type': fault.contentType });
        res.end(fault.body);
        return;
      }
      const answer = await forward(upstream, method, path, req.headers, body);
      if (fault?.kind === 'rewrite') {
        const headers = { ...passHeaders(answer.headers) };
        delete headers['content-length'];
        res.writeHead(answer.status, headers);
        res.end(fault.rewrite(answer.body));
        return;
      }
      if (fault?.kind === 'truncate') {
        res.writeHead(answer.status, { ...passHeaders(answer.headers), 'content-length': String(answer.body.length) });
        res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      if (fault?.kind === 'oversize') {
        const headers = { ...passHeaders(answer.headers) };
        delete headers['content-length'];
        if (fault.declareLength) headers['content-length'] = String(fault.bytes);
        res.writeHead(200, headers);
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < fault.bytes) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => undefined);
        pump();
        return;
      }
      if (fault?.kind === 'redirect' && answer.status === 200) {
        const key = `/stash/${stash.size}${path.replace(/[^a-z0-9]/gi, '_')}`;
        stash.set(key, answer);
        res.writeHead(307, { Location: `${proxy.storage.url}${key}` });
        res.end();
        return;
      }
      res.writeHead(answer.status, passHeaders(answer.headers));
      res.end(method === 'HEAD' ? undefined : answer.body);
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  proxy.url = `http://127.0.0.1:${port}`;
  proxy.host = `127.0.0.1:${port}`;
  return proxy;
}
