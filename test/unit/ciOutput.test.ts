// The CLI in CI: `--format github` annotations read back the way the Actions runner reads workflow
// commands, the step summary, `--exit-zero`, and hostile texts that try to forge log lines.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, seedWorkflow, workspace } from './support/cli';

interface Command {
  name: string;
  properties: Record<string, string>;
  data: string;
}

// The runner's reading of one log line (actions/runner ActionCommand): `::name k=v,k=v::data` after
// leading blanks, and the legacy `##[name ...]data` anywhere in the line.
function unescapeCommand(s: string, property: boolean): string {
  let out = s.replace(/%0D/g, '\r').replace(/%0A/g, '\n');
  if (property) out = out.replace(/%3A/g, ':').replace(/%2C/g, ',');
  return out.replace(/%25/g, '%');
}

function runnerCommand(line: string): Command | undefined {
  const trimmed = line.trimStart();
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2);
    if (end < 0) return undefined;
    const info = trimmed.slice(2, end);
    const space = info.indexOf(' ');
    const name = space < 0 ? info : info.slice(0, space);
    const properties: Record<string, string> = {};
    if (space >= 0) {
      for (const pair of info.slice(space + 1).split(',')) {
        const eq = pair.indexOf('=');
        if (eq > 0) properties[pair.slice(0, eq)] = unescapeCommand(pair.slice(eq + 1), true);
      }
    }
    return { name, properties, data: unescapeCommand(trimmed.slice(end + 2), false) };
  }
  const legacy = line.indexOf('##[');
  if (legacy >= 0 && line.indexOf(']', legacy) > 0)
    return { name: `legacy ${line.slice(legacy)}`, properties: {}, data: '' };
  return undefined;
}

function commands(output: string): Command[] {
  return output.split('\n').flatMap((l) => runnerCommand(l) ?? []);
}

/** Characters that must never reach a log or terminal raw (newlines between lines aside). */
const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

test('--format github: one annotation per finding, at the finding, file relative to the repository root', () => {
  const dir = workspace({ '.git/HEAD': 'ref: refs/heads/main\n', '.github/workflows/release.yml': seedWorkflow });
  // Checked through a sub-folder and from another working folder: the path is still the repository's.
  const r = runCli(['check', '--offline', '--format', 'github', join(dir, '.github')], '/');
  assert.equal(r.code, 1, r.stderr);
  const cmds = commands(r.stdout);
  assert.equal(cmds.length, r.stdout.trim().split('\n').length, 'every stdout line is a command');
  const community = cmds.find((c) => c.properties.title === 'community-image');
  assert.ok(community, r.stdout);
  assert.equal(community.name, 'warning');
  assert.deepEqual(community.properties, {
    file: '.github/workflows/release.yml',
    line: '8',
    col: '50',
    endLine: '8',
    endColumn: '79',
    title: 'community-image',
  });
  assert.match(community.data, /^ghcr\.io\/loong64\/debian:trixie is a community image/);
  // info findings are notices
  assert.ok(
    cmds.some((c) => c.name === 'notice' && c.properties.title === 'unpinned-image'),
    r.stdout,
  );
});

test('--format github writes a Markdown table per file and rule to $GITHUB_STEP_SUMMARY', () => {
  const dir = workspace({
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.github/workflows/release.yml': seedWorkflow,
    '.github/workflows/a|b.yml':
      'on: push\njobs:\n  a:\n    runs-on: x\n    container: someone/<img>:latest\n    steps: [{run: x}]\n',
    'summary.md': '# earlier step\n',
  });
  const summary = join(dir, 'summary.md');
  const r = runCli(['check', '--offline', '--format', 'github', dir], dir, { GITHUB_STEP_SUMMARY: summary });
  assert.equal(r.code, 1, r.stderr);
  const md = readFileSync(summary, 'utf8');
  assert.ok(md.startsWith('# earlier step\n\n## Workflow Provenance\n'), 'appended, not overwritten');
  assert.match(md, /\| File \| Rule \| Severity \| Findings \|/);
  assert.match(
    md,
    /\| \.github\/workflows\/release\.yml \| \[community-image\]\(https:\/\/[^)]+docs\/rules\/community-image\.md\) \| warning \| 1 \|/,
  );
  // A `|` in a file name stays inside its cell.
  assert.match(md, /\| \.github\/workflows\/a\\\|b\.yml \| \[invalid-image-reference\]/);
  const rows = md.split('\n').filter((l) => l.startsWith('| .github'));
  for (const row of rows) assert.equal(row.replace(/\\\|/g, '').split('|').length, 6, row);
  assert.doesNotMatch(md, /<img>/, 'no raw HTML from file texts');

  const clean = workspace({
    '.github/workflows/ok.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: x}]\n',
  });
  const s2 = join(clean, 'summary.md');
  assert.equal(runCli(['check', '--offline', '--format', 'github', clean], clean, { GITHUB_STEP_SUMMARY: s2 }).code, 0);
  assert.match(readFileSync(s2, 'utf8'), /No findings in 1 file\(s\) checked/);
});

