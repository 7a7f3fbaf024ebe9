// Every offline fix: apply its edits, re-parse, and compare the exact text.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { applyEdits } from '../../server/src/engine';
import { applyFix, check, only, ready, reparses, yaml } from './support/engine';

before(ready);

test('switch-official keeps the tag, the quotes and the comment', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    "    container: 'ghcr.io/someone/debian:bookworm-slim' # base",
    '    steps: [{run: x}]',
  );
  const f = only(check(text).findings, 'community-image')[0];
  const fixed = applyFix(text, f, 'switch-official');
  assert.equal(fixed, text.replace("'ghcr.io/someone/debian:bookworm-slim'", "'debian:bookworm-slim'"));
  reparses(fixed);
  assert.equal(only(check(fixed).findings, 'community-image').length, 0);
  assert.equal(f.fixes.find((x) => x.kind === 'switch-official')?.preferred, true);
});

test('switch-official inside a matrix value keeps the --platform flag; never offered when the platform is missing', () => {
  const make = (platform: string) =>
    yaml(
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: x',
      '    strategy:',
      '      matrix:',
      '        include:',
      `          - base_image: "--platform=${platform} docker.io/someone/debian:trixie"`,
      '          - base_image: ubuntu:24.04',
      '    steps:',
      '      - uses: uraimo/run-on-arch-action@v3',
      '        with:',
      '          arch: none',
      '          distro: none',
      '          base_image: ${{ matrix.base_image }}',
    );
  const riscv = make('linux/riscv64');
  const fixed = applyFix(riscv, only(check(riscv).findings, 'community-image')[0], 'switch-official');
  assert.ok(fixed.includes('          - base_image: "--platform=linux/riscv64 debian:trixie"\n'), fixed);
  reparses(fixed);
  const loong = make('linux/loong64');
  const f = only(check(loong).findings, 'community-image')[0];
  assert.deepEqual(
    f.fixes.map((x) => x.kind),
    ['remove-matrix-entry', 'skip-step', 'ignore'],
    'the only step of the only job: neither remove-step nor remove-job is offered',
  );
});

const matrixJob = yaml(
  'on: push',
  'jobs:',
  '  build:',
  '    runs-on: ubuntu-latest',
  '    steps: [{run: make}]',
  '  test:',
  '    needs: [build, lint]',
  '    runs-on: ubuntu-latest',
  '    strategy:',
  '      matrix:',
  '        platform:',
  '          - arch: aarch64',
  '          - arch: loong64',
  '            base_image: --platform=linux/loong64 ghcr.io/loong64/debian:trixie # community',
  '    steps:',
  '      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1',
  '      - name: Test wheel',
  "        if: github.event_name == 'push'",
  '        uses: uraimo/run-on-arch-action@v3',
  '        with:',
  "          base_image: ${{ matrix.platform.base_image || '' }}",
  '          distro: ubuntu22.04',
  '  lint:',
  '    runs-on: ubuntu-latest',
  '    steps: [{run: lint}]',
  '  release:',
  '    needs: test',
  '    runs-on: ubuntu-latest',
  '    steps: [{run: publish}]',
);

function loongFinding(text = matrixJob) {
  return only(check(text).findings, 'community-image')[0];
}

test('remove-matrix-entry removes exactly that entry', () => {
  const fixed = applyFix(matrixJob, loongFinding(), 'remove-matrix-entry');
  assert.equal(
    fixed,
    matrixJob.replace(
      '          - arch: loong64\n            base_image: --platform=linux/loong64 ghcr.io/loong64/debian:trixie # community\n',
      '',
    ),
  );
  const js = reparses(fixed) as { jobs: { test: { strategy: { matrix: { platform: unknown[] } } } } };
  assert.deepEqual(js.jobs.test.strategy.matrix.platform, [{ arch: 'aarch64' }]);
  assert.equal(
    check(fixed).images.some((i) => i.text.includes('loong64')),
    false,
  );
});

