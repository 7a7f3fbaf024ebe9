// Hostile registries on loopback: a token realm on another port, a realm or redirect aimed at this
// machine from a registry that is not on it, oversized or non-token answers, a mirror fishing for
// Docker Hub's password. Each attack is played for real; what reached each server is recorded.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OutboundPolicy, type ResolvedAddress } from '../../server/src/online/addressPolicy';
import { CredentialStore } from '../../server/src/online/credentials';
import { GitRefsClient } from '../../server/src/online/gitRefs';
import { type HttpRequest, type HttpResponse, OnlineError, Transport } from '../../server/src/online/transport';
import { isResolveError, OnlineResolver, type ResolverOptions } from '../../server/src/online/resolver';
import {
  askForBasic,
  askForBearer,
  credentialsSeen,
  giveToken,
  type Recorder,
  startRecorder,
} from '../servers/recorder';
import { parsedImage as image } from '../unit/support/engine';

/** A temporary HOME holding a Docker config with `auths`. */
function homeWith(auths: Record<string, string>): string {
  const home = mkdtempSync(join(tmpdir(), 'wp-home-'));
  mkdirSync(join(home, '.docker'));
  const entries = Object.fromEntries(
    Object.entries(auths).map(([key, userPassword]) => [key, { auth: Buffer.from(userPassword).toString('base64') }]),
  );
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: entries }));
  return home;
}