test('--exit-zero: findings exit 0 (output unchanged); unreadable files and usage errors still exit 2', () => {
  const dir = workspace({ '.github/workflows/release.yml': seedWorkflow });
  const normal = runCli(['check', '--offline', '--format', 'sarif', dir]);
  const zero = runCli(['check', '--offline', '--format', 'sarif', '--exit-zero', dir]);
  assert.equal(normal.code, 1);
  assert.equal(zero.code, 0);
  assert.equal(zero.stdout, normal.stdout);
  assert.equal(runCli(['check', '--offline', '--exit-zero', join(dir, 'missing.yml')]).code, 2);
  assert.equal(runCli(['check', '--exit-zero', '--bogus', dir]).code, 2);
});

test('YAML errors become error annotations in --format github', () => {
  const dir = workspace({ '.git/HEAD': 'x', '.github/workflows/broken.yml': 'on: push\njobs:\n  a: [\n' });
  const r = runCli(['check', '--offline', '--format', 'github', dir], dir);
  assert.equal(r.code, 2);
  const c = commands(r.stdout).find((x) => x.properties.title === 'workflow-provenance');
  assert.ok(c, r.stdout);
  assert.equal(c.name, 'error');
  assert.equal(c.properties.file, '.github/workflows/broken.yml');
  assert.match(c.data, /^YAML: /);
});

const hostile = [
  'on: push',
  'jobs:',
  '  a:',
  '    runs-on: x',
  '    container: "evil\\n::error file=x.yml,line=1::forged\\n::add-mask::secret"',
  '    services:',
  '      s:',
  '        image: "\\e]0;pwned\\a\\e[2J\\e[31mred:1"',
  '      t:',
  '        image: "x/##[stop-commands]tok:1"',
  '      u:',
  '        image: "a\\u202eb/c:1\\u0085::warning::nel"',
  '    steps: [{run: x}]',
  '',
].join('\n');

// A file name can hold a newline and `::`, and so can the folders around it.
const hostileName = 'ci\n::error file=forged.yml::name.yml';

for (const format of ['text', 'github', 'json', 'sarif']) {
  test(`hostile references and file names forge no workflow command and reach no terminal raw (${format})`, () => {
    const dir = workspace({
      '.git/HEAD': 'x',
      '.github/workflows/ci.yml': hostile,
      [`.github/workflows/${hostileName}`]: hostile,
    });
    mkdirSync(join(dir, '::warning::x'));
    writeFileSync(
      join(dir, '::warning::x', 'action.yml'),
      'runs:\n  using: docker\n  image: docker://someone/img:latest\n',
    );
    const r = runCli(['check', '--offline', '--format', format, '.'], dir);
    assert.equal(r.code, 1, r.stderr);
    for (const [stream, text] of [
      ['stdout', r.stdout],
      ['stderr', r.stderr],
    ]) {
      assert.doesNotMatch(text, raw, `${stream} holds a raw control character`);
      const cmds = commands(text);
      if (format !== 'github' || stream === 'stderr') {
        assert.deepEqual(cmds, [], `${stream} forges a command`);
        continue;
      }
      // Our own annotations only: one per finding, each naming a real file and a rule.
      for (const c of cmds) {
        assert.ok(['error', 'warning', 'notice'].includes(c.name), c.name);
        // A name with control characters is shown escaped (it cannot be written back raw).
        assert.ok(
          [
            '.github/workflows/ci.yml',
            `.github/workflows/${hostileName.replace('\n', '\\n')}`,
            '::warning::x/action.yml',
          ].includes(c.properties.file),
          c.properties.file,
        );
        assert.match(c.properties.title, /^[a-z-]+$/);
        assert.doesNotMatch(c.data, /[\n\r]/);
      }
      assert.equal(cmds.length, text.trim().split('\n').length);
    }
    if (format === 'text') assert.match(r.stdout, /^\.\/::warning::x\/action\.yml:3:/m);
    if (format === 'json' || format === 'sarif') {
      // Still the same data once parsed: the escaping is JSON's own.
      const texts = JSON.stringify(JSON.parse(r.stdout));
      // (SARIF message text escapes brackets, which mark its embedded links.)
      assert.ok(
        texts.includes(format === 'json' ? '##[stop-commands]' : '##\\\\[stop-commands\\\\]'),
        'the reference text survives parsing',
      );
    }
  });
}
