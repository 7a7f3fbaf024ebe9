// The policy: config file parsing, trust, severities, ignores and inline suppression.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { addTrustedImageEdits, applyEdits, mergePolicies, parsePolicyFile } from '../../server/src/engine';
import { check, lineOf, only, ready, yaml } from './support/engine';

before(ready);

const wf = yaml(
  'on: push',
  'jobs:',
  '  a:',
  '    runs-on: x',
  '    container: ghcr.io/my-org/builder:1',
  '    services:',
  '      db:',
  '        image: someone/db:2 # workflow-provenance: ignore[untrusted-image]',
  '    steps:',
  '      - run: docker run quay.io/other/tool:3 # workflow-provenance: ignore[unpinned-image, mutable-tag]',
);

test('without policy, untrusted images are flagged', () => {
  const r = check(wf);
  assert.deepEqual(only(r.findings, 'untrusted-image').map((f) => lineOf(wf, f.span.start)), [5, 10]);
});

test('inline suppression silences exactly the named rules on that line', () => {
  const r = check(wf);
  assert.deepEqual(r.findings.filter((f) => lineOf(wf, f.span.start) === 8).map((f) => f.rule), ['unpinned-image']);
  assert.deepEqual(r.findings.filter((f) => lineOf(wf, f.span.start) === 10).map((f) => f.rule), ['untrusted-image']);
});

test('trusted-images globs, per-rule severity and off, and ignore patterns from a config file', () => {
  const config = yaml('trusted-images:', '  - ghcr.io/my-org/*', 'rules:', '  untrusted-image: error', '  unpinned-image: off', 'ignore:', '  - quay.io/other/*');
  const parsed = parsePolicyFile(config, 'workflow-provenance.yml');
  assert.deepEqual(parsed.problems, []);
  const r = check(wf, { policy: mergePolicies(parsed.policy) });
  assert.deepEqual(
    r.findings.map((f) => [f.rule, f.severity, lineOf(wf, f.span.start)]),
    [],
    'my-org trusted, someone/db ignored inline for untrusted, unpinned off, quay.io/other ignored',
  );
  const noIgnore = check(wf, { policy: mergePolicies({ ...parsed.policy, ignore: [] }) });
  assert.deepEqual(noIgnore.findings.map((f) => [f.rule, f.severity]), [['untrusted-image', 'error']]);
});

test("the repository's own ghcr.io namespace is trusted", () => {
  const r = check(wf, { repositoryOwner: 'My-Org' });
  assert.deepEqual(only(r.findings, 'untrusted-image').map((f) => lineOf(wf, f.span.start)), [10]);
});

test('config mistakes come back with their place, never an exception', () => {
  const bad = yaml('trusted-images: ghcr.io/x/*', 'rules:', '  no-such-rule: error', '  mutable-tag: loud', 'extra: 1', 'ignore:', '  - ""');
  const r = parsePolicyFile(bad, 'cfg.yml');
  const msgs = r.problems.map((p) => [lineOf(bad, p.span.start), p.message.split(' (')[0]]);
  assert.deepEqual(msgs, [
    [1, 'trusted-images must be a list'],
    [3, "unknown key 'no-such-rule' in rules"],
    [4, "rules.mutable-tag: 'loud' is not one of error, warning, info, off"],
    [5, "unknown key 'extra'"],
    [7, 'ignore[1] must not be empty'],
  ]);
  for (const text of ['[', 'a: [', '- 1', ': :', '\u0000', 'rules: 3']) assert.doesNotThrow(() => parsePolicyFile(text, 'x'));
});

test('adding a trusted publisher edits the config text in place', () => {
  const created = applyEdits('', addTrustedImageEdits(undefined, 'ghcr.io/loong64/*'));
  assert.deepEqual(parsePolicyFile(created, 'x').policy.trustedImages, ['ghcr.io/loong64/*']);
  const existing = yaml('# our policy', 'trusted-images:', '  - quay.io/pypa/*  # manylinux', 'rules:', '  unpinned-image: off');
  const added = applyEdits(existing, addTrustedImageEdits(existing, 'ghcr.io/loong64/*'));
  assert.deepEqual(parsePolicyFile(added, 'x').policy.trustedImages, ['quay.io/pypa/*', 'ghcr.io/loong64/*']);
  assert.ok(added.startsWith('# our policy\ntrusted-images:\n  - quay.io/pypa/*  # manylinux\n'), added);
  const flow = 'trusted-images: [a/*]\n';
  assert.deepEqual(parsePolicyFile(applyEdits(flow, addTrustedImageEdits(flow, 'b/*')), 'x').policy.trustedImages, ['a/*', 'b/*']);
  const none = 'rules:\n  mutable-tag: error';
  const appended = applyEdits(none, addTrustedImageEdits(none, 'b/*'));
  assert.deepEqual(parsePolicyFile(appended, 'x').policy, { rules: { 'mutable-tag': 'error' }, trustedImages: ['b/*'] });
});

test('image-inputs in the config extend the built-in table of actions that take images', () => {
  const config = yaml('image-inputs:', '  - action: my-org/run-in-container', '    input: image', '    platform-input: docker-options', '  - action: not-a-repo', '    input: x');
  const parsed = parsePolicyFile(config, 'cfg.yml');
  assert.deepEqual(parsed.policy.imageInputs, [{ action: 'my-org/run-in-container', input: 'image', platformInput: 'docker-options' }]);
  assert.deepEqual(parsed.problems.map((p) => [lineOf(config, p.span.start), p.message]), [[5, "image-inputs[2].action: 'not-a-repo' is not owner/repo of the action (no path, no @ref)"]]);
  const workflow = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    steps:',
    '      - uses: My-Org/run-in-container@v2',
    '        with:',
    '          image: someone/builder:1',
    '          docker-options: --rm --platform linux/riscv64',
  );
  assert.deepEqual(check(workflow).images, [], 'unknown to the built-in table');
  const found = check(workflow, { policy: mergePolicies(parsed.policy) }).images;
  assert.deepEqual(found.map((i) => [i.text, i.source, i.platform, lineOf(workflow, i.span.start)]), [['someone/builder:1', 'action-input', 'linux/riscv64', 8]]);
});
