// Provenance benchmark: requests per image, cold and warm, for each kind of evidence an image can carry
// (a Sigstore bundle as a referrer, cosign .sig + .att tags, BuildKit attestations, nothing), on a
// local registry with a test Sigstore instance; and the time to verify one bundle with @sigstore/verify,
// against the test root and against the public-good root (the real bundle in test/fixtures).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle } from './benchBundle.mjs';

const root = new URL('..', import.meta.url).pathname;
const { lib, dispose } = await loadBundle(root, 'bench-provenance', [
  "export { OnlineResolver } from './server/src/online/resolver';",
  "export { parseImageReference } from './server/src/engine/imageReference';",
  "export { verifyImageBundle } from './server/src/online/verify/imageBundle';",
  "export { instanceFromTrustedRoot, publicGoodInstance } from './server/src/online/verify/trustRoot';",
  "export { startRegistry, missingTools } from './test/servers/registry';",
  "export { TestSigstore } from './test/servers/sigstore';",
]);
const missing = lib.missingTools();
if (missing) {
  console.log(`provenance.skipped ${missing}`);
  dispose();
  process.exit(0);
}

const registry = await lib.startRegistry();
const sigstore = new lib.TestSigstore();
const cacheDir = mkdtempSync(join(tmpdir(), 'wp-bench-provenance-'));
try {
  const instance = lib.instanceFromTrustedRoot('Test Sigstore', sigstore.trustedRoot());
  const instances = [lib.publicGoodInstance(), instance];
  const push = registry.pusher;
  const kinds = {
    referrer: async (name, digest) => push.sigstoreReferrer(name, digest, sigstore.attestation([digest]).json),
    cosign: async (name, digest) => {
      await push.cosignTag(name, digest, 'sig', [sigstore.cosignSignature(digest)]);
      await push.cosignTag(name, digest, 'att', [sigstore.cosignAttestation(digest)]);
    },
    buildkit: async () => undefined,
    none: async () => undefined,
  };
  const options = {
    registryUrls: { [registry.host]: registry.url },
    dockerConfigPath: null,
    sigstoreInstances: instances,
  };
  for (const [kind, attach] of Object.entries(kinds)) {
    const name = `bench/${kind}`;
    const pushed = await push.image(name, '1', {
      platforms: ['linux/amd64', 'linux/arm64'],
      attest: kind === 'buildkit',
      ...(kind === 'none' ? {} : { labels: { 'org.opencontainers.image.source': 'https://example.invalid/src' } }),
    });
    await attach(name, pushed.digest);
    const image = lib.parseImageReference(`${registry.host}/${name}:1`).image;
    const cold = new lib.OnlineResolver({ ...options, cacheDir });
    const started = performance.now();
    const facts = await cold.resolveImage(image);
    const coldMs = performance.now() - started;
    const warm = new lib.OnlineResolver({ ...options, cacheDir });
    await warm.resolveImage(image);
    console.log(`provenance.${kind}.status ${facts.provenance?.status ?? facts.error}`);
    console.log(`provenance.${kind}.cold.requests ${cold.stats().requests}`);
    console.log(`provenance.${kind}.cold.wall_ms ${coldMs.toFixed(0)}`);
    console.log(`provenance.${kind}.warm.requests ${warm.stats().requests}`);
  }

  const digest = `sha256:${'ab'.repeat(32)}`;
  const signed = sigstore.attestation([digest]).json;
  const publicBundle = JSON.parse(
    readFileSync(join(root, 'test/fixtures/sigstore-public/bundle.sigstore.json'), 'utf8'),
  );
  const rounds = 50;
  const timePer = (work) => {
    work();
    const started = performance.now();
    for (let i = 0; i < rounds; i++) work();
    return (performance.now() - started) / rounds;
  };
  const testRootMs = timePer(() => lib.verifyImageBundle({ json: signed }, digest, [instance]));
  // Public-good first, as in production: a bundle of another instance is tried against it and fails first.
  const bothRootsMs = timePer(() => lib.verifyImageBundle({ json: signed }, digest, instances));
  const publicMs = timePer(() => lib.verifyImageBundle({ json: publicBundle }, digest, [lib.publicGoodInstance()]));
  console.log(`provenance.verify.test_root_ms_per_bundle ${testRootMs.toFixed(2)}`);
  console.log(`provenance.verify.public_good_then_test_root_ms_per_bundle ${bothRootsMs.toFixed(2)}`);
  console.log(`provenance.verify.public_good_real_bundle_ms ${publicMs.toFixed(2)}`);
  console.log(`RATIO provenance_verify_ms_per_bundle=${bothRootsMs.toFixed(2)}`);
} finally {
  await registry.stop();
  sigstore.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
  dispose();
}
