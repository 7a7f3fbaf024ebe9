// Regressions found by trying to break the engine and the CLI as a demanding user would.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { findWorkflowFiles } from '../../server/src/workspace';
import { mergePolicies, parsePolicyFile } from '../../server/src/engine';
import { applyFix, check, only, ready, reparses, spanText, yaml } from './support/engine';

before(ready);

const scratch: string[] = [];
after(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

/** Evaluates a step's `if:` the way the runner does, for one matrix combination. */
function conditionHolds(condition: string, matrix: Record<string, string | number | boolean>): boolean {
  const inner = condition
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1')
    .trim();
  const ctx = new data.Dictionary();
  const m = new data.Dictionary();
  for (const [k, v] of Object.entries(matrix)) {
    m.add(
      k,
      typeof v === 'boolean'
        ? new data.BooleanData(v)
        : typeof v === 'number'
          ? new data.NumberData(v)
          : new data.StringData(v),
    );
  }
  ctx.add('matrix', m);
  const expr = new Parser(new Lexer(inner).lex().tokens, ['matrix'], []).parse();
  const result = new Evaluator(expr, ctx).evaluate();
  // A comparison (or && of comparisons) evaluates to a boolean.
  assert.ok(result instanceof data.BooleanData, `'${inner}' is a boolean condition`);
  return result.value;
}

test('remove-job keeps anchors that other jobs still alias', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    container: &img ghcr.io/someone/debian:bookworm',
    '    steps: [{run: x}]',
    '  b:',
    '    runs-on: x',
    '    container: *img',
    '    steps: [{run: x}]',
  );
  const f = only(check(text).findings, 'community-image')[0];
  // Removing job a would delete the anchor job b still uses: the fix must not be offered
  // (an offered fix would have to leave b resolving to the same image).
  const removal = f.fixes.find((x) => x.kind === 'remove-job');
  if (removal) {
    const js = reparses(applyFix(text, f, 'remove-job')) as { jobs: Record<string, { container?: string }> };
    assert.equal(js.jobs.b.container, 'ghcr.io/someone/debian:bookworm');
  }
  assert.equal(removal, undefined);
  // The same for a step holding an anchor another step aliases.
  const steps = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    steps:',
    '      - &s {run: docker run someone/tool:1}',
    '      - *s',
    '      - run: echo',
  );
  const g = only(check(steps).findings, 'untrusted-image')[0];
  assert.equal(
    g.fixes.find((x) => x.kind === 'remove-step'),
    undefined,
  );
});

test('remove-matrix-entry for a number inside an object axis removes that object, not a number of another axis', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    strategy:',
    '      matrix:',
    '        plat:',
    '          - {name: one, tag: 1}',
    '          - {name: two, tag: 2}',
    '        ver: [1, 3]',
    '    steps:',
    '      - run: docker run someone/y:${{ matrix.plat.tag }}',
  );
  const f = only(check(text).findings, 'untrusted-image').find((x) => x.message.startsWith('someone/y:2 '));
  assert.ok(f, 'someone/y:2 is reported');
  const js = reparses(applyFix(text, f, 'remove-matrix-entry')) as {
    jobs: { a: { strategy: { matrix: { plat: unknown[]; ver: unknown[] } } } };
  };
  assert.deepEqual(js.jobs.a.strategy.matrix, { plat: [{ name: 'one', tag: 1 }], ver: [1, 3] });
});

