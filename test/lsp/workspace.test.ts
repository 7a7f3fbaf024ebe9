// The whole-workspace view: closed files from disk, config files, settings, file watching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { workspaceTrustedNotification } from '../../server/src/lsp/protocol';
import { parseDocument } from 'yaml';
import { checkoutLockText } from '../unit/support/actionsLock';
import { applyTextEdits, editsFor, LspClient, serverCommand, temporaryWorkspace, uriOf } from './lspClient';
import { communityContainerWorkflow, lineOf, matrixWorkflow, officialPinnedWorkflow, writeFiles } from './fixtures';

const lineText = (text: string, line: number): string => text.split('\n')[line];

const hasCommunity = (p: { diagnostics: Array<{ code?: string | number }> }): boolean =>
  p.diagnostics.some((d) => d.code === 'community-image');

test('every workflow of the workspace is checked at start, closed files read from disk', async () => {
  const root = temporaryWorkspace('start');
  writeFiles(root, {
    '.github/workflows/build.yml': communityContainerWorkflow,
    '.github/workflows/lint.yaml': officialPinnedWorkflow,
    'tools/setup/action.yml': 'name: setup\nruns:\n  using: docker\n  image: docker://ghcr.io/loong64/debian:trixie\n',
    'node_modules/dep/.github/workflows/vendored.yml': communityContainerWorkflow,
    'config/other.yml': 'container: ghcr.io/loong64/debian:trixie\n',
  });
  const client = await LspClient.start({ workspace: root });
  try {
    const build = path.join(root, '.github/workflows/build.yml');
    const published = await client.diagnostics(uriOf(build), hasCommunity);
    const finding = published.diagnostics.find((d) => d.code === 'community-image');
    assert.ok(finding);
    assert.equal(finding.source, 'workflow-provenance');
    assert.equal(finding.range.start.line, lineOf(communityContainerWorkflow, 'ghcr.io/loong64'));
    assert.equal(finding.severity, DiagnosticSeverity.Warning);
    // The rule's page ships next to the bundle: docs/rules/<id>.md.
    const href = finding.codeDescription?.href ?? '';
    assert.equal(href, uriOf(path.join(serverCommand().docsDir, 'rules', 'community-image.md')));
    assert.ok(existsSync(fileURLToPath(href)), `rule page ${href} exists`);

    const action = await client.diagnostics(uriOf(path.join(root, 'tools/setup/action.yml')), hasCommunity);
    assert.ok(action.diagnostics.length > 0);
    const lint = await client.diagnostics(uriOf(path.join(root, '.github/workflows/lint.yaml')));
    assert.deepEqual(lint.diagnostics, []);

    const idle = await client.status((s) => s.state === 'idle' && s.files === 3);
    assert.ok(idle.warnings >= 2, `status counts warnings over the workspace: ${JSON.stringify(idle)}`);
    assert.ok(
      client.statuses.some((s) => s.state === 'checking'),
      'a checking state is reported first',
    );
    // Vendored dependencies and YAML outside workflows are not analysed.
    assert.equal(client.latest.has(uriOf(path.join(root, 'node_modules/dep/.github/workflows/vendored.yml'))), false);
    assert.equal(client.latest.has(uriOf(path.join(root, 'config/other.yml'))), false);
  } finally {
    await client.stop();
  }
});

test('matrix-supplied images point at the expression that consumes them', async () => {
  const root = temporaryWorkspace('matrix');
  writeFiles(root, { '.github/workflows/matrix.yml': matrixWorkflow });
  const client = await LspClient.start({ workspace: root });
  try {
    const uri = uriOf(path.join(root, '.github/workflows/matrix.yml'));
    const published = await client.diagnostics(uri, hasCommunity);
    const finding = published.diagnostics.find((d) => d.code === 'community-image');
    assert.ok(finding);
    assert.equal(
      finding.range.start.line,
      lineOf(matrixWorkflow, 'ghcr.io/loong64'),
      'the finding sits on the matrix value',
    );
    const related = finding.relatedInformation ?? [];
    assert.ok(related.length > 0, 'relatedInformation is set');
    assert.equal(related[0].location.uri, uri);
    assert.equal(related[0].location.range.start.line, lineOf(matrixWorkflow, '${{ matrix.image }}'));
  } finally {
    await client.stop();
  }
});

