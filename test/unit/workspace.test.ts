// The workspace layer both faces use: safe reading (regular files only, one size limit, no symlink out
// of the checked folder or into .git), repository owner per file (linked worktrees too), and the policy
// file lookup bounded by the folder the user named. Symlinks and FIFOs are made in temporary folders.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { withShortExcerpts } from '../../server/src/engine/errorMessage';
import {
  CheckedFolder,
  findPolicyFile,
  findWorkflowFiles,
  readCheckedFile,
  repositoryOwner,
  repositoryRoot,
} from '../../server/src/workspace';
import { runCli } from './support/cli';

const scratch: string[] = [];
after(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'wp-workspace-'));
  scratch.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

// A hang (a FIFO read) would hit the guard and fail the test with a null status.
const run = (args: string[]) => runCli(args);

const origin = (owner: string) =>
  `[core]\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/${owner}/project.git\n`;
const workflow = (image: string) =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container: ${image}\n    steps:\n      - run: echo\n`;

/** Findings of a JSON run, as `file rule reference` lines (file relative to `base`). */
function findingLines(stdout: string, base: string): string[] {
  const parsed: { findings: Array<{ file: string; rule: string; reference: string }> } = JSON.parse(stdout);
  return parsed.findings.map((f) => `${f.file.replace(`${base}/`, '')} ${f.rule} ${f.reference}`).sort();
}

test('a FIFO among the workflows is skipped with its reason; the run ends and checks the rest', () => {
  const dir = folder({ '.github/workflows/ok.yml': workflow('someone/tool:1') });
  const made = spawnSync('mkfifo', [join(dir, '.github/workflows/pipe.yml')]);
  assert.equal(made.status, 0, 'mkfifo works here');
  assert.deepEqual(readCheckedFile(join(dir, '.github/workflows/pipe.yml'), new CheckedFolder(dir)), {
    skipped: 'it is a FIFO, not a regular file',
  });
  const r = run(['check', '--offline', dir]);
  assert.notEqual(r.code, null, 'the CLI did not hang');
  assert.match(r.stderr, /pipe\.yml": skipped: it is not a regular file/);
  assert.match(r.stdout, /ok\.yml:5:\d+: \w+ [\w-]+: /);
  assert.match(r.stderr, /1 file\(s\) checked/);
});

test('a workflow symlinked to /dev/zero is not read: outside the folder, and not a regular file', () => {
  const dir = folder({ '.github/workflows/ok.yml': workflow('debian:12') });
  symlinkSync('/dev/zero', join(dir, '.github/workflows/zero.yml'));
  assert.deepEqual(readCheckedFile('/dev/zero'), { skipped: 'it is a device, not a regular file' });
  const r = run(['check', '--offline', dir]);
  assert.notEqual(r.code, null);
  assert.match(r.stderr, /zero\.yml": skipped: it is a symlink to "\/dev\/zero", outside the checked folder/);
  // A file named on the command line is read wherever it lies, but still only when it is a regular file.
  const named = run(['check', '--offline', join(dir, '.github/workflows/zero.yml')]);
  assert.equal(named.code, 2);
  assert.match(named.stderr, /zero\.yml: it is a device, not a regular file/);
});

test('symlinks that leave the folder are not followed: a link to / or to a sibling folder is skipped', async () => {
  const outside = folder({ '.github/workflows/theirs.yml': workflow('someone/outsideronly:1') });
  const dir = folder({ '.github/workflows/ours.yml': workflow('debian:12') });
  symlinkSync('/', join(dir, 'root'));
  symlinkSync(outside, join(dir, 'vendor'));
  symlinkSync(join(outside, '.github/workflows/theirs.yml'), join(dir, '.github/workflows/linked.yml'));
  const found = await findWorkflowFiles(dir);
  assert.deepEqual(found.files, [join(dir, '.github/workflows/ours.yml')]);
  assert.deepEqual(found.skipped.map((s) => s.path.slice(dir.length + 1)).sort(), [
    '.github/workflows/linked.yml',
    'root',
    'vendor',
  ]);
  const r = run(['check', '--offline', '--format', 'sarif', dir]);
  assert.match(r.stdout, /ours\.yml/, 'the folder itself was checked');
  assert.doesNotMatch(r.stdout, /theirs\.yml|outsideronly/, 'nothing of the outside folder reaches the SARIF');
});

test('a workflow symlinked to .git/config is not read, and no token reaches the output', () => {
  const token = 'ghs_SECRETTOKEN0123456789abcdefghijklmnop';
  const config = `${origin('o')}[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${token}\n`;
  const dir = folder({ '.git/config': config, '.github/workflows/ok.yml': workflow('debian:12') });
  symlinkSync('../../.git/config', join(dir, '.github/workflows/leak.yml'));
  const r = run(['check', '--offline', dir]);
  assert.match(r.stderr, /leak\.yml": skipped: it is a symlink into \.git/);
  assert.doesNotMatch(r.stdout + r.stderr, /SECRETTOKEN/);
  // The same text as a file of its own: YAML messages quote a short, escaped excerpt at most.
  const copy = folder({ '.github/workflows/ci.yml': config });
  const direct = run(['check', '--offline', copy]);
  assert.match(direct.stderr, /YAML: /);
  assert.doesNotMatch(direct.stdout + direct.stderr, /SECRETTOKEN/);
  assert.equal(
    withShortExcerpts('Unexpected scalar token in YAML stream: "basic eC1hY2Nlc3MtdG9rZW46"'),
    'Unexpected scalar token in YAML stream: "basic eC1hY2Nlc3"…',
  );
  assert.equal(withShortExcerpts('Bad "\\u001b[31m"'), 'Bad "\\u001b[31m"');
});

test('one run over two repositories judges each file with its own owner and policy file', () => {
  const dir = folder({
    'alpha/.git/config': origin('alpha'),
    'alpha/.github/workflow-provenance.yml': 'trusted-images:\n  - ghcr.io/gamma/*\n',
    'alpha/.github/workflows/ci.yml':
      workflow('ghcr.io/alpha/tool:1') + workflow('ghcr.io/gamma/tool:1').replace(/^on: push\njobs:\n {2}a:/, '  b:'),
    'beta/.git/config': origin('beta'),
    'beta/.github/workflows/ci.yml':
      workflow('ghcr.io/alpha/tool:1') + workflow('ghcr.io/gamma/tool:1').replace(/^on: push\njobs:\n {2}a:/, '  b:'),
  });
  const r = run(['check', '--offline', '--format', 'json', dir]);
  const lines = findingLines(r.stdout, dir).filter((l) => !/(unpinned|mutable)/.test(l));
  // alpha trusts its own namespace and, by its policy, gamma; beta trusts neither.
  assert.deepEqual(
    lines.map((l) => l.replace(/ [\w-]+ /, ' ')),
    ['beta/.github/workflows/ci.yml ghcr.io/alpha/tool:1', 'beta/.github/workflows/ci.yml ghcr.io/gamma/tool:1'],
    r.stdout,
  );
  assert.match(r.stderr, /policy file: ".*alpha\/\.github\/workflow-provenance\.yml"/);
});

test("a linked worktree's owner comes from its main repository's config", () => {
  const dir = folder({
    'main/.git/config': origin('Alpha'),
    'main/.git/worktrees/wt/commondir': '../..\n',
    'wt/.github/workflows/ci.yml': workflow('ghcr.io/alpha/tool:1'),
  });
  writeFileSync(join(dir, 'wt/.git'), `gitdir: ${join(dir, 'main/.git/worktrees/wt')}\n`);
  assert.equal(repositoryRoot(join(dir, 'wt/.github/workflows')), join(dir, 'wt'));
  assert.equal(repositoryOwner(join(dir, 'wt')), 'alpha');
  const r = run(['check', '--offline', '--format', 'json', join(dir, 'wt')]);
  assert.deepEqual(
    findingLines(r.stdout, join(dir, 'wt')).filter((l) => /community|untrusted/.test(l)),
    [],
  );
});

test('a policy file above the named folder applies only inside the same repository, and is named', () => {
  const outsideRepo = folder({
    'workflow-provenance.yml': 'trusted-images:\n  - ghcr.io/gamma/*\n',
    'project/.github/workflows/ci.yml': workflow('ghcr.io/gamma/tool:1'),
  });
  assert.equal(findPolicyFile(join(outsideRepo, 'project/.github/workflows'), join(outsideRepo, 'project')), undefined);
  const r = run(['check', '--offline', '--format', 'json', join(outsideRepo, 'project')]);
  assert.ok(
    findingLines(r.stdout, outsideRepo).some((l) => /ghcr\.io\/gamma\/tool:1/.test(l) && /community|untrusted/.test(l)),
    r.stdout,
  );
  assert.doesNotMatch(r.stderr, /policy file/);

  const inRepo = folder({
    '.git/config': origin('o'),
    'workflow-provenance.yml': 'trusted-images:\n  - ghcr.io/gamma/*\n',
    'project/.github/workflows/ci.yml': workflow('ghcr.io/gamma/tool:1'),
  });
  assert.equal(
    findPolicyFile(join(inRepo, 'project/.github/workflows'), join(inRepo, 'project')),
    join(inRepo, 'workflow-provenance.yml'),
  );
  const inside = run(['check', '--offline', '--format', 'json', join(inRepo, 'project')]);
  assert.deepEqual(
    findingLines(inside.stdout, inRepo).filter((l) => /community|untrusted/.test(l)),
    [],
  );
  assert.match(inside.stderr, /policy file: ".*workflow-provenance\.yml"/);
});
