// A real OCI registry for tests: Debian's `docker-registry` (CNCF distribution) on 127.0.0.1 with
// Docker-Hub-style token auth from a token server of our own, and a pusher speaking the real API.
// The token service answers at the registry's own origin (`/token`), as ghcr.io's and quay.io's do:
// a front server passes every other request through to the registry process.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=test-token-issuer'], { stdio: 'ignore' });
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
    const claims = { iss: ISSUER, sub: account ?? '', aud: SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access };
    const body = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    return `${body}.${b64url(sign('RSA-SHA256', Buffer.from(body), key))}`;
  };
  const port = await freePort();
  const tokenServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/token') {
      // Everything but the token service is the registry's; the Host header is kept, so the URLs it
      // builds (upload locations) name the front.
      const upstream = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
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
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    tokenRequests.push({ account, scopes });
    const token = issueToken(scopes, account);
    setTimeout(() => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ token, access_token: token, expires_in: tokenLifetime, issued_at: new Date().toISOString() }));
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
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', logFd, logFd] });
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
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export const OCI = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
  empty: 'application/vnd.oci.empty.v1+json',
};

export interface PushedImage {
  /** Digest of the index (or of the manifest for a single-platform image). */
  digest: string;
  /** Per-platform manifest digests. */
  manifests: Record<string, string>;
  attestations: string[];
}

export interface ImageSpec {
  platforms: string[];
  labels?: Record<string, string>;
  created?: string;
  /** Add a BuildKit-style attestation manifest per platform. */
  attest?: boolean;
  /** Push one image manifest instead of an index (only the first platform). */
  single?: boolean;
}

/** Pushes blobs, manifests and indexes through the registry's HTTP API, as a build tool does. */
export class Pusher {
  constructor(
    private readonly url: string,
    private readonly token: (name: string) => string,
  ) {}

