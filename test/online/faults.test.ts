// Faults produced by a loopback proxy in front of the real registry: the resolver gives a clear error
// or recovers, never crashes, and never forwards credentials to another host.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isResolveError, OnlineResolver, ResolverOptions } from '../../server/src/online/resolver';
import { FaultProxy, startFaultProxy } from '../servers/faultProxy';
import { missingTools, startRegistry, TestRegistry } from '../servers/registry';
import { SeededImages, seedImages } from '../servers/seedImages';
import { parsedImage as parsed } from '../unit/support/engine';

const skip = missingTools();
if (skip) console.log(`# skipping online fault tests: ${skip}`);

const MANIFEST_GET = /^GET \/v2\/library\/debian\/manifests\/trixie$/;

describe('online: registry faults through a proxy', { skip }, () => {
  let registry: TestRegistry;
  let images: SeededImages;
  let proxy: FaultProxy;

  before(async () => {
    registry = await startRegistry();
    images = await seedImages(registry);
    proxy = await startFaultProxy(registry.url);
  });
  after(async () => {
    await proxy?.stop();
    await registry?.stop();
  });
  beforeEach(() => {
    proxy.rules = [];
  });

  const resolver = (options: ResolverOptions = {}) =>
    new OnlineResolver({
      registryUrls: { [proxy.host]: proxy.url },
      dockerConfigPath: null,
      retryBaseMs: 20,
      ...options,
    });
  const debian = () => parsed(`${proxy.host}/library/debian:trixie`);
  const hits = (pattern: RegExp, since: number) =>
    proxy.requests.slice(since).filter((q) => pattern.test(`${q.method} ${q.path}`));

  test('a server that never answers times out with a clear error', async () => {
    proxy.rules = [{ match: MANIFEST_GET, fault: { kind: 'silence' } }];
    const since = proxy.requests.length;
    const r = resolver({ timeoutMs: 300 });
    const result = await r.resolveImage(debian());
    assert.ok(isResolveError(result));
    assert.equal(result.code, 'timeout');
    assert.match(result.error, /did not answer within 300 ms/);
    // A server that does not answer is asked once: a timeout is not retried.
    assert.equal(hits(MANIFEST_GET, since).length, 1);
    assert.equal(r.stats().retries, 0);
  });

  test('429 with Retry-After is waited for, then the look-up succeeds', async () => {
    proxy.rules = [{ match: MANIFEST_GET, fault: { kind: 'status', status: 429, retryAfter: '1' }, times: 1 }];
    const since = proxy.requests.length;
    const r = resolver();
    const result = await r.resolveImage(debian());
    assert.ok(!isResolveError(result), JSON.stringify(result));
    assert.equal(result.digest, images.debian.digest);
    const gets = hits(MANIFEST_GET, since);
    assert.equal(gets.length, 3, '429, then 401 for the token, then the manifest');
    assert.ok(gets[1].at - gets[0].at >= 950, `waited ${gets[1].at - gets[0].at} ms`);
    assert.equal(r.stats().retries, 1);
  });

  test('a Retry-After beyond the limit fails at once as rate-limited', async () => {
    proxy.rules = [{ match: MANIFEST_GET, fault: { kind: 'status', status: 429, retryAfter: '3600' } }];
    const since = proxy.requests.length;
    const r = resolver();
    const result = await r.resolveImage(debian());
    assert.ok(isResolveError(result));
    assert.equal(result.code, 'rate-limited');
    assert.match(result.error, /3600 s/);
    // At once: no wait and no second request.
    assert.equal(hits(MANIFEST_GET, since).length, 1);
    assert.equal(r.stats().retries, 0);
  });

  test('500 is retried with backoff; a server that keeps failing gives up after the bounded attempts', async () => {
    proxy.rules = [{ match: MANIFEST_GET, fault: { kind: 'status', status: 500 }, times: 2 }];
    const recovered = await resolver().resolveImage(debian());
    assert.ok(!isResolveError(recovered));
    assert.equal(recovered.digest, images.debian.digest);

    proxy.rules = [{ match: MANIFEST_GET, fault: { kind: 'status', status: 500 } }];
    const since = proxy.requests.length;
    const failed = await resolver({ maxAttempts: 3 }).resolveImage(debian());
    assert.ok(isResolveError(failed));
    assert.equal(failed.code, 'server-error');
    assert.equal(hits(MANIFEST_GET, since).length, 3);
  });

  test('a truncated body is a network error after retries, not a crash', async () => {
    proxy.rules = [{ match: MANIFEST_GET, fault: { kind: 'truncate' } }];
    const result = await resolver().resolveImage(debian());
    assert.ok(isResolveError(result));
    assert.equal(result.code, 'network');
    assert.match(result.error, new RegExp(proxy.host.replace(/\./g, '\\.')));
  });

  test('an oversized body is cut off at the cap, declared or not', async () => {
    for (const declareLength of [false, true]) {
      proxy.rules = [{ match: MANIFEST_GET, fault: { kind: 'oversize', bytes: 6 * 1024 * 1024, declareLength } }];
      const result = await resolver().resolveImage(debian());
      assert.ok(isResolveError(result));
      assert.equal(result.code, 'too-large');
      assert.match(result.error, /more than 4194304 bytes/);
    }
  });

  test('bad JSON and a wrong content type are clear errors', async () => {
    proxy.rules = [
      {
        match: MANIFEST_GET,
        fault: { kind: 'garbage', contentType: 'application/vnd.oci.image.index.v1+json', body: '{"manifests": [' },
      },
    ];
    const truncatedJson = await resolver().resolveImage(debian());
    assert.ok(isResolveError(truncatedJson));
    assert.equal(truncatedJson.code, 'bad-response');
    assert.match(truncatedJson.error, /not valid JSON/);

    proxy.rules = [
      {
        match: MANIFEST_GET,
        fault: { kind: 'garbage', contentType: 'text/html', body: '<html>captive portal</html>' },
      },
    ];
    const html = await resolver().resolveImage(debian());
    assert.ok(isResolveError(html));
    assert.equal(html.code, 'bad-response');
    assert.match(html.error, /unexpected content type text\/html/);
  });

  test('credentials are never forwarded across a redirect to another host', async () => {
    proxy.rules = [{ match: /^GET \/v2\/library\/debian\/blobs\//, fault: { kind: 'redirect' } }];
    const since = proxy.requests.length;
    const storageSince = proxy.storage.requests.length;
    const result = await resolver().resolveImage(debian());
    assert.ok(!isResolveError(result), JSON.stringify(result));
    // The config blob was read through the redirect: its facts arrived.
    assert.equal(result.created, '2026-03-01T00:00:00Z');
    const blobAtRegistry = hits(/^GET \/v2\/library\/debian\/blobs\//, since);
    const blobAtStorage = proxy.storage.requests.slice(storageSince);
    // The config blob, and the BuildKit provenance statement read as evidence.
    assert.ok(blobAtStorage.length >= 1);
    assert.match(blobAtRegistry.at(-1)?.authorization ?? '', /^Bearer /);
    for (const request of blobAtStorage) assert.equal(request.authorization, undefined);
  });
});