test('skip-step for a number axis names that axis in its condition', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    strategy:',
    '      matrix:',
    '        os: [linux, mac]',
    '        ver: [1, 2]',
    '    steps:',
    '      - run: docker run someone/x:${{ matrix.ver }}',
  );
  const f = only(check(text).findings, 'untrusted-image').find((x) => x.message.startsWith('someone/x:2 '));
  assert.ok(f, 'someone/x:2 is reported');
  const fixed = applyFix(text, f, 'skip-step');
  const step = (reparses(fixed) as { jobs: { a: { steps: Array<{ if?: string }> } } }).jobs.a.steps[0];
  assert.ok(step.if, 'an if: was added');
  // someone/x:2 runs on every os with ver 2: the step must be skipped exactly there.
  for (const os of ['linux', 'mac']) {
    assert.equal(conditionHolds(step.if, { os, ver: 2 }), false, `skipped for ${os}/2`);
    assert.equal(conditionHolds(step.if, { os, ver: 1 }), true, `kept for ${os}/1`);
  }
});

test('skip-step for a boolean axis really skips the entry (true is not the string "true")', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    strategy:',
    '      matrix:',
    '        arm: [true, false]',
    '    steps:',
    '      - run: docker run someone/x:${{ matrix.arm }}',
  );
  const f = only(check(text).findings, 'untrusted-image').find((x) => x.message.startsWith('someone/x:true '));
  assert.ok(f, 'someone/x:true is reported');
  const step = (reparses(applyFix(text, f, 'skip-step')) as { jobs: { a: { steps: Array<{ if?: string }> } } }).jobs.a
    .steps[0];
  assert.ok(step.if, 'an if: was added');
  assert.equal(conditionHolds(step.if, { arm: true }), false, 'skipped when arm is true');
  assert.equal(conditionHolds(step.if, { arm: false }), true, 'kept when arm is false');
});

test('skip-step on a flow-mapping step leaves valid YAML with the if: inside that step', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    strategy:',
    '      matrix:',
    "        img: [ghcr.io/a/debian:trixie, 'debian:trixie']",
    '    steps:',
    '      - {name: one, run: "docker run ${{ matrix.img }}"}',
    '      - run: echo',
  );
  const f = only(check(text).findings, 'community-image')[0];
  assert.equal(spanText(text, f.span), 'ghcr.io/a/debian:trixie');
  const js = reparses(applyFix(text, f, 'skip-step')) as { jobs: { a: { steps: Array<Record<string, string>> } } };
  assert.equal(js.jobs.a.steps.length, 2);
  assert.equal(js.jobs.a.steps[0].name, 'one');
  assert.match(js.jobs.a.steps[0].if ?? '', /matrix\.img != 'ghcr\.io\/a\/debian:trixie'/);
});

test('a folder with a symlink loop yields each workflow once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-qa-'));
  scratch.push(dir);
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  writeFileSync(
    join(dir, '.github/workflows/ci.yml'),
    yaml('on: push', 'jobs:', '  a:', '    runs-on: x', '    container: someone/tool:1', '    steps: [{run: x}]'),
  );
  // A link back to the root, as some monorepos and package managers leave behind.
  symlinkSync('..', join(dir, '.github/back'));
  const files = (await findWorkflowFiles(dir)).files;
  assert.equal(files.length, 1, `found ${files.length} paths: ${files.slice(0, 3).join(', ')}…`);
});

test('a huge policy file is reported or applied, never a stack overflow', () => {
  const lines = ['trusted-images:'];
  for (let i = 0; i < 200_000; i++) lines.push(`  - ghcr.io/org${i}/*`);
  const parsed = parsePolicyFile(lines.join('\n'));
  const policy = mergePolicies(parsed.policy);
  assert.equal(policy.trustedImages.length, 200_000);
  assert.equal(policy.trustedImages[199_999], 'ghcr.io/org199999/*');
});

test('--platform with an architecture alone means linux/<arch>, as docker reads it', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    container:',
    '      image: alpine:3.20',
    '      options: --platform=arm64',
    '    steps:',
    '      - run: docker run --platform amd64 alpine:3.20 true',
  );
  // alpine:3.20 publishes linux/amd64 and linux/arm64/v8: nothing here is unsupported.
  assert.deepEqual(
    only(check(text).findings, 'unsupported-platform').map((f) => f.message),
    [],
  );
});
