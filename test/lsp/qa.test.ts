// Regressions found by trying to break the language server over a real stdio client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { LspClient, temporaryWorkspace, uriOf } from './lspClient';
import { communityContainerWorkflow, writeFiles } from './fixtures';

test('a symlinked workflow and action.yml are in the Problems panel without being opened, as the CLI checks them', async () => {
  const root = temporaryWorkspace('symlink');
  // A shared workflow kept outside .github/ and linked in: GitHub and the CLI both read it there.
  writeFiles(root, {
    'ci/shared.yml': communityContainerWorkflow,
    'docker/action.yml': 'runs:\n  using: docker\n  image: docker://ghcr.io/loong64/debian:trixie\n',
  });
  mkdirSync(path.join(root, '.github/workflows'), { recursive: true });
  const linkedWorkflow = path.join(root, '.github/workflows/linked.yml');
  const linkedAction = path.join(root, 'action.yml');
  symlinkSync(path.join(root, 'ci/shared.yml'), linkedWorkflow);
  symlinkSync(path.join(root, 'docker/action.yml'), linkedAction);
  const client = await LspClient.start({ workspace: root });
  try {
    await client.status((s) => s.state === 'idle');
    const workflow = await client.diagnostics(uriOf(linkedWorkflow), () => true, 3000).catch(() => undefined);
    assert.ok(
      workflow?.diagnostics.some((d) => d.code === 'community-image'),
      'the linked workflow is checked',
    );
    const action = await client.diagnostics(uriOf(linkedAction), () => true, 3000).catch(() => undefined);
    assert.ok(
      action?.diagnostics.some((d) => d.code === 'community-image'),
      'the linked action.yml is checked',
    );
  } finally {
    await client.stop();
  }
});

test('a workflow over the size limit gets one information diagnostic instead of a long analysis', async () => {
  const workspace = temporaryWorkspace('qa-large');
  const client = await LspClient.start({ workspace, extraArgs: ['--debounce', '0'] });
  try {
    const uri = uriOf(path.join(workspace, '.github/workflows/huge.yml'));
    const jobs = Array.from(
      { length: 12000 },
      (_, i) =>
        `  job${i}:\n    runs-on: ubuntu-latest\n    container: ghcr.io/someone/tool:${i}\n    steps: [{run: echo}]\n`,
    ).join('');
    const text = `on: push\njobs:\n${jobs}`;
    assert.ok(text.length > 1_000_000);
    await client.open(uri, text);
    const published = await client.diagnostics(uri, (p) => p.diagnostics.length > 0, 20000);
    assert.deepEqual(
      published.diagnostics.map((d) => [d.code, d.severity]),
      [['file-too-large', 3]],
    );
    assert.equal(await client.hover(uri, 4, 20), null);
  } finally {
    await client.stop();
  }
});