/** A resolver table standing in for DNS (tests make no DNS queries). */
function table(entries: Record<string, string[]>) {
  return async (hostname: string): Promise<ResolvedAddress[]> => {
    const found = entries[hostname];
    if (!found) throw new Error(`ENOTFOUND ${hostname}`);
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

describe('hostile registries and realms', () => {
  let registry: Recorder;
  let realm: Recorder;
  const homes: string[] = [];

  before(async () => {
    registry = await startRecorder();
    realm = await startRecorder(giveToken('harmless-token'));
  });
  after(async () => {
    await registry.stop();
    await realm.stop();
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  });

  const resolve = async (reference: string, options: ResolverOptions) => {
    const home = homeWith({
      [registry.host]: 'alice:secret-for-the-registry',
      'https://index.docker.io/v1/': 'hubuser:hub-password',
    });
    homes.push(home);
    const resolver = new OnlineResolver({
      env: { HOME: home, PATH: process.env.PATH },
      maxAttempts: 1,
      timeoutMs: 15000,
      ...options,
    });
    return resolver.resolveImage(image(reference));
  };
  const reset = () => {
    registry.requests.length = 0;
    realm.requests.length = 0;
    realm.connections = 0;
  };

  test('a realm on another port of the registry host gets no credentials', async () => {
    reset();
    registry.answer = askForBearer(`${realm.url}/token`);
    const result = await resolve(`${registry.host}/team/tool:1`, { registryUrls: { [registry.host]: registry.url } });
    assert.ok(isResolveError(result));
    assert.ok(realm.requests.length > 0, 'a loopback registry may use a loopback realm, anonymously');
    assert.deepEqual(credentialsSeen(realm), []);
  });

  test('a realm at the registry origin gets the registry credentials; a realm answer that is not a token goes nowhere', async () => {
    reset();
    const notToken = '{"AccessKeyId":"internal","SecretAccessKey":"from-metadata"}';
    registry.answer = (req, res) =>
      req.url?.startsWith('/token') ? giveToken(notToken)(req, res) : askForBearer(`${registry.url}/token`)(req, res);
    const result = await resolve(`${registry.host}/team/tool:1`, { registryUrls: { [registry.host]: registry.url } });
    assert.ok(isResolveError(result));
    assert.match(result.error, /not a token/);
    const tokenAsks = registry.requests.filter((r) => r.path.startsWith('/token'));
    assert.equal(tokenAsks.length, 1);
    assert.equal(
      Buffer.from((tokenAsks[0].authorization ?? '').replace(/^Basic /, ''), 'base64').toString(),
      'alice:secret-for-the-registry',
    );
    assert.ok(
      registry.requests.every((r) => !r.authorization?.startsWith('Bearer ')),
      'the realm answer was relayed back',
    );
  });

  test('an oversized token is refused, not relayed', async () => {
    reset();
    registry.answer = (req, res) =>
      req.url?.startsWith('/token')
        ? giveToken('a'.repeat(20_000))(req, res)
        : askForBearer(`${registry.url}/token`)(req, res);
    const result = await resolve(`${registry.host}/team/tool:1`, { registryUrls: { [registry.host]: registry.url } });
    assert.ok(isResolveError(result));
    assert.ok(
      registry.requests.every((r) => (r.authorization ?? '').length < 17_000),
      'a huge token was sent back',
    );
  });

  test('a registry that is not on this machine cannot send the checker to it: realm and redirect refused before connecting', async () => {
    // The registry is reached as `localhost`, which the table says is a public address.
    const lookup = table({ localhost: ['203.0.113.7'] });
    const viaLocalhost = { [registry.host]: registry.url.replace('127.0.0.1', 'localhost') };
    for (const target of [`${realm.url}/token`, `${realm.url.replace('http:', 'https:')}/token`]) {
      reset();
      registry.answer = askForBearer(target);
      const result = await resolve(`${registry.host}/team/tool:1`, { registryUrls: viaLocalhost, lookup });
      assert.ok(isResolveError(result));
      assert.equal(result.code, 'blocked', result.error);
      assert.equal(realm.connections, 0, `${target} was contacted`);
    }
    reset();
    registry.answer = (_req, res) => res.writeHead(302, { Location: `${realm.url}/latest/meta-data/` }).end();
    const redirected = await resolve(`${registry.host}/team/tool:1`, { registryUrls: viaLocalhost, lookup });
    assert.ok(isResolveError(redirected));
    assert.equal(redirected.code, 'blocked', redirected.error);
    assert.equal(realm.connections, 0);
  });

  test('redirects are bounded: a registry redirecting to itself forever gets six requests, not more', async () => {
    reset();
    registry.answer = (req, res) => res.writeHead(302, { Location: `${req.url}x` }).end();
    const result = await resolve(`${registry.host}/team/tool:1`, { registryUrls: { [registry.host]: registry.url } });
    assert.ok(isResolveError(result));
    assert.match(result.error, /too many redirects/);
    assert.equal(registry.requests.length, 6);
  });

  test('a --registry-url mirror never receives Docker Hub credentials, nor another registry name its own', async () => {
    reset();
    // The mirror asks for Basic credentials: a trap for credentials meant for the name it stands in for.
    realm.answer = askForBasic;
    try {
      const hub = await resolve('debian:trixie', { registryUrls: { 'docker.io': realm.url } });
      assert.ok(isResolveError(hub));
      assert.equal(hub.code, 'unauthorized');
      const mirrored = await resolve(`${registry.host}/team/tool:1`, { registryUrls: { [registry.host]: realm.url } });
      assert.ok(isResolveError(mirrored));
    } finally {
      realm.answer = giveToken('harmless-token');
    }
    assert.ok(realm.requests.length >= 2);
    assert.deepEqual(credentialsSeen(realm), []);
  });
});

test('credentials are bound to the exact origin they were filed for; Basic never over plain http off this machine', async () => {
  const store = (auths: Record<string, string>) =>
    new CredentialStore({
      dockerConfigPath: null,
      credentials: Object.fromEntries(Object.entries(auths).map(([k, v]) => [k, { username: v, password: 'p' }])),
    });
  const s = store({
    'registry.example.com': 'bare',
    'http://plain.example.com': 'plain',
    'http://127.0.0.1:5000': 'local',
    'https://index.docker.io/v1/': 'hub',
  });
  const user = async (origin: string) => (await s.forOrigin(origin))?.username;
  assert.equal(await user('https://registry.example.com'), 'bare');
  assert.equal(await user('http://registry.example.com'), undefined);
  assert.equal(await user('https://registry.example.com:8443'), undefined);
  assert.equal(await user('http://plain.example.com'), undefined);
  assert.equal(await user('https://plain.example.com'), undefined);
  assert.equal(await user('http://127.0.0.1:5000'), 'local');
  assert.equal(await user('http://127.0.0.1:5001'), undefined);
  assert.equal(await user('https://registry-1.docker.io'), 'hub');
  assert.equal(await user('https://mirror.gcr.io'), undefined);
});

test('URLs a server names are held to https and to addresses of its own kind, whatever DNS says', async () => {
  const lookup = table({
    'registry.example': ['93.184.216.34'],
    'auth.example': ['93.184.216.35'],
    'internal.example': ['10.1.2.3'],
    'rebind.example': ['93.184.216.36', '127.0.0.1'],
    'metadata.example': ['fd00:ec2::254'],
  });
  const verdict = async (home: string, target: string) => {
    const answer = await new OutboundPolicy(home, lookup).check(new URL(target));
    return 'refused' in answer ? answer.refused : answer.addresses.map((a) => a.address).join(',');
  };
  const publicHome = 'https://registry.example';
  assert.equal(await verdict(publicHome, 'https://auth.example/token'), '93.184.216.35');
  for (const target of [
    'http://auth.example/token',
    'https://169.254.169.254/latest/meta-data/',
    'https://10.0.0.1/',
    'https://[::ffff:a9fe:a9fe]/',
    'https://[::1]:8080/',
    'https://0.0.0.0/',
    'https://internal.example/',
    'https://rebind.example/',
    'https://metadata.example/',
    'https://nowhere.example/',
    'https://user:pw@auth.example/',
  ]) {
    assert.match(await verdict(publicHome, target), /not followed/, target);
  }
  // A loopback registry (as in tests) may use loopback realms, http included, and nothing private.
  assert.equal(await verdict('http://127.0.0.1:5000', 'http://127.0.0.1:6000/token'), '127.0.0.1');
  assert.match(await verdict('http://127.0.0.1:5000', 'https://10.0.0.1/'), /private address/);
  assert.match(await verdict('http://127.0.0.1:5000', 'http://auth.example/'), /plain http/);
  // A registry on the LAN may send the checker elsewhere on the LAN, never to link-local metadata.
  assert.equal(await verdict('https://10.0.0.5', 'https://10.0.0.6/token'), '10.0.0.6');
  assert.match(await verdict('https://10.0.0.5', 'https://169.254.169.254/'), /link-local/);
});

test('the git token is never sent in clear to a host other than this machine', async () => {
  // A transport that records what would be sent and sends nothing.
  class Recording extends Transport {
    seen: Array<Record<string, string>> = [];
    override async request(_url: string, request: HttpRequest): Promise<HttpResponse> {
      this.seen.push(request.headers ?? {});
      throw new OnlineError('network', 'not sent');
    }
  }
  const sent = async (baseUrl: string) => {
    const transport = new Recording();
    await new GitRefsClient({ baseUrl, token: 'ghp_secret', transport }).listRefs('o', 'r').catch(() => undefined);
    return transport.seen[0]?.Authorization !== undefined;
  };
  assert.equal(await sent('https://git.example.com'), true);
  assert.equal(await sent('http://127.0.0.1:8080'), true);
  assert.equal(await sent('http://git.example.com'), false);
});
