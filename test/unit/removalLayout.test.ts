// Removals leave the blank lines as a person would: no double gap, no gap under the parent key or at
// the end of a list; and on the LoongArch workflow, remove-job gives the maintainers' own revert.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import { loongArchWorkflow } from './support/corpus';
import { applyFix, check, lineOf, oneJob, only, ready, reparses, yaml } from './support/engine';

before(ready);

const job = (id: string, image: string): string[] => [
  `  ${id}:`,
  '    runs-on: ubuntu-latest',
  `    container: ${image}`,
  '    steps:',
  '      - run: make',
];

test('remove-job between two blank lines takes one of them with it', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    ...job('a', 'debian:12'),
    '',
    ...job('b', 'ghcr.io/someone/debian:12'),
    '',
    ...job('c', 'debian:12'),
  );
  const fixed = applyFix(text, only(check(text).findings, 'community-image')[0], 'remove-job');
  assert.equal(fixed, yaml('on: push', 'jobs:', ...job('a', 'debian:12'), '', ...job('c', 'debian:12')));
  assert.deepEqual(Object.keys(reparses(fixed).jobs as object), ['a', 'c']);
});

test('remove-job of the first job leaves no blank line under `jobs:`', () => {
  const text = yaml('on: push', 'jobs:', ...job('b', 'ghcr.io/someone/debian:12'), '', ...job('c', 'debian:12'));
  const fixed = applyFix(text, only(check(text).findings, 'community-image')[0], 'remove-job');
  assert.equal(fixed, yaml('on: push', 'jobs:', ...job('c', 'debian:12')));
  reparses(fixed);
});

test('remove-job of the last job leaves no blank line at the end', () => {
  const text = yaml('on: push', 'jobs:', ...job('a', 'debian:12'), '', ...job('b', 'ghcr.io/someone/debian:12'));
  const fixed = applyFix(text, only(check(text).findings, 'community-image')[0], 'remove-job');
  assert.equal(fixed, yaml('on: push', 'jobs:', ...job('a', 'debian:12')));
  reparses(fixed);
});

test('remove-job in a file without blank lines removes the block alone', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    ...job('a', 'debian:12'),
    ...job('b', 'ghcr.io/someone/debian:12'),
    ...job('c', 'debian:12'),
  );
  const fixed = applyFix(text, only(check(text).findings, 'community-image')[0], 'remove-job');
  assert.equal(fixed, yaml('on: push', 'jobs:', ...job('a', 'debian:12'), ...job('c', 'debian:12')));
});

test('remove-step between blank-separated steps keeps one blank line between the rest', () => {
  const text = oneJob(
    '      - run: make',
    '',
    '      - uses: docker://ghcr.io/someone/debian:12',
    '',
    '      - run: make test',
    '  b:',
    '    runs-on: ubuntu-latest',
    '    steps: [{run: x}]',
  );
  const fixed = applyFix(text, only(check(text).findings, 'community-image')[0], 'remove-step');
  assert.ok(fixed.includes('      - run: make\n\n      - run: make test\n'), fixed);
  reparses(fixed);
});

test("remove-job on the LoongArch image gives exactly the maintainers' revert (uv 6876716f): the job block and nothing else", (t) => {
  if (!existsSync(loongArchWorkflow)) {
    t.skip('skipped: no ../shared/corpus');
    return;
  }
  const text = readFileSync(loongArchWorkflow, 'utf8');
  const finding = check(text).findings.find((f) => f.rule === 'community-image' && lineOf(text, f.span.start) === 854);
  assert.ok(finding, 'the LoongArch image on line 854 is a community image');
  const fixed = applyFix(text, finding, 'remove-job');
  // The revert deletes the `linux-loongarch64:` job (lines 845-952) and the blank line after it (953).
  const lines = text.split('\n');
  assert.equal(lines[844 - 1], '');
  assert.equal(lines[845 - 1], '  linux-loongarch64:');
  assert.equal(lines[953 - 1], '');
  assert.equal(lines[954 - 1], '  musllinux:');
  const expected = [...lines.slice(0, 844), ...lines.slice(953)].join('\n');
  assert.equal(fixed, expected);
  const jobs = Object.keys(reparses(fixed).jobs as object);
  assert.ok(!jobs.includes('linux-loongarch64') && jobs.includes('linux-riscv64') && jobs.includes('musllinux'));
});