test('the repository config file and the settings change what is trusted, live', async () => {
  const root = temporaryWorkspace('config');
  writeFiles(root, { '.github/workflows/build.yml': communityContainerWorkflow });
  const client = await LspClient.start({ workspace: root });
  try {
    const uri = uriOf(path.join(root, '.github/workflows/build.yml'));
    await client.diagnostics(uri, hasCommunity);

    // Trusting the publisher in the config file silences the finding once the watcher reports it.
    const config = path.join(root, '.github/workflow-provenance.yml');
    writeFileSync(config, 'trusted-images:\n  - ghcr.io/loong64/*\n');
    await client.filesChanged([{ file: config, type: 'created' }]);
    await client.diagnostics(uri, (p) => !hasCommunity(p));

    // Removing it brings the finding back.
    unlinkSync(config);
    await client.filesChanged([{ file: config, type: 'deleted' }]);
    await client.diagnostics(uri, hasCommunity);

    // The same through the editor's settings.
    await client.changeSettings({ trustedImages: ['ghcr.io/loong64/*'] });
    await client.diagnostics(uri, (p) => !hasCommunity(p));
    await client.changeSettings({ trustedImages: [], rules: { 'community-image': 'error' } });
    const asError = await client.diagnostics(uri, hasCommunity);
    assert.equal(asError.diagnostics.find((d) => d.code === 'community-image')?.severity, DiagnosticSeverity.Error);

    await client.changeSettings({ enable: false });
    await client.diagnostics(uri, (p) => p.diagnostics.length === 0);
    await client.changeSettings({ enable: true });
    await client.diagnostics(uri, hasCommunity);
  } finally {
    await client.stop();
  }
});

test('problems in the config file are shown on the config file', async () => {
  const root = temporaryWorkspace('badconfig');
  writeFiles(root, {
    '.github/workflows/build.yml': communityContainerWorkflow,
    '.github/workflow-provenance.yml': 'trusted-images: [quay.io/pypa/*\nrules: {\n',
  });
  const client = await LspClient.start({ workspace: root });
  try {
    const configUri = uriOf(path.join(root, '.github/workflow-provenance.yml'));
    const published = await client.diagnostics(configUri, (p) => p.diagnostics.length > 0);
    assert.equal(published.diagnostics[0].source, 'workflow-provenance');
    assert.equal(published.diagnostics[0].severity, DiagnosticSeverity.Error);
    // Workflows are still checked with the defaults.
    await client.diagnostics(uriOf(path.join(root, '.github/workflows/build.yml')), hasCommunity);

    writeFileSync(path.join(root, '.github/workflow-provenance.yml'), 'trusted-images:\n  - ghcr.io/loong64/*\n');
    await client.filesChanged([{ file: path.join(root, '.github/workflow-provenance.yml'), type: 'changed' }]);
    await client.diagnostics(configUri, (p) => p.diagnostics.length === 0);
    await client.diagnostics(uriOf(path.join(root, '.github/workflows/build.yml')), (p) => !hasCommunity(p));
  } finally {
    await client.stop();
  }
});

