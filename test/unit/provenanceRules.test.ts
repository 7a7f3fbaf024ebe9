// unverified-image and provenance-mismatch: what they say for each verdict, and the policy entries.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ProvenanceVerdict, ResolvedFacts, VerifiedProvenance } from '../../server/src/engine/api';
import { parsePolicyFile } from '../../server/src/engine/policy';
import { check, lineOf, only, ready, yaml } from './support/engine';

before(ready);

const digest = 'sha256:' + 'ab'.repeat(32);
const text = yaml(
  'on: push',
  'jobs:',
  '  a:',
  '    runs-on: ubuntu-latest',
  '    container: ghcr.io/acme/tools:1.4',
  '    steps:',
  '      - run: echo hi',
);

const release: VerifiedProvenance = {
  via: 'referrer',
  kind: 'attestation',
  issuer: 'https://token.actions.githubusercontent.com',
  subject: 'https://github.com/acme/tools/.github/workflows/release.yml@refs/tags/v1.4.0',
  sourceRepository: 'https://github.com/acme/tools',
  sourceCommit: 'abc1234def5678abc1234def5678abc1234def56',
  trustedBy: 'Sigstore public-good (rekor.sigstore.dev)',
};

function facts(provenance?: ProvenanceVerdict): ResolvedFacts {
  return {
    images: new Map([
      [
        'ghcr.io/acme/tools:1.4',
        { digest, platforms: ['linux/amd64'], fetchedAt: 'now', ...(provenance ? { provenance } : {}) },
      ],
    ]),
    actions: new Map(),
  };
}

const verdict = (v: Partial<ProvenanceVerdict>): ProvenanceVerdict => ({
  status: 'none',
  verified: [],
  claimed: [],
  rejected: [],
  examined: ['referrers tag', 'image labels'],
  ...v,
});

test('unverified-image fires online when nothing verifies, and says what was claimed or rejected', () => {
  const none = only(check(text, { resolved: facts(verdict({})) }).findings, 'unverified-image');
  assert.equal(none.length, 1);
  assert.equal(none[0].severity, 'info');
  assert.equal(lineOf(text, none[0].span.start), 5);
  assert.match(
    none[0].message,
    /nothing proves where ghcr\.io\/acme\/tools:1\.4 comes from: no Sigstore signature or attestation found for sha256:abababababab…/,
  );
  const claimed = only(
    check(text, {
      resolved: facts(
        verdict({
          status: 'claimed',
          claimed: [{ via: 'buildkit-provenance', source: 'https://github.com/acme/tools' }],
        }),
      ),
    }).findings,
    'unverified-image',
  );
  assert.match(
    claimed[0].message,
    /only claimed by unsigned BuildKit provenance \(source https:\/\/github\.com\/acme\/tools\), not signed/,
  );
  const rejected = only(
    check(text, {
      resolved: facts(
        verdict({
          rejected: [
            { via: 'cosign .sig', reason: 'the signature does not match the signed content (tampered or wrong key)' },
          ],
        }),
      ),
    }).findings,
    'unverified-image',
  );
  assert.match(rejected[0].message, /1 rejected \(cosign \.sig: the signature does not match/);
});

test('unverified-image is silent offline, when evidence was not looked up, and when a signature verifies', () => {
  assert.equal(only(check(text).findings, 'unverified-image').length, 0);
  assert.equal(only(check(text, { resolved: facts() }).findings, 'unverified-image').length, 0);
  assert.equal(
    only(
      check(text, { resolved: facts(verdict({ status: 'verified', verified: [release] })) }).findings,
      'unverified-image',
    ).length,
    0,
  );
});

const policy = (lines: string[]) => {
  const parsed = parsePolicyFile(yaml(...lines));
  assert.deepEqual(parsed.problems, []);
  return parsed.policy;
};

test('require-provenance: a verified identity that matches passes; one that does not is an error naming the signer', () => {
  const parts = policy([
    'require-provenance:',
    '  - image: ghcr.io/acme/*',
    '    issuer: https://token.actions.githubusercontent.com',
    '    subject: https://github.com/acme/*/.github/workflows/release.yml@refs/tags/*',
    '    repository: https://github.com/acme/*',
  ]);
  const good = check(text, {
    policyParts: parts,
    resolved: facts(verdict({ status: 'verified', verified: [release] })),
  }).findings;
  assert.deepEqual(only(good, 'provenance-mismatch'), []);
  const nightly = {
    ...release,
    subject: 'https://github.com/acme/tools/.github/workflows/nightly.yml@refs/heads/main',
  };
  const bad = only(
    check(text, { policyParts: parts, resolved: facts(verdict({ status: 'verified', verified: [nightly] })) }).findings,
    'provenance-mismatch',
  );
  assert.equal(bad.length, 1);
  assert.equal(bad[0].severity, 'error');
  assert.match(
    bad[0].message,
    /is signed, but not as the policy requires for ghcr\.io\/acme\/\*: signer https:\/\/github\.com\/acme\/tools\/\.github\/workflows\/nightly\.yml@refs\/heads\/main does not match/,
  );
  const fork = { ...release, issuer: 'https://accounts.google.com' };
  assert.match(
    only(
      check(text, { policyParts: parts, resolved: facts(verdict({ status: 'verified', verified: [fork] })) }).findings,
      'provenance-mismatch',
    )[0].message,
    /issuer https:\/\/accounts\.google\.com is not/,
  );
});

test('require-provenance: nothing verified is an error (unverified-image then stays quiet); other images are not concerned', () => {
  const parts = policy(['require-provenance:', '  - image: ghcr.io/acme/*']);
  const findings = check(text, {
    policyParts: parts,
    resolved: facts(
      verdict({ status: 'claimed', claimed: [{ via: 'labels', source: 'https://github.com/acme/tools' }] }),
    ),
  }).findings;
  const mismatch = only(findings, 'provenance-mismatch');
  assert.equal(mismatch.length, 1);
  assert.match(
    mismatch[0].message,
    /requires verified provenance for ghcr\.io\/acme\/\*, but ghcr\.io\/acme\/tools:1\.4 has none: only claimed by image labels/,
  );
  assert.equal(only(findings, 'unverified-image').length, 0);
  const other = policy(['require-provenance:', '  - image: ghcr.io/other/*']);
  assert.equal(
    only(check(text, { policyParts: other, resolved: facts(verdict({})) }).findings, 'provenance-mismatch').length,
    0,
  );
  // Offline nothing is claimed either way.
  assert.equal(only(check(text, { policyParts: parts }).findings, 'provenance-mismatch').length, 0);
});

test('require-provenance entries: mistakes are reported with their place', () => {
  const config = yaml(
    'require-provenance:',
    '  - issuer: https://token.actions.githubusercontent.com',
    '  - image: ghcr.io/acme/*',
    '    subjekt: x',
  );
  const parsed = parsePolicyFile(config);
  assert.deepEqual(
    parsed.problems.map((p) => [lineOf(config, p.span.start), p.message]),
    [
      [2, "require-provenance[1]: 'image' is required"],
      [4, "unknown key 'subjekt' in require-provenance[2] (did you mean 'subject'?)"],
    ],
  );
  assert.deepEqual(parsed.policy.requireProvenance, [{ image: 'ghcr.io/acme/*' }]);
});