test('skip-step combines with an existing if: and skips only that matrix entry', () => {
  const fixed = applyFix(matrixJob, loongFinding(), 'skip-step');
  const expected =
    "        if: ${{ (github.event_name == 'push') && matrix.platform.base_image != '--platform=linux/loong64 ghcr.io/loong64/debian:trixie' }}";
  assert.ok(fixed.split('\n').includes(expected), fixed);
  reparses(fixed);
  const noIf = matrixJob.replace("        if: github.event_name == 'push'\n", '');
  const fixed2 = applyFix(noIf, loongFinding(noIf), 'skip-step');
  assert.ok(
    fixed2.includes(
      "      - if: ${{ matrix.platform.base_image != '--platform=linux/loong64 ghcr.io/loong64/debian:trixie' }}\n        name: Test wheel\n",
    ),
    fixed2,
  );
  reparses(fixed2);
});

test('remove-step removes the step; remove-job removes the job and it from every needs', () => {
  const noStep = applyFix(matrixJob, loongFinding(), 'remove-step');
  const js = reparses(noStep) as { jobs: { test: { steps: unknown[] } } };
  assert.equal(js.jobs.test.steps.length, 1);
  assert.ok(!noStep.includes('run-on-arch'));

  const noJob = applyFix(matrixJob, loongFinding(), 'remove-job');
  const jobs = (reparses(noJob) as { jobs: Record<string, { needs?: unknown }> }).jobs;
  assert.deepEqual(Object.keys(jobs), ['build', 'lint', 'release']);
  assert.equal(jobs.release.needs, undefined, 'an emptied needs: is dropped');
  assert.ok(noJob.includes('  release:\n    runs-on: ubuntu-latest\n'), noJob);
});

test('remove-job drops one item from a list of needs and leaves the rest', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    container: someone/tool:1',
    '    steps: [{run: x}]',
    '  b:',
    '    runs-on: x',
    '    steps: [{run: x}]',
    '  c:',
    '    needs:',
    '      - a',
    '      - b',
    '    runs-on: x',
    '    steps: [{run: x}]',
    '  d:',
    '    needs: [b, a]',
    '    runs-on: x',
    '    steps: [{run: x}]',
  );
  const fixed = applyFix(text, only(check(text).findings, 'untrusted-image')[0], 'remove-job');
  const jobs = (reparses(fixed) as { jobs: Record<string, { needs?: unknown }> }).jobs;
  assert.deepEqual(jobs.c.needs, ['b']);
  assert.deepEqual(jobs.d.needs, ['b']);
  assert.deepEqual(Object.keys(jobs), ['b', 'c', 'd']);
});

test('ignore adds the suppression comment, or extends an existing one', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    container: someone/tool:latest # pinned later',
    '    steps: [{run: x}]',
  );
  const untrusted = only(check(text).findings, 'untrusted-image')[0];
  const once = applyFix(text, untrusted, 'ignore');
  assert.ok(
    once.includes('    container: someone/tool:latest # pinned later # workflow-provenance: ignore[untrusted-image]\n'),
  );
  assert.deepEqual(reparses(once), reparses(text));
  const tag = only(check(once).findings, 'mutable-tag')[0];
  const twice = applyFix(once, tag, 'ignore');
  assert.ok(twice.includes('ignore[untrusted-image,mutable-tag]'), twice);
  assert.deepEqual(
    check(twice).findings.map((f) => f.rule),
    ['unpinned-image'],
  );
});

test('in a run: | script, ignore goes on the run: line as a YAML comment and leaves the script alone', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    steps:',
    '      - run: |',
    '          docker run --rm someone/tool:1 \\',
    '            --version',
  );
  const f = only(check(text).findings, 'untrusted-image')[0];
  const fixed = applyFix(text, f, 'ignore');
  assert.equal(
    fixed,
    text.replace('      - run: |\n', '      - run: | # workflow-provenance: ignore[untrusted-image]\n'),
  );
  const before = reparses(text) as { jobs: { a: { steps: Array<{ run: string }> } } };
  const after = reparses(fixed) as { jobs: { a: { steps: Array<{ run: string }> } } };
  assert.equal(after.jobs.a.steps[0].run, before.jobs.a.steps[0].run);
  assert.equal(only(check(fixed).findings, 'untrusted-image').length, 0);
});