test("images under the repository owner's ghcr.io namespace are trusted, read from .git/config", async () => {
  const root = temporaryWorkspace('owner');
  writeFiles(root, {
    '.github/workflows/build.yml': communityContainerWorkflow,
    '.git/config':
      '[core]\n\tbare = false\n[remote "upstream"]\n\turl = https://github.com/someone/else.git\n[remote "origin"]\n\turl = git@github.com:Loong64/debian-images.git\n',
  });
  const client = await LspClient.start({ workspace: root });
  try {
    // Opened at once, before the workspace's policy is loaded: no verdict may flash up under the wrong policy.
    const opened = uriOf(path.join(root, '.github/workflows/opened.yml'));
    await client.open(opened, communityContainerWorkflow);
    const uri = uriOf(path.join(root, '.github/workflows/build.yml'));
    const published = await client.diagnostics(uri);
    assert.equal(hasCommunity(published), false, JSON.stringify(published.diagnostics));
    await client.diagnostics(opened, (p) => p.version === 1);
    const forOpened = client.published.filter((p) => p.params.uri === opened);
    assert.ok(forOpened.length > 0);
    assert.equal(
      forOpened.some((p) => hasCommunity(p.params)),
      false,
    );
  } finally {
    await client.stop();
  }
});

test('a workflow created, changed and deleted on disk is re-checked', async () => {
  const root = temporaryWorkspace('watch');
  writeFiles(root, { '.github/workflows/lint.yml': officialPinnedWorkflow });
  const client = await LspClient.start({ workspace: root });
  try {
    await client.status((s) => s.state === 'idle' && s.files === 1);
    const file = path.join(root, '.github/workflows/new.yml');
    writeFileSync(file, communityContainerWorkflow);
    await client.filesChanged([{ file, type: 'created' }]);
    await client.diagnostics(uriOf(file), hasCommunity);
    writeFileSync(file, officialPinnedWorkflow);
    await client.filesChanged([{ file, type: 'changed' }]);
    await client.diagnostics(uriOf(file), (p) => p.diagnostics.length === 0);
    writeFileSync(file, communityContainerWorkflow);
    await client.filesChanged([{ file, type: 'changed' }]);
    await client.diagnostics(uriOf(file), hasCommunity);
    unlinkSync(file);
    await client.filesChanged([{ file, type: 'deleted' }]);
    await client.diagnostics(uriOf(file), (p) => p.diagnostics.length === 0);
    await client.status((s) => s.files === 1);
  } finally {
    await client.stop();
  }
});

test("a closed file's hover and quick fix come from its text on disk now, not from when it was checked", async () => {
  const root = temporaryWorkspace('closed-fix');
  writeFiles(root, { '.github/workflows/build.yml': communityContainerWorkflow });
  const client = await LspClient.start({ workspace: root });
  try {
    const file = path.join(root, '.github/workflows/build.yml');
    const uri = uriOf(file);
    const published = await client.diagnostics(uri, hasCommunity);
    const finding = published.diagnostics.find((d) => d.code === 'community-image');
    assert.ok(finding);
    // Saved by another program, the watcher not yet heard from: an edit made from the earlier text
    // would land one line too high.
    const onDisk = `# moved down one line\n${communityContainerWorkflow}`;
    writeFileSync(file, onDisk);
    const line = lineOf(onDisk, 'ghcr.io/loong64');
    const hover = await client.hover(uri, line, lineText(onDisk, line).indexOf('debian') + 1);
    assert.equal(hover?.range?.start.line, line, JSON.stringify(hover));
    const moved = {
      ...finding,
      range: { start: { ...finding.range.start, line }, end: { ...finding.range.end, line } },
    };
    const actions = await client.codeActions(uri, moved.range, [moved]);
    const preferred = actions.find((a) => a.kind === 'quickfix' && a.isPreferred);
    assert.ok(preferred, actions.map((a) => a.title).join(', '));
    const fixed = applyTextEdits(onDisk, editsFor(preferred.edit, uri));
    const changed = fixed
      .split('\n')
      .map((l, i) => (l === lineText(onDisk, i) ? -1 : i))
      .filter((i) => i >= 0);
    assert.deepEqual(changed, [line], fixed);
    assert.match(lineText(fixed, line), /^ {4}container: \S+$/);
    assert.deepEqual(parseDocument(fixed).errors, []);
  } finally {
    await client.stop();
  }
});

