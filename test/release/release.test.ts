// A release as its users get it. scripts/release.mjs commits a release into a fresh clone of this
// repository; then
// - the GitHub Action runs as the runner runs it: that release cloned at its tag (no node_modules, no
//   build), the entry point named by action.yml started with INPUT_* (the defaults action.yml
//   declares, as the runner fills them in) and GITHUB_* variables; the log, the GITHUB_OUTPUT file,
//   the SARIF file and the exit status are checked;
// - Debian's pre-commit installs the hook from that release tag (`language: node`, offline, with the
//   system's node) and runs it on a repository's commit.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { repositoryRoot } from '../lsp/lspClient';
import { packageFiles } from '../package/packageFiles';

const root = repositoryRoot();
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const work = mkdtempSync(join(tmpdir(), 'wp-release-'));
const source = join(work, 'source');
const action = join(work, 'action');
after(() => rmSync(work, { recursive: true, force: true }));

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@127.0.0.1', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@127.0.0.1' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'advice.detachedHead=false', ...args], { cwd, env: gitEnv, encoding: 'utf8' }).trim();

interface Manifest {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; main: string };
}

before(() => {
  git(work, 'clone', '--quiet', root, source);
  const release = spawnSync(process.execPath, [join(root, 'scripts/release.mjs'), '--repo', source, '--allow-dirty'], { env: gitEnv, encoding: 'utf8' });
  assert.equal(release.status, 0, release.stderr);
  // What `uses: owner/repo@v0.1.0` fetches: that tag's tree, nothing more.
  git(work, 'clone', '--quiet', '--depth', '1', '--branch', `v${version}`, `file://${source}`, action);
});

test('a release is one commit of the release tree alone, on the release branch, the version tag and the major tag', () => {
  const releaseFiles = ['.pre-commit-hooks.yaml', 'action.yml', 'dist/action.js'];
  assert.deepEqual(git(action, 'ls-files').split('\n').sort(), [...packageFiles(root), ...releaseFiles].sort());
  const tagged = git(source, 'rev-parse', `v${version}^{commit}`);
  assert.equal(git(source, 'rev-parse', `v${version.split('.')[0]}^{commit}`), tagged);
  assert.equal(git(source, 'rev-parse', `refs/heads/releases/v${version.split('.')[0]}`), tagged);
  // The clone it was made in keeps its branch, index and working tree.
  assert.equal(git(source, 'status', '--porcelain'), '');
  assert.equal(git(source, 'rev-parse', 'HEAD'), git(root, 'rev-parse', 'HEAD'));
  const manifest = parse(readFileSync(join(action, 'action.yml'), 'utf8')) as Manifest;
  assert.ok(existsSync(join(action, manifest.runs.main)), `${manifest.runs.main} is not in the release`);
  // A release that is run a second time with the same version is refused, not overwritten.
  const again = spawnSync(process.execPath, [join(root, 'scripts/release.mjs'), '--repo', source, '--allow-dirty'], { env: gitEnv, encoding: 'utf8' });
  assert.equal(again.status, 1);
  assert.match(again.stderr, /tag v\d+\.\d+\.\d+ already exists/);
});

