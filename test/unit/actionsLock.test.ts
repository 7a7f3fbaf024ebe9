// GitHub's actions lockfile: what reads, what is refused with a reason, and the CLI finding it beside
// the workflows it locks (and only there).
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseActionsLock } from '../../server/src/engine';
import { checkoutLockText, lockedCommit } from './support/actionsLock';
import { runCli, workspace } from './support/cli';

const lockText = checkoutLockText;
const ci =
  'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-go@v5\n';

test('a lockfile reads into onboarded workflows and commits', () => {
  const { lock, problem } = parseActionsLock(lockText);
  assert.equal(problem, undefined);
  assert.deepEqual(lock?.workflows.get('.github/workflows/ci.yml'), ['actions/checkout@v4']);
  assert.deepEqual(lock?.dependencies.get('actions/checkout@v4'), { ref: 'v4.2.2', commit: lockedCommit });
});

test('a lockfile that cannot be trusted is refused with a reason, never guessed at', () => {
  const reasons = [
    'version: [',
    "version: 'v9.0.0'\nworkflows: {}\n",
    'just text',
    "version: 'v0.0.3'\nworkflows: [a]\n",
    "version: 'v0.0.3'\nworkflows:\n  x.yml: not-a-list\n",
    "version: 'v0.0.3'\nworkflows: &w {}\ndependencies: *w\n",
  ].map((text) => parseActionsLock(text));
  for (const r of reasons) {
    assert.equal(r.lock, undefined);
    assert.ok(r.problem && r.problem.length > 10, `a reason: ${r.problem}`);
  }
  assert.match(reasons[1].problem ?? '', /v9\.0\.0.*not one this checker reads/);
});

test('CLI: a tag the lockfile locks is not unpinned; an unlocked action of an onboarded workflow is reported', () => {
  const dir = workspace({ '.github/workflows/ci.yml': ci, '.github/workflows/actions.lock': lockText });
  const r = runCli(['check', '--offline', '--format', 'json', dir]);
  const findings = (JSON.parse(r.stdout) as { findings: Array<{ rule: string; line: number }> }).findings;
  assert.deepEqual(
    findings.map((f) => `${f.line} ${f.rule}`),
    ['7 actions-lock-mismatch'],
  );
});

test('CLI: a broken lockfile is named as a problem and the workflow is judged without it', () => {
  const dir = workspace({ '.github/workflows/ci.yml': ci, '.github/workflows/actions.lock': 'version: [\n' });
  const r = runCli(['check', '--offline', '--format', 'json', dir]);
  const findings = (JSON.parse(r.stdout) as { findings: Array<{ rule: string }> }).findings;
  assert.deepEqual(
    findings.map((f) => f.rule),
    ['unpinned-action', 'unpinned-action'],
  );
  assert.match(r.stderr, /actions\.lock.*ignored: not valid YAML/);
});

test('CLI: a lockfile that is a symlink out of the repository is not read', () => {
  const outside = workspace({ 'actions.lock': lockText });
  const dir = workspace({ '.github/workflows/ci.yml': ci });
  symlinkSync(join(outside, 'actions.lock'), join(dir, '.github/workflows/actions.lock'));
  const r = runCli(['check', '--offline', '--format', 'json', dir]);
  const findings = (JSON.parse(r.stdout) as { findings: Array<{ rule: string }> }).findings;
  assert.deepEqual(
    findings.map((f) => f.rule),
    ['unpinned-action', 'unpinned-action'],
  );
  assert.match(r.stderr, /outside the checked folder/);
});

test('CLI: a workflow outside .github/workflows is not judged by a lockfile beside it', () => {
  const dir = workspace({ 'ci.yml': ci });
  writeFileSync(join(dir, 'actions.lock'), lockText);
  const r = runCli(['check', '--offline', '--format', 'json', join(dir, 'ci.yml')]);
  const findings = (JSON.parse(r.stdout) as { findings: Array<{ rule: string }> }).findings;
  assert.equal(findings.filter((f) => f.rule === 'unpinned-action').length, 2);
});