test('edits to the config file apply live from the editor buffer, before it is saved', async () => {
  const root = temporaryWorkspace('configbuffer');
  writeFiles(root, {
    '.github/workflows/build.yml': communityContainerWorkflow,
    '.github/workflow-provenance.yml': 'trusted-images: []\n',
  });
  const client = await LspClient.start({ workspace: root });
  try {
    const uri = uriOf(path.join(root, '.github/workflows/build.yml'));
    await client.diagnostics(uri, hasCommunity);
    const configUri = uriOf(path.join(root, '.github/workflow-provenance.yml'));
    await client.open(configUri, 'trusted-images: []\n');
    await client.change(configUri, [{ text: 'trusted-images:\n  - ghcr.io/loong64/*\n' }]);
    await client.diagnostics(uri, (p) => !hasCommunity(p));
    // Closing without saving: the disk's version counts again.
    await client.close(configUri);
    await client.diagnostics(uri, hasCommunity);
  } finally {
    await client.stop();
  }
});

test('in an untrusted workspace the repository policy and owner are not applied until trust is granted', async () => {
  const join = path.join;
  const workspace = temporaryWorkspace('restricted');
  mkdirSync(join(workspace, '.github/workflows'), { recursive: true });
  writeFileSync(join(workspace, '.github/workflow-provenance.yml'), 'trusted-images:\n  - ghcr.io/someone/*\n');
  const workflow = join(workspace, '.github/workflows/ci.yml');
  writeFileSync(
    workflow,
    'on: push\njobs:\n  a:\n    runs-on: x\n    container: ghcr.io/someone/tool:1\n    steps: [{run: x}]\n',
  );
  const client = await LspClient.start({
    workspace,
    extraArgs: ['--debounce', '0'],
    initializationOptions: { workspaceTrusted: false },
  });
  try {
    const restricted = await client.diagnostics(uriOf(workflow), (p) => p.diagnostics.length > 0);
    assert.ok(
      restricted.diagnostics.some((d) => d.code === 'untrusted-image'),
      'the policy file cannot trust the image in Restricted Mode',
    );
    const config = await client.diagnostics(
      uriOf(join(workspace, '.github/workflow-provenance.yml')),
      (p) => p.diagnostics.length > 0,
    );
    assert.match(String(config.diagnostics[0].message), /Restricted Mode/);
    await client.connection.sendNotification(workspaceTrustedNotification.method);
    const trusted = await client.nextDiagnostics(
      uriOf(workflow),
      (p) => !p.diagnostics.some((d) => d.code === 'untrusted-image'),
    );
    assert.ok(trusted.diagnostics.every((d) => d.code !== 'untrusted-image'));
  } finally {
    await client.stop();
  }
});

