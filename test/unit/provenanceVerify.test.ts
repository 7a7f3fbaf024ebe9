// Sigstore verification of image evidence: the real @sigstore/verify against a trust root made here,
// and a real public-good bundle against the root shipped with @sigstore/tuf, offline.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import publicBundle from '../fixtures/sigstore-public/bundle.sigstore.json';
import { verifyImageBundle, type EvidenceCheck } from '../../server/src/online/verify/imageBundle';
import { cosignLayerToBundle } from '../../server/src/online/verify/cosign';
import {
  instanceFromTrustedRoot,
  publicGoodInstance,
  type SigstoreInstance,
} from '../../server/src/online/verify/trustRoot';
import { RELEASE_IDENTITY, TestSigstore } from '../servers/sigstore';
import { missingTools } from '../servers/registry';

const skip = missingTools();
const IMAGE = `sha256:${'a1'.repeat(32)}`;
const OTHER = `sha256:${'b2'.repeat(32)}`;

function rejected(check: EvidenceCheck, pattern: RegExp): void {
  assert.equal(check.ok, false, 'expected the evidence to be rejected');
  if (!check.ok) assert.match(check.reason, pattern);
}

describe('provenance: Sigstore bundles verified against a test root', { skip }, () => {
  let sigstore: TestSigstore;
  let instance: SigstoreInstance;

  before(() => {
    sigstore = new TestSigstore();
    // The test instance has no certificate-transparency log, as a private Fulcio may not.
    instance = instanceFromTrustedRoot('Test Sigstore', sigstore.trustedRoot(), {
      tlogThreshold: 1,
      ctlogThreshold: 0,
      timestampThreshold: 1,
    });
  });
  after(() => sigstore?.dispose());

  test('an in-toto attestation about this digest verifies, with the identity from the certificate', () => {
    const check = verifyImageBundle({ json: sigstore.attestation([IMAGE]).json }, IMAGE, [instance]);
    assert.equal(check.ok, true, check.ok ? '' : check.reason);
    if (!check.ok) return;
    assert.equal(check.kind, 'attestation');
    assert.equal(check.predicateType, 'https://slsa.dev/provenance/v1');
    assert.equal(check.identity.issuer, 'https://token.actions.githubusercontent.com');
    assert.equal(check.identity.subject, RELEASE_IDENTITY.subject);
    assert.equal(check.identity.sourceRepository, RELEASE_IDENTITY.repository);
    assert.equal(check.identity.sourceCommit, RELEASE_IDENTITY.commit);
    assert.equal(check.identity.trigger, 'push');
    assert.equal(check.identity.runnerEnvironment, 'github-hosted');
    assert.match(check.trustedBy, /Test Sigstore \(127\.0\.0\.1:9\)/);
    assert.ok(check.signedAt && Math.abs(Date.parse(check.signedAt) - Date.now()) < 60_000);
  });

  test('a cosign simple-signing signature converts to a bundle and verifies', () => {
    const sig = sigstore.cosignSignature(IMAGE);
    const input = cosignLayerToBundle('sig', sig.annotations, sig.payload);
    assert.ok(!('reason' in input));
    const check = verifyImageBundle(input, IMAGE, [instance]);
    assert.equal(check.ok, true, check.ok ? '' : check.reason);
    if (check.ok) assert.equal(check.kind, 'signature');
  });

  test("a statement about another image's digest is rejected, though its signature is good", () => {
    rejected(
      verifyImageBundle({ json: sigstore.attestation([OTHER]).json }, IMAGE, [instance]),
      /about sha256:b2b2b2b2b2b2…, not this image \(sha256:a1a1a1a1a1a1…\)/,
    );
    const sig = sigstore.cosignSignature(OTHER);
    const input = cosignLayerToBundle('sig', sig.annotations, sig.payload);
    assert.ok(!('reason' in input));
    rejected(verifyImageBundle(input, IMAGE, [instance]), /not this image/);
  });

  test('a tampered signature is rejected', () => {
    const bundle = sigstore.attestation([IMAGE]);
    const sig = Buffer.from(bundle.json.dsseEnvelope.signatures[0].sig, 'base64');
    sig[sig.length - 3] ^= 0x01;
    bundle.json.dsseEnvelope.signatures[0].sig = sig.toString('base64');
    // The log entry still names the original signature, so the log check is what catches it first.
    rejected(
      verifyImageBundle({ json: bundle.json }, IMAGE, [instance]),
      /transparency-log entry is for another signature|signature does not match/,
    );
  });

  test('a tampered statement is rejected', () => {
    const bundle = sigstore.attestation([IMAGE]);
    const statement = JSON.parse(Buffer.from(bundle.json.dsseEnvelope.payload, 'base64').toString());
    statement.predicateType = 'https://example.test/forged';
    bundle.json.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    rejected(
      verifyImageBundle({ json: bundle.json }, IMAGE, [instance]),
      /transparency-log entry is for another signature or content|signature does not match/,
    );
  });

  test('a certificate from another CA is rejected', () => {
    const bundle = sigstore.attestation([IMAGE], { leaf: sigstore.leaf(RELEASE_IDENTITY, 'Another CA') });
    rejected(
      verifyImageBundle({ json: bundle.json }, IMAGE, [instance]),
      /does not chain to the Test Sigstore trust root/,
    );
  });

  test("a certificate from GitHub's own instance, whose root is not at hand, cannot be verified offline (not 'unverified')", () => {
    const bundle = sigstore.attestation([IMAGE], { leaf: sigstore.leaf(RELEASE_IDENTITY, 'GitHub, Inc. Fulcio') });
    const check = verifyImageBundle({ json: bundle.json }, IMAGE, [instance]);
    rejected(check, /GitHub's own Sigstore instance .*cannot verify offline/);
    assert.equal(!check.ok && check.unverifiable, true);
  });

  test('a certificate not valid when the signature was logged is rejected (expired, and not yet valid)', () => {
    const later = Math.floor(Date.now() / 1000) + 3 * 24 * 3600;
    const earlier = Math.floor(Date.now() / 1000) - 3 * 3600;
    for (const integratedTime of [later, earlier]) {
      rejected(
        verifyImageBundle({ json: sigstore.attestation([IMAGE], { integratedTime }).json }, IMAGE, [instance]),
        /not valid when the signature was logged \(expired or not yet valid\)/,
      );
    }
  });

  test('a log entry for another body is rejected', () => {
    const good = sigstore.attestation([IMAGE]);
    const other = sigstore.attestation([IMAGE]);
    // A genuine, correctly signed log entry, but for another signature.
    good.json.verificationMaterial.tlogEntries = [other.entry];
    rejected(
      verifyImageBundle({ json: good.json }, IMAGE, [instance]),
      /transparency-log entry is for another signature or content/,
    );
  });

  test('a log entry whose signed timestamp was not made by the log is rejected', () => {
    const bundle = sigstore.attestation([IMAGE]);
    const entry = bundle.json.verificationMaterial.tlogEntries[0];
    entry.integratedTime = String(Number(entry.integratedTime) + 1);
    rejected(verifyImageBundle({ json: bundle.json }, IMAGE, [instance]), /signed timestamp does not verify/);
  });

  test('malformed bundles are rejected with the reason', () => {
    rejected(verifyImageBundle({ json: { mediaType: 'text/plain' } }, IMAGE, [instance]), /malformed Sigstore bundle/);
    rejected(verifyImageBundle({ json: 'not an object' }, IMAGE, [instance]), /malformed Sigstore bundle/);
    const noProof = sigstore.attestation([IMAGE]);
    delete (noProof.json.verificationMaterial.tlogEntries[0] as { inclusionProof?: object }).inclusionProof;
    rejected(verifyImageBundle({ json: noProof.json }, IMAGE, [instance]), /malformed Sigstore bundle.*inclusionProof/);
  });

  test('cosign layers without a certificate or a log entry say so', () => {
    const sig = sigstore.cosignSignature(IMAGE);
    const keyOnly = { ...sig.annotations };
    delete keyOnly['dev.sigstore.cosign/certificate'];
    delete keyOnly['dev.sigstore.cosign/chain'];
    assert.match(
      (cosignLayerToBundle('sig', keyOnly, sig.payload) as { reason: string }).reason,
      /signed with a key, not a keyless certificate/,
    );
    const unlogged = { ...sig.annotations };
    delete unlogged['dev.sigstore.cosign/bundle'];
    assert.match(
      (cosignLayerToBundle('sig', unlogged, sig.payload) as { reason: string }).reason,
      /not recorded in a transparency log/,
    );
  });
});

describe('provenance: a real public-good bundle, offline', () => {
  test('verifies against the trust root shipped with @sigstore/tuf, and is not taken for image evidence', () => {
    const json: unknown = publicBundle;
    // The signature, certificate chain, SCT and log entry verify; the payload is "hello, world!", not a
    // statement about an image, so it must not count as provenance for any digest.
    const check = verifyImageBundle({ json }, IMAGE, [publicGoodInstance()]);
    rejected(check, /not an in-toto statement \(signature valid, signed by brian@dehamer\.com\)/);
    // And any tampering is caught by the same real path.
    const tampered = JSON.parse(JSON.stringify(json));
    tampered.dsseEnvelope.payload = Buffer.from('goodbye, world!').toString('base64');
    rejected(
      verifyImageBundle({ json: tampered }, IMAGE, [publicGoodInstance()]),
      /another signature or content|signature does not match/,
    );
  });
});
