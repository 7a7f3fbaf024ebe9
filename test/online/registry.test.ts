// The resolver against a real registry (Debian's docker-registry) with Docker-Hub-style token auth.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedImage } from '../../server/src/engine/api';
import { pinnedImageText } from '../../server/src/engine/pinFixes';
import { isResolveError, OnlineResolver, ResolveError, ResolverOptions } from '../../server/src/online/resolver';
import { freePort, missingTools, startRegistry, TestRegistry } from '../servers/registry';
import { SeededImages, seedImages } from '../servers/seedImages';
import { FaultProxy, startFaultProxy } from '../servers/faultProxy';
import { RegistryClient } from '../../server/src/online/registryClient';
import { parsedImage as parsed } from '../unit/support/engine';

const skip = missingTools();
if (skip) console.log(`# skipping online registry tests: ${skip}`);

function resolved(result: ResolvedImage | ResolveError): ResolvedImage {
  if (isResolveError(result)) assert.fail(`expected facts, got ${result.code}: ${result.error}`);
  return result;
}

describe('online: images from a real registry', { skip }, () => {
  let registry: TestRegistry;
  let images: SeededImages;
  let proxy: FaultProxy;
  let scratch: string;
  const dirs: string[] = [];

  before(async () => {
    registry = await startRegistry();
    images = await seedImages(registry);
    proxy = await startFaultProxy(registry.url);
    scratch = mkdtempSync(join(tmpdir(), 'wp-online-'));
  });
  after(async () => {
    await proxy?.stop();
    await registry?.stop();
    rmSync(scratch, { recursive: true, force: true });
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const resolver = (options: ResolverOptions = {}) =>
    new OnlineResolver({
      registryUrls: { [registry.host]: registry.url, [proxy.host]: proxy.url },
      dockerConfigPath: null,
      ...options,
    });
  const ref = (path: string, host = registry.host) => parsed(`${host}/${path}`);

  test('a tag resolves to the digest of its multi-platform index', async () => {
    const facts = resolved(await resolver().resolveImage(ref('library/debian:trixie')));
    assert.equal(facts.digest, images.debian.digest);
    assert.equal(facts.fromCache, undefined);
    assert.ok(Date.now() - Date.parse(facts.fetchedAt) < 60_000);
  });

  test('platforms come from the index; attestation entries are not platforms', async () => {
    const r = resolver();
    const debian = resolved(await r.resolveImage(ref('library/debian:trixie')));
    const alpine = resolved(await r.resolveImage(ref('library/alpine:3.20')));
    assert.deepEqual(debian.platforms, ['linux/amd64', 'linux/arm64/v8', 'linux/loong64']);
    assert.deepEqual(alpine.platforms, ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7']);
    assert.ok(!alpine.platforms.includes('linux/loong64'));
  });

  test('a single-platform manifest takes its platform from the config blob', async () => {
    const busybox = resolved(await resolver().resolveImage(ref('library/busybox:1')));
    assert.equal(busybox.digest, images.busybox.digest);
    assert.deepEqual(busybox.platforms, ['linux/riscv64']);
  });

  test('config labels give the source repository and creation time', async () => {
    const debian = resolved(await resolver().resolveImage(ref('library/debian:trixie')));
    assert.equal(debian.sourceRepository, 'https://github.com/debuerreotype/docker-debian-artifacts');
    assert.equal(debian.created, '2026-03-01T00:00:00Z');
    const alpine = resolved(await resolver().resolveImage(ref('library/alpine:3.20')));
    assert.equal(alpine.sourceRepository, undefined);
  });

  test('evidence: BuildKit attestations, a referrer through the tag schema, a cosign signature tag; and none where none is', async () => {
    const r = resolver();
    const debian = resolved(await r.resolveImage(ref('library/debian:trixie')));
    assert.deepEqual(
      [...(debian.attestations ?? [])].sort(),
      [
        ...images.debian.attestations.map((d) => `buildkit:${d}`),
        `referrer:application/spdx+json@${images.debian.sbom}`,
      ].sort(),
    );
    assert.deepEqual(debian.signatures, []);
    const alpine = resolved(await r.resolveImage(ref('library/alpine:3.20')));
    assert.deepEqual(alpine.signatures, [`cosign:${images.alpine.digest.replace(':', '-')}.sig`]);
    assert.deepEqual(alpine.attestations, []);
  });

  test('an unknown tag is a not-found error, not a crash', async () => {
    const result = await resolver().resolveImage(ref('library/debian:no-such-tag'));
    assert.ok(isResolveError(result));
    assert.equal(result.code, 'not-found');
    assert.match(result.error, /no-such-tag/);
  });

  test('token scopes: one token per repository; a private repository refuses anonymous pulls', async () => {
    const before = registry.tokenRequests.length;
    const r = resolver();
    resolved(await r.resolveImage(ref('library/debian:trixie')));
    resolved(await r.resolveImage(ref('library/alpine:3.20')));
    const asked = registry.tokenRequests.slice(before).map((t) => t.scopes.join(' '));
    assert.deepEqual(asked, ['repository:library/debian:pull', 'repository:library/alpine:pull']);
    const denied = await r.resolveImage(ref('private/tool:1.0'));
    assert.ok(isResolveError(denied));
    assert.equal(denied.code, 'unauthorized');
    assert.match(denied.error, /private\/tool/);
    // What the client relies on: the registry refuses a token issued for another repository.
    const alpineToken = registry.issueToken(['repository:library/alpine:pull']);
    const other = await fetch(`${registry.url}/v2/library/debian/manifests/trixie`, {
      method: 'HEAD',
      headers: { Authorization: `Bearer ${alpineToken}`, Accept: 'application/vnd.oci.image.index.v1+json' },
    });
    assert.equal(other.status, 401);
    assert.match(other.headers.get('www-authenticate') ?? '', /insufficient_scope/);
  });

  test('resolveAll asks one token for every repository of a registry; a scope it did not grant still fails clearly', async () => {
    const before = registry.tokenRequests.length;
    const r = resolver();
    const facts = await r.resolveAll(
      [ref('library/debian:trixie'), ref('library/alpine:3.20'), ref('library/busybox:1'), ref('private/tool:1.0')],
      [],
    );
    assert.equal(facts.images.get(ref('library/alpine:3.20').canonical)?.digest, images.alpine.digest);
    assert.equal(facts.images.get(ref('library/busybox:1').canonical)?.digest, images.busybox.digest);
    assert.equal(facts.images.size, 3);
    assert.equal(facts.errors.get(ref('private/tool:1.0').canonical)?.code, 'unauthorized');
    const asked = registry.tokenRequests.slice(before);
    assert.equal(asked[0].scopes.length, 4);
    // The batch token, then one retry for the scope it left out.
    assert.deepEqual(
      asked.slice(1).map((t) => t.scopes),
      [['repository:private/tool:pull']],
    );
  });

  test('Basic credentials from a docker config file open a private repository', async () => {
    const config = join(scratch, 'docker-config.json');
    writeFileSync(
      config,
      JSON.stringify({
        auths: { [`http://${registry.host}`]: { auth: Buffer.from('alice:alice-secret').toString('base64') } },
      }),
    );
    const before = registry.tokenRequests.length;
    const facts = resolved(await resolver({ dockerConfigPath: config }).resolveImage(ref('private/tool:1.0')));
    assert.equal(facts.digest, images.privateTool.digest);
    assert.ok(registry.tokenRequests.slice(before).some((t) => t.account === 'alice'));
  });

  test('a warm cache answers with zero requests, marked as cached', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-cache-'));
    dirs.push(dir);
    const cold = resolver({ cacheDir: dir });
    const first = resolved(await cold.resolveImage(ref('library/debian:trixie')));
    assert.ok(cold.stats().requests > 0);
    const warm = resolver({ cacheDir: dir });
    const again = resolved(await warm.resolveImage(ref('library/debian:trixie')));
    assert.equal(warm.stats().requests, 0);
    assert.equal(again.fromCache, true);
    assert.equal(again.digest, first.digest);
    assert.deepEqual(again.platforms, first.platforms);
    assert.equal(again.fetchedAt, first.fetchedAt);
  });

  test('a corrupt cache file is treated as empty and replaced by a valid one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-cache-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'facts-v1.json'), '{"version":1,"entries":{"image-tag x": {"storedAt": 1, "val');
    const r = resolver({ cacheDir: dir });
    const facts = resolved(await r.resolveImage(ref('library/alpine:3.20')));
    assert.equal(facts.digest, images.alpine.digest);
    assert.ok(r.stats().requests > 0);
    const saved = JSON.parse(readFileSync(join(dir, 'facts-v1.json'), 'utf8')) as { entries: Record<string, unknown> };
    assert.ok(Object.keys(saved.entries).some((k) => k.includes('library/alpine:3.20')));
  });

  test('with the network gone, stale cached facts are used and marked cached', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-cache-'));
    dirs.push(dir);
    let clock = Date.now();
    const now = () => clock;
    const deadPort = await freePort();
    const online = resolver({ cacheDir: dir, now });
    const fresh = resolved(await online.resolveImage(ref('library/debian:trixie')));
    clock += 7 * 60 * 60 * 1000; // past the 6 h time-to-live of tag facts
    const offline = new OnlineResolver({
      registryUrls: { [registry.host]: `http://127.0.0.1:${deadPort}` },
      dockerConfigPath: null,
      cacheDir: dir,
      now,
      retryBaseMs: 10,
    });
    const stale = resolved(await offline.resolveImage(ref('library/debian:trixie')));
    assert.equal(stale.fromCache, true);
    assert.equal(stale.digest, fresh.digest);
    assert.deepEqual(stale.platforms, fresh.platforms);
    assert.equal(offline.stats().staleFallbacks, 1);
    assert.equal(offline.stats().retries, 0, 'a refused connection is not retried with backoff');
    const nothing = await offline.resolveImage(ref('library/alpine:3.20'));
    assert.ok(isResolveError(nothing));
    assert.equal(nothing.code, 'network');
    assert.match(nothing.error, /ECONNREFUSED/);
  });

  test('a moved tag: the tag resolves to its new digest while a pinned digest keeps its own platforms', async () => {
    const old = await registry.pusher.image('library/moving', '1', { platforms: ['linux/amd64', 'linux/loong64'] });
    const moved = await registry.pusher.image('library/moving', '1', { platforms: ['linux/amd64'] });
    assert.notEqual(old.digest, moved.digest);
    const facts = resolved(await resolver().resolveImage(ref(`library/moving:1@${old.digest}`)));
    assert.equal(facts.digest, moved.digest);
    assert.deepEqual(facts.platforms, ['linux/amd64', 'linux/loong64']);
  });

  test('concurrent identical look-ups share one set of requests', async () => {
    proxy.rules = [];
    const before = proxy.requests.length;
    const r = resolver();
    const target = ref('library/debian:trixie', proxy.host);
    const all = await Promise.all([
      ...Array.from({ length: 5 }, () => r.resolveImage(target)),
      r.resolveAll([target, target, ref('library/debian:trixie', proxy.host)], []),
    ]);
    for (const one of all.slice(0, 5))
      assert.equal(resolved(one as ResolvedImage | ResolveError).digest, images.debian.digest);
    const seen = proxy.requests.slice(before);
    const tagGets = seen.filter((q) => q.method === 'GET' && q.path.endsWith('/manifests/trixie'));
    // One anonymous attempt (401) and one with the token.
    assert.equal(tagGets.length, 2);
    assert.equal(
      registry.tokenRequests.filter((t) => t.scopes.includes('repository:library/debian:pull')).length > 0,
      true,
    );
    assert.ok(r.stats().deduplicated >= 5);
    assert.equal(r.stats().requests, seen.length + r.stats().tokenRequests);
  });

  test('no more than the configured number of requests are in flight at once', async () => {
    proxy.rules = [];
    proxy.latencyMs = 30;
    proxy.maxInFlight = 0;
    try {
      const names = ['library/debian:trixie', 'library/alpine:3.20', 'library/busybox:1'];
      const facts = await resolver({ maxConcurrency: 2 }).resolveAll(
        names.map((n) => ref(n, proxy.host)),
        [],
      );
      assert.equal(facts.images.size, 3);
      assert.equal(proxy.maxInFlight, 2);
      proxy.maxInFlight = 0;
      await resolver({ maxConcurrency: 6 }).resolveAll(
        names.map((n) => ref(n, proxy.host)),
        [],
      );
      assert.ok(proxy.maxInFlight > 2 && proxy.maxInFlight <= 6, `saw ${proxy.maxInFlight} at once`);
    } finally {
      proxy.latencyMs = 0;
    }
  });

  test('a token is reused for its scope until it expires', async () => {
    const client = new RegistryClient({ registryUrls: { [registry.host]: registry.url }, dockerConfigPath: null });
    const before = registry.tokenRequests.length;
    assert.equal(await client.headManifest(registry.host, 'library/debian', 'trixie'), images.debian.digest);
    assert.equal(await client.headManifest(registry.host, 'library/debian', 'trixie'), images.debian.digest);
    assert.equal(
      (await client.getManifest(registry.host, 'library/debian', images.debian.digest)).manifests?.length,
      6,
    );
    assert.equal(registry.tokenRequests.length - before, 1);
    assert.equal(client.tokenRequests, 1);
    // A token announced to live 6 s is dropped 5 s early, so after a second a new one is fetched.
    registry.setTokenLifetime(6);
    try {
      const short = new RegistryClient({ registryUrls: { [registry.host]: registry.url }, dockerConfigPath: null });
      await short.headManifest(registry.host, 'library/alpine', '3.20');
      await short.headManifest(registry.host, 'library/alpine', '3.20');
      assert.equal(short.tokenRequests, 1);
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal(await short.headManifest(registry.host, 'library/alpine', '3.20'), images.alpine.digest);
      assert.equal(short.tokenRequests, 2);
    } finally {
      registry.setTokenLifetime(300);
    }
  });

  test('pinnedImageText pins the tag to the digest, replacing an old digest, and re-parses', async () => {
    const digest = images.debian.digest;
    for (const [text, expected] of [
      ['debian:trixie', `debian:trixie@${digest}`],
      [`debian:trixie@${images.alpine.digest}`, `debian:trixie@${digest}`],
      ['ghcr.io/loong64/debian:trixie', `ghcr.io/loong64/debian:trixie@${digest}`],
      ['debian', `debian:latest@${digest}`],
    ]) {
      const pinned = pinnedImageText(text, parsed(text), digest);
      assert.equal(pinned, expected);
      const again = parsed(pinned);
      assert.equal(again.digest, digest);
      assert.equal(again.repository, parsed(text).repository);
    }
  });
});