/** A checked-out repository, as GITHUB_WORKSPACE is. */
function checkout(files: Record<string, string>): string {
  const dir = mkdtempSync(join(work, 'workspace-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  git(dir, 'init', '--quiet');
  return dir;
}

/** Reads GITHUB_OUTPUT as the runner does: `name=value` lines and `name<<DELIMITER` blocks. */
function readOutputs(file: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  for (let i = 0; i < lines.length; i++) {
    const block = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (block) {
      const end = lines.indexOf(block[2], i + 1);
      assert.ok(end > i, `unterminated output ${block[1]}`);
      outputs[block[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      outputs[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1);
    }
  }
  return outputs;
}

function runAction(workspace: string, inputs: Record<string, string>) {
  const manifest = parse(readFileSync(join(action, 'action.yml'), 'utf8')) as Manifest;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: join(work, 'home'), XDG_CACHE_HOME: join(work, 'cache') };
  for (const [name, spec] of Object.entries(manifest.inputs)) env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? spec.default ?? '';
  const runnerTemp = mkdtempSync(join(work, 'runner-'));
  Object.assign(env, {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: join(runnerTemp, 'output'),
    GITHUB_STEP_SUMMARY: join(runnerTemp, 'summary'),
    RUNNER_TEMP: runnerTemp,
  });
  assert.equal(manifest.runs.using, 'node24');
  const r = spawnSync(process.execPath, [join(action, manifest.runs.main)], { cwd: workspace, env, encoding: 'utf8', timeout: 120000 });
  const summary = join(runnerTemp, 'summary');
  return { code: r.status, log: r.stdout + r.stderr, outputs: readOutputs(join(runnerTemp, 'output')), summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '' };
}

const seedWorkflow = readFileSync(join(root, 'examples/.github/workflows/release.yml'), 'utf8');

test('with the defaults, findings are annotations, counts are outputs and a summary, and warnings alone pass (fail-on: error)', (t) => {
  const r = runAction(checkout({ '.github/workflows/release.yml': seedWorkflow }), { online: 'false' });
  assert.equal(r.code, 0, r.log);
  const annotation = r.log.split('\n').find((l) => l.includes('title=community-image::'));
  assert.match(annotation ?? '', /^::warning file=\.github\/workflows\/release\.yml,line=23,col=50,endLine=23,endColumn=79,title=community-image::ghcr\.io\/loong64\/debian:trixie is a community image/);
  assert.deepEqual(r.outputs, { findings: '4', errors: '0', warnings: '1', notices: '3' });
  assert.match(r.summary, /^## Workflow Provenance$/m);
  assert.match(r.log, /^Workflow Provenance: 0 error\(s\), 1 warning\(s\), 3 notice\(s\)$/m);
  t.diagnostic(annotation ?? '');
});

test('fail-on: warning fails the step on the same findings, with one error annotation saying why', () => {
  const r = runAction(checkout({ '.github/workflows/release.yml': seedWorkflow }), { online: 'false', 'fail-on': 'warning' });
  assert.equal(r.code, 1, r.log);
  assert.match(r.log, /^::error title=Workflow Provenance::0 error\(s\), 1 warning\(s\), 3 notice\(s\) \(fail-on: warning\)$/m);
  assert.equal(r.outputs.warnings, '1');
});

test('format: text prints file:line:col lines instead of annotations', () => {
  const r = runAction(checkout({ '.github/workflows/release.yml': seedWorkflow }), { online: 'false', format: 'text' });
  assert.equal(r.code, 0, r.log);
  assert.match(r.log, /^\.github\/workflows\/release\.yml:23:50: warning community-image: ghcr\.io\/loong64\/debian:trixie/m);
  assert.doesNotMatch(r.log, /^::warning/m);
});

test('fail-on: never with sarif-file: errors are reported, SARIF written for upload-sarif, the step passes', () => {
  const workspace = checkout({});
  cpSync(join(root, 'examples'), workspace, { recursive: true });
  const r = runAction(workspace, { online: 'false', 'fail-on': 'never', 'sarif-file': 'results/provenance.sarif' });
  assert.equal(r.code, 0, r.log);
  assert.ok(Number(r.outputs.errors) > 0, 'the examples hold errors');
  assert.equal(r.outputs['sarif-file'], 'results/provenance.sarif');
  const sarif = JSON.parse(readFileSync(join(workspace, 'results/provenance.sarif'), 'utf8')) as { version: string; runs: Array<{ results: unknown[] }> };
  assert.equal(sarif.version, '2.1.0');
  assert.equal(sarif.runs[0].results.length, Number(r.outputs.findings));
});

test('a file that cannot be checked fails the step under fail-on: error', () => {
  const r = runAction(checkout({ '.github/workflows/broken.yml': 'jobs:\n  a: [unclosed\n' }), { online: 'false' });
  assert.equal(r.code, 1, r.log);
  assert.match(r.log, /^::error file=\.github\/workflows\/broken\.yml,line=\d+,col=\d+,title=workflow-provenance::YAML: /m);
  assert.match(r.log, /^::error title=Workflow Provenance::.*some files could not be checked/m);
});

test('a wrong input stops the step with a message naming it, and nothing is written', () => {
  const workspace = checkout({ '.github/workflows/release.yml': seedWorkflow });
  const r = runAction(workspace, { 'fail-on': 'sometimes', 'sarif-file': 'out.sarif' });
  assert.equal(r.code, 1);
  assert.equal(r.log.trim(), "::error title=Workflow Provenance::input 'fail-on' is 'sometimes'; use one of error, warning, never");
  assert.deepEqual(r.outputs, {});
  assert.equal(existsSync(join(workspace, 'out.sarif')), false);
});

test('pre-commit installs the hook from the release tag and runs it on workflows only, offline', (t) => {
  if (spawnSync('pre-commit', ['--version'], { stdio: 'ignore' }).status !== 0) {
    t.skip('skipped: pre-commit is not installed (apt-get install -y pre-commit)');
    return;
  }
  const repo = checkout({
    '.github/workflows/release.yml': seedWorkflow,
    // Not a workflow: the hook's `files` pattern keeps it out even though it names an image.
    'deploy/compose.yml': 'services:\n  web:\n    image: someuser/web:latest\n',
    '.pre-commit-config.yaml': ['repos:', `  - repo: file://${source}`, `    rev: v${version}`, '    hooks:', '      - id: workflow-provenance', ''].join('\n'),
  });
  git(repo, 'add', '--all');
  const env = {
    PATH: process.env.PATH,
    HOME: join(work, 'home'),
    PRE_COMMIT_HOME: join(work, 'pre-commit'),
    XDG_CACHE_HOME: join(work, 'cache'),
    // npm must not reach for the registry: the release has no dependencies to fetch.
    npm_config_offline: 'true',
    npm_config_cache: join(work, 'npm-cache'),
    npm_config_update_notifier: 'false',
  };
  const run = (...files: string[]) => {
    const r = spawnSync('pre-commit', ['run', '--files', ...files], { cwd: repo, env, encoding: 'utf8', timeout: 300000 });
    return { code: r.status, log: r.stdout + r.stderr };
  };

  const failed = run('.github/workflows/release.yml', 'deploy/compose.yml');
  assert.equal(failed.code, 1, failed.log);
  assert.match(failed.log, /^workflow provenance\.+Failed$/m);
  assert.match(failed.log, /^\.github\/workflows\/release\.yml:23:50: warning community-image: ghcr\.io\/loong64\/debian:trixie/m);
  assert.match(failed.log, /^1 file\(s\) checked, 4 finding\(s\)$/m);
  assert.doesNotMatch(failed.log, /compose\.yml/);
  t.diagnostic(failed.log.split('\n').filter((l) => /Failed|community-image|checked/.test(l)).join(' | '));

  const skipped = run('deploy/compose.yml');
  assert.equal(skipped.code, 0, skipped.log);
  assert.match(skipped.log, /^workflow provenance\.+\(no files to check\)Skipped$/m);
});
