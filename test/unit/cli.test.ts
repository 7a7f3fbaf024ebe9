// The CLI as a user runs it: the bundled dist/cli.js in a child process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDocument } from 'yaml';
import { cliPath as cli, seedWorkflow as loong, runCli as run, workspace } from './support/cli';
import { projectRoot } from './support/engine';

const root = projectRoot();

test('the bundle exists (npm test builds it first)', () => {
  assert.ok(existsSync(cli), `${cli} missing: run node scripts/build.mjs`);
});

test('text output: file:line:col: severity rule: message, exit 1 on warnings', () => {
  const dir = workspace({ '.github/workflows/release.yml': loong, 'not-a-workflow.yml': 'a: 1\n' });
  const r = run(['check', '--offline', dir]);
  assert.equal(r.code, 1, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.includes('community-image'));
  assert.ok(line, r.stdout);
  assert.match(
    line,
    /release\.yml:8:50: warning community-image: ghcr\.io\/loong64\/debian:trixie is a community image/,
  );
  assert.match(r.stderr, /1 file\(s\) checked/);
});

test('json output: 1-based lines and columns, exclusive end, fixes as edits', () => {
  const dir = workspace({ '.github/workflows/release.yml': loong });
  const r = run(['check', '--offline', '--format', 'json', dir]);
  const out = JSON.parse(r.stdout) as {
    findings: Array<
      Record<string, unknown> & { fixes: Array<{ kind: string; edits: Array<Record<string, unknown>> }> }
    >;
  };
  const f = out.findings.find((x) => x.rule === 'community-image')!;
  assert.deepEqual(
    [f.line, f.column, f.endLine, f.endColumn, f.severity, f.reference],
    [8, 50, 8, 79, 'warning', 'ghcr.io/loong64/debian:trixie'],
  );
  const ignore = f.fixes.find((x) => x.kind === 'ignore')!;
  assert.equal(ignore.edits[0].line, 8);
  assert.equal(ignore.edits[0].newText, ' # workflow-provenance: ignore[community-image]');
  assert.ok(Array.isArray(f.related) && (f.related as unknown[]).length === 1);
});

test('sarif output is SARIF 2.1.0 with rules, help, locations and fixes', () => {
  const dir = workspace({ '.github/workflows/release.yml': loong });
  const r = run(['check', '--offline', '--format', 'sarif', dir]);
  const sarif = JSON.parse(r.stdout);
  assert.equal(sarif.version, '2.1.0');
  const driver = sarif.runs[0].tool.driver;
  assert.ok(driver.rules.length >= 9);
  const rule = driver.rules.find((x: { id: string }) => x.id === 'community-image');
  assert.match(rule.help.markdown, /# community-image/);
  const res = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'community-image');
  assert.equal(res.level, 'warning');
  assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, '.github/workflows/release.yml');
  assert.deepEqual(res.locations[0].physicalLocation.region, {
    startLine: 8,
    startColumn: 50,
    endLine: 8,
    endColumn: 79,
  });
});

test('YAML errors and unreadable files exit 2 with file:line:col on stderr; other files are still checked', () => {
  const dir = workspace({
    '.github/workflows/broken.yml': 'on: push\njobs:\n  a: [\n',
    '.github/workflows/ok.yml': loong,
  });
  const r = run(['check', '--offline', dir, join(dir, 'missing.yml')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /broken\.yml:\d+:\d+: YAML: /);
  assert.match(r.stderr, /missing\.yml: no such file or folder/);
  assert.match(r.stdout, /ok\.yml:8:50: warning community-image/);
});

test('a file named explicitly is checked wherever it lies; a clean file exits 0', () => {
  const dir = workspace({
    'ci/build.yml':
      'on: push\njobs:\n  a:\n    runs-on: x\n    container: debian:trixie@sha256:' +
      'ab'.repeat(32) +
      '\n    steps: [{run: x}]\n',
  });
  const r = run(['check', '--offline', join(dir, 'ci/build.yml')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.trim(), '');
});

test('the policy file is found above the workflow; its mistakes are reported with file:line', () => {
  const dir = workspace({
    '.git/config': '[remote "origin"]\n\turl = https://github.com/loong64/project.git\n',
    '.github/workflow-provenance.yml': 'rules:\n  community-image: error\n  nope: off\n',
    '.github/workflows/release.yml': loong,
  });
  const r = run(['check', '--offline', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /workflow-provenance\.yml:3:3: config: unknown key 'nope' in rules/);
  // The repository owner (loong64) makes ghcr.io/loong64 its own namespace: trusted, no finding.
  assert.doesNotMatch(r.stdout, /community-image/);
});

test('usage errors exit 2 with a message', () => {
  assert.equal(run(['check']).code, 2);
  const r = run(['check', '--format', 'xml', '.']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown format 'xml'/);
  assert.equal(run(['frobnicate']).code, 2);
});

test('the bundled examples show every offline rule', {
  skip: !existsSync(join(root, 'examples/.github/workflows')) && 'examples not present',
}, () => {
  const r = run(['check', '--offline', '--format', 'json', 'examples']);
  const rules = new Set((JSON.parse(r.stdout).findings as Array<{ rule: string }>).map((f) => f.rule));
  for (const rule of [
    'community-image',
    'untrusted-image',
    'mutable-tag',
    'unpinned-image',
    'unsupported-platform',
    'unpinned-action',
    'invalid-image-reference',
  ]) {
    assert.ok(rules.has(rule), `examples should show ${rule}`);
  }
  for (const file of ['examples/.github/workflow-provenance.yml']) {
    if (existsSync(join(root, file)))
      assert.deepEqual(parseDocument(readFileSync(join(root, file), 'utf8')).errors, []);
  }
});

test('--version prints the version of the manifest the package is built from, as SARIF names it', () => {
  const { version } = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string };
  const r = run(['--version'], projectRoot());
  assert.equal(r.stdout.trim(), version);
  const sarif = JSON.parse(
    run(['check', '--offline', '--format', 'sarif', '.'], workspace({ 'ci.yml': loong })).stdout,
  );
  assert.equal(sarif.runs[0].tool.driver.version, version);
});

test('output larger than a pipe holds reaches a reader that starts late, whole, then the exit status', async () => {
  // 400 jobs, each with an image of an unknown publisher: several hundred KiB of JSON; a pipe holds 64 KiB.
  const jobs = Array.from(
    { length: 400 },
    (_, i) => `  j${i}:\n    runs-on: ubuntu-latest\n    container: someone/tool:${i}\n    steps: [{ run: echo }]`,
  );
  const dir = workspace({ '.github/workflows/many.yml': `on: push\njobs:\n${jobs.join('\n')}\n` });
  const child = spawn(process.execPath, [cli, 'check', '--offline', '--format', 'json', dir]);
  child.stderr.resume();
  child.stdout.pause();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk)).resume();
  const code = await new Promise((resolve) => child.on('close', resolve));
  const output = Buffer.concat(chunks);
  assert.ok(output.length > 256 * 1024, `only ${output.length} bytes`);
  const findings = (JSON.parse(output.toString('utf8')) as { findings: Array<{ rule: string }> }).findings;
  assert.equal(findings.filter((f) => f.rule === 'untrusted-image').length, 400);
  assert.equal(code, 1);
});
