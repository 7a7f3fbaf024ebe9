// A real OCI registry for tests: Debian's `docker-registry` (CNCF distribution) on 127.0.0.1 with
// Docker-Hub-style token auth from a token server of our own, and a pusher speaking the real API
// (registryPusher.ts).
// The token service answers at the registry's own origin (`/token`), as ghcr.io's and quay.io's do:
// a front server passes every other request through to the registry process.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pusher } from './registryPusher';

export const SERVICE = 'test-registry';
const ISSUER = 'test-token-issuer';
/** Anyone may pull but `private/*`; `alice` may pull those; `pusher` may push anything. */
export const USERS = { alice: 'alice-secret', pusher: 'pusher-secret' } as const;

export function missingTools(): string | undefined {
  for (const tool of ['docker-registry', 'openssl']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (apt-get install -y --no-install-recommends docker-registry openssl)`;
    }
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TokenRequest {
  account?: string;
  scopes: string[];
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`, the registry name images use. */
  host: string;
  url: string;
  /** On the registry's own origin. */
  tokenUrl: string;
  /** Every token request the token server answered. */
  tokenRequests: TokenRequest[];
  /** Added to every token answer, to model a distant token service. */
  setTokenLatency(ms: number): void;
  /** The `expires_in` the token server announces, in seconds (default 300). */
  setTokenLifetime(seconds: number): void;
  /** A token as the token server would issue it to `account` (anonymous when absent) for `scopes`. */
  issueToken(scopes: string[], account?: string): string;
  pusher: Pusher;
  stop(): Promise<void>;
}

export async function startRegistry(): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'wp-registry-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=test-token-issuer',
    ],
    { stdio: 'ignore' },
  );
  const key = readFileSync(join(dir, 'key.pem'), 'utf8');
  const certDer = new X509Certificate(readFileSync(join(dir, 'cert.pem'))).raw.toString('base64');

  const tokenRequests: TokenRequest[] = [];
  let tokenLatency = 0;
  let tokenLifetime = 300;
  const issueToken = (scopes: string[], account?: string): string => {
    const access = scopes.flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      if (type !== 'repository' || !name || !actions) return [];
      const granted = actions.split(',').filter((action) => {
        if (account === 'pusher') return true;
        if (action !== 'pull') return false;
        return !name.startsWith('private/') || account === 'alice';
      });
      return granted.length ? [{ type, name, actions: granted }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', x5c: [certDer] };
    const claims = {
      iss: ISSUER,
      sub: account ?? '',
      aud: SERVICE,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    };
    const body = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    return `${body}.${b64url(sign('RSA-SHA256', Buffer.from(body), key))}`;
  };
  const port = await freePort();
  const tokenServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/token') {
      // Everything but the token service is the registry's; the Host header is kept, so the URLs it
      // builds (upload locations) name the front.
      const upstream = httpRequest(
        { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
      return;
    }
    let account: string | undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [user, password] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (USERS[user as keyof typeof USERS] !== password) {
        res.writeHead(401).end('{"details":"bad credentials"}');
        return;
      }
      account = user;
    }
    const scopes = url.searchParams
      .getAll('scope')
      .flatMap((s) => s.split(' '))
      .filter(Boolean);
    tokenRequests.push({ account, scopes });
    const token = issueToken(scopes, account);
    setTimeout(() => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({ token, access_token: token, expires_in: tokenLifetime, issued_at: new Date().toISOString() }),
      );
    }, tokenLatency);
  });
  const frontPort = await listen(tokenServer);
  const tokenUrl = `http://127.0.0.1:${frontPort}/token`;

  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    'auth:',
    '  token:',
    `    realm: ${tokenUrl}`,
    `    service: ${SERVICE}`,
    `    issuer: ${ISSUER}`,
    `    rootcertbundle: ${join(dir, 'cert.pem')}`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'config.yml'), config);
  const logFd = openSync(join(dir, 'registry.log'), 'a');
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', logFd, logFd],
  });
  const url = `http://127.0.0.1:${frontPort}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const r = await fetch(`${url}/v2/`);
      if (r.status === 401 || r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      tokenServer.close();
      throw new Error(`docker-registry did not start: ${readFileSync(join(dir, 'registry.log'), 'utf8').slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const host = `127.0.0.1:${frontPort}`;
  return {
    host,
    url,
    tokenUrl,
    tokenRequests,
    setTokenLatency: (ms) => (tokenLatency = ms),
    setTokenLifetime: (seconds) => (tokenLifetime = seconds),
    issueToken,
    pusher: new Pusher(url, (name) => issueToken([`repository:${name}:pull,push`], 'pusher')),
    async stop() {
      child.kill('SIGTERM');
      await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      await new Promise<void>((resolve) => tokenServer.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}
