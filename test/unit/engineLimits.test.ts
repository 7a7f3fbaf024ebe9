// Hostile workflows against the engine's limits: nesting, internal failures, matrices, globs.
// Each test reproduces an attack that once crashed, silenced or froze the checker.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { LineIndex, mergePolicies, type TrustPolicy } from '../../server/src/engine';
import { globMatches } from '../../server/src/engine/knowledge/trustedPublishers';
import { hangGuardMs } from './support/cli';
import { check, lineOf, projectRoot, ready, yaml } from './support/engine';

before(ready);

const cli = join(projectRoot(), 'dist/cli.js');

/** A one-job workflow: the matrix's lines (below `matrix:`), then the job's other lines. */
function matrixWorkflow(matrix: string[], job: string[]): string {
  return yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-24.04',
    '    strategy:',
    '      matrix:',
    ...matrix.map((l) => `        ${l}`),
    ...job.map((l) => `    ${l}`),
  );
}

test('a line of 1,000 nested sequences is reported with its place, and two such files do not abort the CLI', () => {
  // V8 aborted the whole process (exit 134, no output) on the second analysis of such a line, so
  // this runs in a child process: a regression kills the child, not the test runner.
  const dir = mkdtempSync(join(tmpdir(), 'wp-nesting-'));
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  const line = `${'- '.repeat(1000)}img\n`;
  writeFileSync(join(dir, '.github/workflows/a.yml'), line);
  writeFileSync(join(dir, '.github/workflows/b.yml'), line);
  const r = spawnSync(process.execPath, [cli, 'check', '--offline', '.'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: hangGuardMs,
  });
  assert.equal(r.signal, null, r.stderr.slice(-400));
  assert.equal(r.status, 2, r.stderr.slice(-400));
  // The 101st `- ` starts at column 201.
  for (const name of ['a.yml', 'b.yml']) {
    assert.match(
      r.stderr,
      new RegExp(
        `\\.github/workflows/${name.replace('.', '\\.')}:1:201: not checked: collections nested deeper than 100 levels`,
      ),
    );
  }
});

test('100 levels of nesting are checked as usual; the 101st is cut', () => {
  // Four levels (the document, jobs, the job, env) plus the flow sequences.
  const at = (flow: number) =>
    yaml(
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    container: someuser/tool:1',
      '    env:',
      `      DEEP: ${'['.repeat(flow)}x${']'.repeat(flow)}`,
      '    steps:',
      '      - run: echo',
    );
  const hundred = check(at(96));
  assert.deepEqual(hundred.notChecked, []);
  assert.deepEqual(hundred.syntaxErrors, []);
  assert.ok(hundred.images.some((i) => i.text === 'someuser/tool:1'));
  const text = at(97);
  const deeper = check(text);
  assert.deepEqual(
    deeper.notChecked.map((p) => p.span.start),
    [text.indexOf('[x]')],
  );
  assert.ok(deeper.images.some((i) => i.text === 'someuser/tool:1'));
});

test('a 100,000-deep block sequence inside a matrix is cut with its place; the rest of the file is checked', () => {
  const text = matrixWorkflow(
    ['deep:', `  ${'- '.repeat(100000)}x`, 'image: [someuser/tool:1]'],
    ['container: ${{ matrix.image }}', 'steps:', '  - run: echo'],
  );
  const analysis = check(text);
  assert.equal(analysis.notChecked.length, 1, JSON.stringify(analysis.notChecked));
  const [cut] = analysis.notChecked;
  assert.equal(lineOf(text, cut.span.start), 8);
  assert.match(cut.message, /nested deeper than 100 levels/);
  assert.ok(analysis.findings.some((f) => f.reference.text === 'someuser/tool:1' && f.rule === 'untrusted-image'));
});

test('a failure inside the engine becomes a not-checked entry, never an exception', () => {
  const policy = mergePolicies();
  const hostile: TrustPolicy = {
    ...policy,
    get imageInputs(): TrustPolicy['imageInputs'] {
      throw new Error('broken policy object');
    },
  };
  const analysis = check(
    yaml('on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    container: alpine:3.20'),
    { policy: hostile },
  );
  assert.equal(analysis.findings.length, 0);
  assert.equal(analysis.notChecked.length, 1);
  assert.match(analysis.notChecked[0].message, /^internal error, the file was not checked: broken policy object/);
  assert.deepEqual(analysis.notChecked[0].span, { start: 0, end: 'on: push'.length });
});

