// Verified provenance end to end: images pushed to a real registry (Debian's docker-registry, which has
// no referrers API, so the tag-schema fallback is used), signed with a Sigstore instance made in the
// test, looked up by the resolver and verified by the real @sigstore/verify.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProvenanceVerdict, ResolvedImage } from '../../server/src/engine/api';
import { isResolveError, OnlineResolver, type ResolverOptions } from '../../server/src/online/resolver';
import {
  instanceFromTrustedRoot,
  publicGoodInstance,
  type SigstoreInstance,
} from '../../server/src/online/verify/trustRoot';
import { missingTools, startRegistry, type TestRegistry } from '../servers/registry';
import { RELEASE_IDENTITY, TestSigstore } from '../servers/sigstore';
import { parsedImage as ref } from '../unit/support/engine';

const skip = missingTools();

describe('online: verified provenance from a real registry', { skip }, () => {
  let registry: TestRegistry;
  let sigstore: TestSigstore;
  let instance: SigstoreInstance;
  const digests: Record<string, string> = {};
  const dirs: string[] = [];

  const resolver = (options: ResolverOptions = {}) =>
    new OnlineResolver({
      registryUrls: { [registry.host]: registry.url },
      dockerConfigPath: null,
      sigstoreInstances: [publicGoodInstance(), instance],
      ...options,
    });

  async function verdict(name: string, options: ResolverOptions = {}): Promise<ProvenanceVerdict> {
    const result = await resolver(options).resolveImage(ref(`${registry.host}/${name}`));
    if (isResolveError(result)) assert.fail(`${name}: ${result.code}: ${result.error}`);
    assert.ok(result.provenance, `${name}: no provenance verdict`);
    return result.provenance;
  }

  before(async () => {
    registry = await startRegistry();
    sigstore = new TestSigstore();
    instance = instanceFromTrustedRoot('Test Sigstore', sigstore.trustedRoot(), {
      tlogThreshold: 1,
      ctlogThreshold: 0,
      timestampThreshold: 1,
    });
    const push = registry.pusher;
    const image = async (name: string, spec = {}) =>
      (digests[name] = (await push.image(name, '1.0', { platforms: ['linux/amd64', 'linux/arm64'], ...spec })).digest);

    await image('acme/attested');
    await push.sigstoreReferrer(
      'acme/attested',
      digests['acme/attested'],
      sigstore.attestation([digests['acme/attested']]).json,
    );

    await image('acme/cosigned');
    await push.cosignTag('acme/cosigned', digests['acme/cosigned'], 'sig', [
      sigstore.cosignSignature(digests['acme/cosigned']),
    ]);
    await push.cosignTag('acme/cosigned', digests['acme/cosigned'], 'att', [
      sigstore.cosignAttestation(digests['acme/cosigned']),
    ]);

    await image('acme/borrowed');
    await image('acme/victim');
    // A genuine attestation, but about another image, attached to this one.
    await push.sigstoreReferrer(
      'acme/borrowed',
      digests['acme/borrowed'],
      sigstore.attestation([digests['acme/victim']]).json,
    );

    await image('acme/oversized');
    await push.sigstoreReferrer('acme/oversized', digests['acme/oversized'], Buffer.alloc(300 * 1024, 0x20));

    await image('acme/malformed');
    await push.sigstoreReferrer('acme/malformed', digests['acme/malformed'], {
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      dsseEnvelope: {},
    });

    await image('acme/selfref');
    await push.sigstoreReferrer(
      'acme/selfref',
      digests['acme/selfref'],
      sigstore.attestation([digests['acme/selfref']]).json,
      digests['acme/selfref'],
    );

    await image('acme/claimed', {
      attest: true,
      labels: {
        'org.opencontainers.image.source': 'https://github.com/acme/claimed',
        'org.opencontainers.image.revision': '0123456789abcdef',
      },
    });
    await image('acme/plain');
  });

  after(async () => {
    await registry?.stop();
    sigstore?.dispose();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('an attestation attached as a referrer (tag schema) verifies, naming the workflow, repository and commit', async () => {
    const v = await verdict('acme/attested:1.0');
    assert.equal(v.status, 'verified', JSON.stringify(v.rejected));
    assert.equal(v.verified.length, 1);
    const [proof] = v.verified;
    assert.equal(proof.via, 'referrer');
    assert.equal(proof.kind, 'attestation');
    assert.equal(proof.subject, RELEASE_IDENTITY.subject);
    assert.equal(proof.issuer, 'https://token.actions.githubusercontent.com');
    assert.equal(proof.sourceRepository, 'https://github.com/acme/tools');
    assert.equal(proof.sourceCommit, RELEASE_IDENTITY.commit);
    assert.equal(proof.trustedBy, 'Test Sigstore (127.0.0.1:9)');
    assert.ok(
      v.examined.some((e) => /^referrers tag sha256-/.test(e)),
      v.examined.join('; '),
    );
  });

  test("cosign's classic .sig and .att tags verify through the same path", async () => {
    const v = await verdict('acme/cosigned:1.0');
    assert.equal(v.status, 'verified', JSON.stringify(v.rejected));
    assert.deepEqual(v.verified.map((p) => `${p.via} ${p.kind}`).sort(), [
      'cosign .att attestation',
      'cosign .sig signature',
    ]);
    assert.deepEqual(v.rejected, []);
  });

  test("an attestation about another image's digest does not verify this one", async () => {
    const v = await verdict('acme/borrowed:1.0');
    assert.equal(v.status, 'none');
    assert.equal(v.rejected.length, 1);
    assert.match(v.rejected[0].reason, /is about sha256:[0-9a-f]{12}…, not this image/);
  });

  test('an oversized bundle is refused before it is read whole, and a malformed one is named', async () => {
    const big = await verdict('acme/oversized:1.0');
    assert.equal(big.status, 'none');
    assert.match(big.rejected[0]?.reason ?? '', /over the 262144-byte limit/);
    const small = await verdict('acme/oversized:1.0', { evidenceLimits: { maxBundleBytes: 1024 } });
    assert.match(small.rejected[0]?.reason ?? '', /over the 1024-byte limit/);
    const malformed = await verdict('acme/malformed:1.0');
    assert.equal(malformed.status, 'none');
    assert.match(malformed.rejected[0]?.reason ?? '', /malformed Sigstore bundle/);
  });

  test('a referrers list that names the image itself is ignored, not followed', async () => {
    const v = await verdict('acme/selfref:1.0');
    assert.equal(v.status, 'none');
    assert.match(v.rejected.map((r) => r.reason).join('; '), /names the image itself/);
  });

  test('BuildKit provenance and OCI labels are claimed, never verified', async () => {
    const v = await verdict('acme/claimed:1.0');
    assert.equal(v.status, 'claimed');
    assert.deepEqual(v.verified, []);
    const buildkit = v.claimed.find((c) => c.via === 'buildkit-provenance');
    assert.equal(buildkit?.predicateType, 'https://slsa.dev/provenance/v0.2');
    assert.deepEqual(
      v.claimed.find((c) => c.via === 'labels'),
      { via: 'labels', source: 'https://github.com/acme/claimed', revision: '0123456789abcdef' },
    );
    assert.ok(
      v.examined.some((e) => /^BuildKit attestation manifests \(2\)$/.test(e)),
      v.examined.join('; '),
    );
  });

  test('nothing found says so, with what was looked at', async () => {
    const v = await verdict('acme/plain:1.0');
    assert.equal(v.status, 'none');
    assert.deepEqual(v.rejected, []);
    assert.equal(v.examined.length, 4, v.examined.join('; '));
    assert.match(
      v.examined.join('; '),
      /^referrers tag sha256-[0-9a-f]{12}…; cosign tag sha256-[0-9a-f]{12}….att; cosign tag sha256-[0-9a-f]{12}….sig; image labels$/,
    );
  });

  test('without the test root the same attestation does not verify (public-good root only)', async () => {
    const v = await verdict('acme/attested:1.0', { sigstoreInstances: [publicGoodInstance()] });
    assert.equal(v.status, 'none');
    assert.match(v.rejected[0]?.reason ?? '', /does not chain to the Sigstore public-good trust root/);
  });

  test('verdicts are cached by digest: a warm look-up sends no request', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'wp-prov-cache-'));
    dirs.push(cacheDir);
    const cold = resolver({ cacheDir });
    const first = (await cold.resolveImage(ref(`${registry.host}/acme/attested:1.0`))) as ResolvedImage;
    assert.equal(first.provenance?.status, 'verified');
    assert.ok(cold.stats().requests > 3);
    const warm = resolver({ cacheDir });
    const second = (await warm.resolveImage(ref(`${registry.host}/acme/attested:1.0`))) as ResolvedImage;
    assert.equal(second.provenance?.status, 'verified');
    assert.equal(second.provenance?.verified[0].subject, RELEASE_IDENTITY.subject);
    assert.equal(warm.stats().requests, 0);
  });
});