const digestA = 'sha256:' + 'a1'.repeat(32);

test('pin-digest (with online facts) pins every location form, keeping quotes and comments', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    strategy:',
    '      matrix:',
    "        img: ['alpine:3.20']",
    '    container: "debian:trixie" # base',
    '    steps:',
    '      - uses: docker://debian:trixie',
    '      - run: docker run --rm debian:trixie true',
    '      - run: docker run ${{ matrix.img }}',
    '      - uses: addnab/docker-run-action@v3',
    '        with: {image: debian}',
  );
  const fact = { digest: digestA, platforms: ['linux/amd64'], fetchedAt: 'now' };
  const resolved = {
    images: new Map([
      ['docker.io/library/debian:trixie', fact],
      ['docker.io/library/alpine:3.20', fact],
      ['docker.io/library/debian:latest', fact],
    ]),
    actions: new Map(),
  };
  const r = check(text, { resolved });
  const pins = only(r.findings, 'unpinned-image').map((f) => f.fixes.find((x) => x.kind === 'pin-digest'));
  assert.equal(pins.length, 5);
  assert.ok(pins.every((p) => p && p.safe));
  let fixed = text;
  // Apply from the end so earlier offsets stay valid.
  for (const p of [...pins].reverse()) fixed = applyEdits(fixed, p!.edits);
  assert.ok(fixed.includes(`    container: "debian:trixie@${digestA}" # base\n`), fixed);
  assert.ok(fixed.includes(`      - uses: docker://debian:trixie@${digestA}\n`));
  assert.ok(fixed.includes(`docker run --rm debian:trixie@${digestA} true`));
  assert.ok(fixed.includes(`        img: ['alpine:3.20@${digestA}']`));
  assert.ok(fixed.includes(`        with: {image: debian:latest@${digestA}}`));
  reparses(fixed);
  assert.equal(only(check(fixed, { resolved }).findings, 'unpinned-image').length, 0);
});

test('pin-action pins a tag to its commit with the best version comment; a mismatched comment is re-pinned', () => {
  const sha = 'b4ffde65f46336ab88eb53be808477a3936bae11';
  const tagCommit = 'c'.repeat(40);
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    steps:',
    '      - uses: actions/checkout@v4',
    `      - uses: "actions/setup-python@${sha}" # v5.0.0 pinned by hand`,
  );
  const resolved = {
    images: new Map(),
    actions: new Map([
      ['actions/checkout@v4', { commit: sha, bestTag: 'v4.2.2', fetchedAt: 'now' }],
      [`actions/setup-python@${sha}`, { commit: sha, commentTagCommit: tagCommit, fetchedAt: 'now' }],
    ]),
  };
  const r = check(text, { resolved });
  const fixed = applyFix(text, only(r.findings, 'unpinned-action')[0], 'pin-action');
  assert.ok(fixed.includes(`      - uses: actions/checkout@${sha} # v4.2.2\n`), fixed);
  const mismatch = only(r.findings, 'action-ref-mismatch')[0];
  const repinned = applyFix(text, mismatch, 'pin-action');
  assert.ok(repinned.includes(`      - uses: "actions/setup-python@${tagCommit}" # v5.0.0 pinned by hand\n`), repinned);
  reparses(repinned);
});

test('pin-action pins a reusable workflow, path kept', () => {
  const sha = 'd'.repeat(40);
  const text = yaml(
    'on: push',
    'jobs:',
    '  call:',
    '    uses: octo/shared/.github/workflows/build.yml@v1 # shared build',
  );
  const resolved = {
    images: new Map(),
    actions: new Map([['octo/shared@v1', { commit: sha, bestTag: 'v1.2.0', fetchedAt: 'now' }]]),
  };
  const f = only(check(text, { resolved }).findings, 'unpinned-action')[0];
  const fixed = applyFix(text, f, 'pin-action');
  assert.ok(
    fixed.includes(`    uses: octo/shared/.github/workflows/build.yml@${sha} # v1.2.0 # shared build\n`),
    fixed,
  );
  reparses(fixed);
});