test('policy globs: `*` stays within a segment, `**` crosses, `?` is one character, a trailing `/*` covers everything below', () => {
  const cases: Array<[string, string, boolean]> = [
    ['ghcr.io/my-org/*', 'ghcr.io/my-org/tool', true],
    ['ghcr.io/my-org/*', 'ghcr.io/my-org/a/b', true],
    ['ghcr.io/my-org/*', 'ghcr.io/my-org2/tool', false],
    ['ghcr.io/*/tool', 'ghcr.io/a/tool', true],
    ['ghcr.io/*/tool', 'ghcr.io/a/b/tool', false],
    ['ghcr.io/**/tool', 'ghcr.io/a/b/tool', true],
    ['docker.io/library/debian', 'DOCKER.IO/Library/Debian', true],
    ['docker.io/library/debia?', 'docker.io/library/debian', true],
    ['docker.io/library/debia?', 'docker.io/library/debia/', false],
    ['quay.io/pypa/manylinux*', 'quay.io/pypa/manylinux_2_28_x86_64', true],
    ['quay.io/pypa/manylinux*', 'quay.io/pypa/musllinux_1_2', false],
    ['a.b', 'axb', false],
    ['*', '', true],
    ['', 'x', false],
  ];
  for (const [pattern, name, expected] of cases)
    assert.equal(globMatches(pattern, name), expected, `${pattern} ~ ${name}`);
});

test('a trusted-images glob that backtracks for a regular expression is matched at once against a long name', {
  timeout: 20000,
}, () => {
  // With the glob compiled to a regular expression this took over a minute (and froze the server).
  const pattern = 'a*a*a*a*a*a*a*a*a*a*a*b';
  const name = 'a'.repeat(5000);
  assert.equal(globMatches(pattern, name), false);
  // The longest name a registry accepts, judged against the pattern as a trusted and an ignored name.
  const text = yaml('on: push', 'jobs:', '  a:', '    runs-on: ubuntu-24.04', `    container: ${'a'.repeat(200)}:1`);
  const analysis = check(text, { policyParts: { trustedImages: [pattern], ignore: [pattern] } });
  assert.deepEqual(
    analysis.findings.map((f) => f.rule),
    ['unpinned-image'],
  );
});

const seventeen = `[${Array.from({ length: 17 }, (_, i) => i + 1).join(', ')}]`;

test('exclude applies before the 256-combination bound: an image on the outer axis is still found', () => {
  // 2 × 17 × 17 = 578 combinations, 510 after exclude; the first 289 all use the first image.
  const text = matrixWorkflow(
    [
      'image: [debian:12, ghcr.io/loong64/debian:trixie]',
      `a: ${seventeen}`,
      `b: ${seventeen}`,
      'exclude:',
      '  - a: 1',
      '  - a: 2',
    ],
    ['container: ${{ matrix.image }}', 'steps:', '  - run: echo'],
  );
  const analysis = check(text);
  assert.ok(
    analysis.findings.some((f) => f.reference.text === 'ghcr.io/loong64/debian:trixie' && f.rule === 'community-image'),
  );
  assert.equal(analysis.notChecked.length, 1);
  assert.equal(lineOf(text, analysis.notChecked[0].span.start), 7);
  assert.match(
    analysis.notChecked[0].message,
    /makes 510 combinations and GitHub runs at most 256; the first 256, every include item and every value of every axis are checked/,
  );
});

test('a matrix cut to 256 combinations by exclude is checked in full and says nothing is left out', () => {
  // 2 × 17 × 17 = 578; excluding a = 1…10 leaves 2 × 7 × 17 = 238.
  const excludes = Array.from({ length: 10 }, (_, i) => `  - a: ${i + 1}`);
  const text = matrixWorkflow(
    ['image: [debian, ghcr.io/loong64/debian]', `a: ${seventeen}`, `b: ${seventeen}`, 'exclude:', ...excludes],
    ['container: ${{ matrix.image }}:${{ matrix.a }}.${{ matrix.b }}', 'steps:', '  - run: echo'],
  );
  const analysis = check(text);
  assert.deepEqual(analysis.notChecked, []);
  const loong = new Set(analysis.images.filter((i) => i.text.startsWith('ghcr.io/loong64/debian:')).map((i) => i.text));
  assert.equal(loong.size, 7 * 17);
  assert.ok(loong.has('ghcr.io/loong64/debian:17.17'));
  assert.ok(!loong.has('ghcr.io/loong64/debian:10.1'));
});