  async blob(name: string, data: Buffer): Promise<{ digest: string; size: number }> {
    const digest = sha256(data);
    const auth = { Authorization: `Bearer ${this.token(name)}` };
    const start = await fetch(`${this.url}/v2/${name}/blobs/uploads/`, { method: 'POST', headers: auth });
    if (start.status !== 202) throw new Error(`upload start ${start.status}: ${await start.text()}`);
    const location = new URL(start.headers.get('location') ?? '', this.url);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, { method: 'PUT', headers: { ...auth, 'Content-Type': 'application/octet-stream' }, body: new Uint8Array(data) });
    if (put.status !== 201) throw new Error(`blob put ${put.status}: ${await put.text()}`);
    return { digest, size: data.length };
  }

  /** `reference` is a tag, or '' to push by digest. */
  async manifest(name: string, reference: string, mediaType: string, json: object): Promise<{ digest: string; size: number }> {
    const body = Buffer.from(JSON.stringify(json));
    // An empty reference pushes by digest, leaving no tag behind.
    const put = await fetch(`${this.url}/v2/${name}/manifests/${reference || sha256(body)}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${this.token(name)}`, 'Content-Type': mediaType },
      body: new Uint8Array(body),
    });
    if (put.status !== 201) throw new Error(`manifest put ${put.status}: ${await put.text()}`);
    return { digest: sha256(body), size: body.length };
  }

  private async platformManifest(name: string, platform: string, spec: ImageSpec): Promise<{ digest: string; size: number }> {
    const [os, architecture, variant] = platform.split('/');
    const layer = await this.blob(name, randomBytes(64));
    const configJson = {
      architecture,
      os,
      ...(variant ? { variant } : {}),
      created: spec.created ?? '2026-01-02T03:04:05Z',
      config: { Labels: spec.labels ?? {} },
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    };
    const config = await this.blob(name, Buffer.from(JSON.stringify(configJson)));
    return this.manifest(name, '', OCI.manifest, {
      schemaVersion: 2,
      mediaType: OCI.manifest,
      config: { mediaType: OCI.config, digest: config.digest, size: config.size },
      layers: [{ mediaType: OCI.layer, digest: layer.digest, size: layer.size }],
    });
  }

  /** A multi-platform image: one manifest per platform under an OCI index tagged `tag`. */
  async image(name: string, tag: string, spec: ImageSpec): Promise<PushedImage> {
    const manifests: Record<string, string> = {};
    const entries: object[] = [];
    const attestations: string[] = [];
    for (const platform of spec.single ? spec.platforms.slice(0, 1) : spec.platforms) {
      const pushed = await this.platformManifest(name, platform, spec);
      manifests[platform] = pushed.digest;
      const [os, architecture, variant] = platform.split('/');
      entries.push({ mediaType: OCI.manifest, digest: pushed.digest, size: pushed.size, platform: { architecture, os, ...(variant ? { variant } : {}) } });
    }
    if (spec.single) {
      const only = spec.platforms[0];
      const again = await this.manifestBytes(name, manifests[only]);
      await this.manifest(name, tag, OCI.manifest, again);
      return { digest: manifests[only], manifests, attestations };
    }
    if (spec.attest) {
      for (const digest of Object.values(manifests)) {
        const statement = await this.blob(name, Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://slsa.dev/provenance/v0.2', subject: [{ digest: { sha256: digest.slice(7) } }] })));
        const config = await this.blob(name, Buffer.from(JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [statement.digest] } })));
        const att = await this.manifest(name, '', OCI.manifest, {
          schemaVersion: 2,
          mediaType: OCI.manifest,
          config: { mediaType: OCI.config, digest: config.digest, size: config.size },
          layers: [{ mediaType: 'application/vnd.in-toto+json', digest: statement.digest, size: statement.size, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } }],
        });
        attestations.push(att.digest);
        entries.push({
          mediaType: OCI.manifest,
          digest: att.digest,
          size: att.size,
          platform: { architecture: 'unknown', os: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': digest },
        });
      }
    }
    const index = await this.manifest(name, tag, OCI.index, { schemaVersion: 2, mediaType: OCI.index, manifests: entries });
    return { digest: index.digest, manifests, attestations };
  }

  private async manifestBytes(name: string, digest: string): Promise<object> {
    const r = await fetch(`${this.url}/v2/${name}/manifests/${digest}`, { headers: { Authorization: `Bearer ${this.token(name)}`, Accept: OCI.manifest } });
    return (await r.json()) as object;
  }

  /** A cosign-style signature: a manifest tagged `sha256-<hex>.sig` next to the signed digest. */
  async cosignSignature(name: string, subject: string): Promise<string> {
    const payload = await this.blob(name, Buffer.from(JSON.stringify({ critical: { image: { 'docker-manifest-digest': subject }, type: 'cosign container image signature' } })));
    const config = await this.blob(name, Buffer.from('{}'));
    const pushed = await this.manifest(name, `${subject.replace(':', '-')}.sig`, OCI.manifest, {
      schemaVersion: 2,
      mediaType: OCI.manifest,
      config: { mediaType: OCI.config, digest: config.digest, size: config.size },
      layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: payload.digest, size: payload.size, annotations: { 'dev.cosignproject.cosign/signature': 'MEUCIQ==' } }],
    });
    return pushed.digest;
  }

  /**
   * An artifact with `subject`, listed in the referrers tag-schema index (`sha256-<hex>`), which is what a
   * client pushing to a registry without the referrers API maintains.
   */
  async referrer(name: string, subject: { digest: string; size: number }, artifactType: string): Promise<string> {
    const empty = await this.blob(name, Buffer.from('{}'));
    const data = await this.blob(name, Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3' })));
    const artifact = await this.manifest(name, '', OCI.manifest, {
      schemaVersion: 2,
      mediaType: OCI.manifest,
      artifactType,
      config: { mediaType: OCI.empty, digest: empty.digest, size: empty.size },
      layers: [{ mediaType: artifactType, digest: data.digest, size: data.size }],
      subject: { mediaType: OCI.index, digest: subject.digest, size: subject.size },
    });
    await this.manifest(name, subject.digest.replace(':', '-'), OCI.index, {
      schemaVersion: 2,
      mediaType: OCI.index,
      manifests: [{ mediaType: OCI.manifest, digest: artifact.digest, size: artifact.size, artifactType }],
    });
    return artifact.digest;
  }

  async manifestSize(name: string, digest: string): Promise<number> {
    const r = await fetch(`${this.url}/v2/${name}/manifests/${digest}`, { method: 'HEAD', headers: { Authorization: `Bearer ${this.token(name)}`, Accept: `${OCI.index}, ${OCI.manifest}` } });
    return Number(r.headers.get('content-length'));
  }
}