test('a workflow whose check fails gets one diagnostic saying so, and the files after it are still checked', async () => {
  const root = temporaryWorkspace('contained');
  // A 100,000-deep block sequence in a matrix overflows the engine's stack today (its check throws).
  const deep = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        x:\n          ${'- '.repeat(100_000)}img\n    container: \${{ matrix.x }}\n    steps:\n      - run: echo\n`;
  writeFiles(root, {
    '.github/workflows/a-first.yml': communityContainerWorkflow,
    '.github/workflows/b-deep.yml': deep,
    '.github/workflows/c-last.yml': communityContainerWorkflow,
  });
  const client = await LspClient.start({ workspace: root });
  try {
    const last = await client.diagnostics(uriOf(path.join(root, '.github/workflows/c-last.yml')), hasCommunity);
    assert.ok(
      last.diagnostics.some((d) => d.code === 'community-image'),
      'the file after the failing one is checked',
    );
    const failed = await client.diagnostics(
      uriOf(path.join(root, '.github/workflows/b-deep.yml')),
      (p) => p.diagnostics.length > 0,
    );
    // Either the engine reports the depth as a finding, or the server says the check failed, and why.
    for (const d of failed.diagnostics.filter((x) => x.code === 'check-failed')) {
      assert.match(String(d.message), /could not be checked: .+/);
      assert.equal(failed.diagnostics.length, 1, 'a failed check is one diagnostic');
    }
    await client.status((s) => s.state === 'idle' && s.files === 3);
  } finally {
    await client.stop();
  }
});

test('the server registers its own file watchers, and does not read a workflow symlinked out of the folder (Restricted Mode too)', async () => {
  const outside = temporaryWorkspace('outside');
  writeFiles(outside, { 'theirs.yml': communityContainerWorkflow });
  const root = temporaryWorkspace('linked-out');
  writeFiles(root, { '.github/workflows/ours.yml': communityContainerWorkflow });
  symlinkSync(path.join(outside, 'theirs.yml'), path.join(root, '.github/workflows/theirs.yml'));
  const client = await LspClient.start({ workspace: root, initializationOptions: { workspaceTrusted: false } });
  try {
    await client.diagnostics(uriOf(path.join(root, '.github/workflows/ours.yml')), hasCommunity);
    await client.status((s) => s.state === 'idle' && s.files === 1);
    assert.equal(client.latest.has(uriOf(path.join(root, '.github/workflows/theirs.yml'))), false);
    assert.ok(
      client.logs.some((l) => /theirs\.yml" skipped: it is a symlink to .*, outside the checked folder/.test(l)),
      client.logs.join('\n'),
    );
    const watchers = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
    assert.match(JSON.stringify(watchers?.registerOptions), /\.github\/workflows\/\*\.\{yml,yaml\}/);
  } finally {
    await client.stop();
  }
});

test('at start the file open in the editor is checked before the rest of the workspace', async () => {
  const root = temporaryWorkspace('open-first');
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++)
    files[`.github/workflows/w${String(i).padStart(2, '0')}.yml`] = communityContainerWorkflow;
  writeFiles(root, files);
  const client = await LspClient.start({ workspace: root });
  try {
    // The editor sends didOpen right after `initialized`, while the server is still finding the files.
    const openUri = uriOf(path.join(root, '.github/workflows/w29.yml'));
    await client.open(openUri, communityContainerWorkflow);
    await client.status((s) => s.state === 'idle' && s.files === 30);
    const order = [...new Set(client.published.map((p) => p.params.uri))];
    assert.equal(order.length, 30);
    assert.equal(order[0], openUri, `published first: ${order[0]}`);
  } finally {
    await client.stop();
  }
});

test("GitHub's actions.lock beside a workflow changes its findings once the watcher reports it", async () => {
  const workflow =
    'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-go@v5\n';
  const lockText = checkoutLockText;
  const root = temporaryWorkspace('lockfile');
  writeFiles(root, { '.github/workflows/ci.yml': workflow });
  const client = await LspClient.start({ workspace: root });
  try {
    const uri = uriOf(path.join(root, '.github/workflows/ci.yml'));
    const checkoutUnpinned = (p: { diagnostics: Array<{ code?: unknown; range: { start: { line: number } } }> }) =>
      p.diagnostics.some((d) => d.code === 'unpinned-action' && d.range.start.line === 5);
    await client.diagnostics(uri, checkoutUnpinned);

    // The lockfile locks checkout's tag: no longer unpinned; setup-go, not in it, is named as missing.
    const lock = path.join(root, '.github/workflows/actions.lock');
    writeFileSync(lock, lockText);
    await client.filesChanged([{ file: lock, type: 'created' }]);
    const locked = await client.diagnostics(uri, (p) => !checkoutUnpinned(p));
    assert.ok(
      locked.diagnostics.some((d) => d.code === 'actions-lock-mismatch' && d.range.start.line === 6),
      JSON.stringify(locked.diagnostics.map((d) => [d.code, d.range.start.line])),
    );

    // Removing it brings the finding back.
    unlinkSync(lock);
    await client.filesChanged([{ file: lock, type: 'deleted' }]);
    await client.diagnostics(uri, checkoutUnpinned);
  } finally {
    await client.stop();
  }
});