/** Include items each carrying a list of `width` values, the last one naming the LoongArch image. */
function wideIncludes(items: number, width: number): string[] {
  const libs = `[${Array.from({ length: width }, (_, i) => `lib${i}`).join(', ')}]`;
  const lines = Array.from({ length: items - 1 }, (_, i) => `  - { n: ${i}, image: 'debian:12', libs: ${libs} }`);
  lines.push(`  - { n: last, image: 'ghcr.io/loong64/debian:trixie', libs: ${libs} }`);
  return ['include:', ...lines];
}

test('a matrix with more than 20,000 values keeps every value (the last include item is judged)', () => {
  // 200 combinations of 153 values each: 30,600 values, which once turned into nulls after the 20,000th.
  const text = matrixWorkflow(wideIncludes(200, 150), ['container: ${{ matrix.image }}', 'steps:', '  - run: echo']);
  const analysis = check(text);
  assert.deepEqual(analysis.notChecked, []);
  assert.ok(
    analysis.findings.some((f) => f.reference.text === 'ghcr.io/loong64/debian:trixie' && f.rule === 'community-image'),
  );
});

test('a matrix holding more values than the engine reads says where it stopped', () => {
  // 250 items of 403 values: the count passes 100,000 in item 249 (0-based 248).
  const text = matrixWorkflow(wideIncludes(250, 400), ['container: ${{ matrix.image }}', 'steps:', '  - run: echo']);
  const analysis = check(text);
  assert.equal(analysis.notChecked.length, 1, JSON.stringify(analysis.notChecked));
  assert.match(
    analysis.notChecked[0].message,
    /^the matrix holds more than 100000 values; from here on its values are not checked$/,
  );
  assert.equal(lineOf(text, analysis.notChecked[0].span.start), 7 + 249);
});

test('messages are true: a matrix computed at run time is not "no matrix", and needs outputs are run-time values', () => {
  const whole = matrixWorkflow(
    ['${{ fromJSON(needs.setup.outputs.matrix) }}'],
    ['container: ${{ matrix.image }}', 'steps:', '  - run: echo'],
  ).replace('matrix:\n        ${{', 'matrix: ${{');
  const [dynamic] = check(whole).findings;
  assert.equal(dynamic.rule, 'runtime-image');
  assert.match(
    dynamic.message,
    /the matrix is computed when the workflow runs \(\$\{\{ fromJSON\(needs\.setup\.outputs\.matrix\) \}\}\)/,
  );

  const axis = matrixWorkflow(
    ['image: ${{ fromJSON(needs.setup.outputs.images) }}', 'tool: [someone/tool:1]'],
    ['container: ${{ matrix.image }}', 'services:', '  helper: ${{ matrix.tool }}', 'steps:', '  - run: echo'],
  );
  const findings = check(axis).findings;
  assert.match(
    findings.find((f) => f.rule === 'runtime-image')?.message ?? '',
    /the matrix's 'image' values are computed when the workflow runs/,
  );
  // The written axis is still expanded.
  assert.ok(findings.some((f) => f.rule === 'untrusted-image' && f.reference.text === 'someone/tool:1'));

  const needs = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-24.04',
    '    container: ${{ needs.setup.outputs.image }}',
    '    steps:',
    '      - uses: uraimo/run-on-arch-action@v2',
    '        with:',
    '          base_image: ${{ needs.setup.outputs.image }}',
    '          arch: aarch64',
    '          distro: ubuntu22.04',
  );
  const runtime = check(needs).findings.filter((f) => f.rule === 'runtime-image');
  assert.equal(runtime.length, 2);
  for (const f of runtime) {
    assert.match(f.message, /comes from 'needs', known only when the workflow runs/);
    assert.doesNotMatch(f.message, /empty|no matrix/);
  }
  const none = check(
    yaml(
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    container: ${{ matrix.image }}',
      '    steps:',
      '      - run: echo',
    ),
  );
  assert.match(none.findings[0].message, /the job has no matrix the value could come from/);
});

test('with a UTF-8 byte order mark, columns on line 1 are those an editor shows', () => {
  const line = "{on: push, jobs: {a: {runs-on: x, container: 'someuser/tool:1'}}}\n";
  const columns = [line, `\ufeff${line}`].map((text) => {
    const analysis = check(text);
    const finding = analysis.findings.find((f) => f.rule === 'untrusted-image');
    assert.ok(finding, JSON.stringify(analysis.findings.map((f) => f.rule)));
    const index = new LineIndex(text);
    const at = index.positionAt(finding.span.start);
    assert.equal(index.offsetAt(at), finding.span.start);
    return at;
  });
  assert.deepEqual(columns[1], columns[0]);
  assert.deepEqual(columns[0], { line: 0, character: line.indexOf('someuser') });
  // Through the CLI as well: `file:1:COLUMN:` counts what the editor shows.
  const dir = mkdtempSync(join(tmpdir(), 'wp-bom-'));
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  writeFileSync(join(dir, '.github/workflows/bom.yml'), `\ufeff${line}`);
  const r = spawnSync(process.execPath, [cli, 'check', '--offline', '.'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: hangGuardMs,
  });
  assert.match(r.stdout, new RegExp(`bom\\.yml:1:${line.indexOf('someuser') + 1}: warning untrusted-image`));
});

test('remove-job says in its title which needs.<job> readers it leaves reading nothing', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-24.04',
    '    container: someuser/tool:1',
    '    outputs:',
    '      image: ${{ steps.b.outputs.image }}',
    '    steps:',
    '      - run: echo',
    '  deploy:',
    '    needs: [build]',
    "    if: needs.build.outputs.image != ''",
    '    runs-on: ubuntu-24.04',
    '    steps:',
    '      - run: echo "${{ needs.build.outputs.image }}"',
    '  other:',
    '    runs-on: ubuntu-24.04',
    '    steps:',
    '      - run: echo "${{ needs.builder.outputs.x }}"',
  );
  const finding = check(text).findings.find((f) => f.rule === 'untrusted-image');
  const fix = finding?.fixes.find((f) => f.kind === 'remove-job');
  assert.ok(fix, JSON.stringify(finding?.fixes.map((f) => f.kind)));
  assert.equal(
    fix.title,
    "Remove the job 'build' (and it from other jobs' needs); breaks needs.build.outputs.image on line 12, needs.build.outputs.image on line 15, which will read nothing",
  );
  assert.notEqual(fix.safe, true);
});

test('remove-step says in its title which steps.<id> readers it leaves; a step without readers is removed plainly', () => {
  const steps = (reader: string) =>
    yaml(
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - id: pull',
      '        uses: docker://someuser/tool:1',
      `      - run: echo "${reader}"`,
    );
  const title = (text: string) =>
    check(text)
      .findings.find((f) => f.rule === 'untrusted-image')
      ?.fixes.find((f) => f.kind === 'remove-step')?.title;
  assert.equal(
    title(steps('${{ steps.pull.outcome }}')),
    "Remove the step 'docker://someuser/tool:1'; breaks steps.pull.outcome on line 8, which will read nothing",
  );
  assert.equal(
    title(steps("${{ steps['pull'].outputs.x }}")),
    "Remove the step 'docker://someuser/tool:1'; breaks steps['pull'].outputs.x on line 8, which will read nothing",
  );
  assert.equal(title(steps('${{ steps.pulled.outcome }}')), "Remove the step 'docker://someuser/tool:1'");
});

test('remove-matrix-entry is not offered for an anchored list that an alias copies elsewhere', () => {
  const fixesOf = (second: string) => {
    const text = yaml(
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    strategy:',
      '      matrix:',
      '        image: &images [someuser/one:1, someuser/two:1]',
      '    container: ${{ matrix.image }}',
      '    steps:',
      '      - run: echo',
      '  b:',
      '    runs-on: ubuntu-24.04',
      '    strategy:',
      '      matrix:',
      `        image: ${second}`,
      '    steps:',
      '      - run: echo',
    );
    const finding = check(text).findings.find(
      (f) => f.rule === 'untrusted-image' && f.reference.text === 'someuser/one:1',
    );
    assert.ok(finding);
    return finding.fixes.map((f) => f.kind);
  };
  assert.ok(!fixesOf('*images').includes('remove-matrix-entry'));
  assert.ok(fixesOf('[x, y]').includes('remove-matrix-entry'));
});
