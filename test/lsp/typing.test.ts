// Typing through a real client: the server reuses the parse of jobs an edit did not touch, and moves
// the positions of jobs below the edit. Whatever it reuses, the diagnostics it publishes after a run of
// edits must be exactly those a fresh server publishes for the same text.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Diagnostic, Position, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient, temporaryWorkspace, uriOf } from './lspClient';

function job(id: number, image: string): string {
  return [
    `  build-${id}:`,
    '    runs-on: ubuntu-24.04',
    `    container: ${image}`,
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - run: |',
    `          docker run --rm someuser/tool:${id} make`,
    '',
  ].join('\n');
}

const workflow = [
  '# release checks',
  'on: push',
  'jobs:',
  job(1, 'ghcr.io/loong64/debian:trixie'),
  job(2, 'debian:bookworm'),
  job(3, 'someuser/builder:1.0'),
  job(4, 'alpine:latest'),
].join('\n');

/** The diagnostics a fresh server publishes for `text` (no parse of an earlier text to reuse). */
async function freshDiagnostics(root: string, file: string, text: string): Promise<Diagnostic[]> {
  const client = await LspClient.start({ workspace: root });
  try {
    await client.status((s) => s.state === 'idle');
    const uri = uriOf(file);
    await client.open(uri, text);
    return (await client.diagnostics(uri, (p) => p.version === 1)).diagnostics;
  } finally {
    await client.stop();
  }
}

test('after typing in the header, inside a job and deleting a job, diagnostics equal a fresh server', async () => {
  const root = temporaryWorkspace('typing');
  mkdirSync(path.join(root, '.github/workflows'), { recursive: true });
  const file = path.join(root, '.github/workflows/release.yml');
  const uri = uriOf(file);
  const client = await LspClient.start({ workspace: root });
  const checkpoints: Array<{ label: string; text: string; diagnostics: Diagnostic[] }> = [];
  try {
    await client.status((s) => s.state === 'idle');
    await client.open(uri, workflow);
    let mirror = TextDocument.create(uri, 'yaml', 1, workflow);
    const opened = await client.diagnostics(uri, (p) => p.version === 1);
    assert.ok(
      opened.diagnostics.some((d) => d.code === 'community-image'),
      'the seed image is reported on open',
    );

    const edit = async (change: { range: { start: Position; end: Position }; text: string }) => {
      const changes: TextDocumentContentChangeEvent[] = [change];
      const version = await client.change(uri, changes);
      mirror = TextDocument.update(mirror, changes, version);
      return (await client.diagnostics(uri, (p) => p.version === version)).diagnostics;
    };
    const at = (needle: string, after = 0): Position => mirror.positionAt(mirror.getText().indexOf(needle) + after);

    // Typing in the header comment: every job moves by one character per keystroke.
    let diagnostics: Diagnostic[] = [];
    for (const letter of ' and tests') {
      const end = at('# release checks', '# release checks'.length);
      diagnostics = await edit({ range: { start: end, end }, text: letter });
    }
    checkpoints.push({ label: 'typed in the header', text: mirror.getText(), diagnostics });

    // Typing inside the third job's image: that job is parsed again, the fourth moves.
    const tag = at('someuser/builder:1.0', 'someuser/builder:'.length);
    diagnostics = await edit({
      range: { start: tag, end: { line: tag.line, character: tag.character + 3 } },
      text: '',
    });
    let typed = '';
    for (const letter of '2.5') {
      const end = at('someuser/builder:', 'someuser/builder:'.length + typed.length);
      diagnostics = await edit({ range: { start: end, end }, text: letter });
      typed += letter;
    }
    checkpoints.push({ label: 'typed in a job', text: mirror.getText(), diagnostics });

    // Deleting the second job whole: the jobs after it move up.
    const start = at('  build-2:');
    const end = at('  build-3:');
    diagnostics = await edit({ range: { start, end }, text: '' });
    checkpoints.push({ label: 'deleted a job', text: mirror.getText(), diagnostics });

    // Back to the text first opened: its pieces are known again at their first positions.
    diagnostics = await edit({
      range: { start: { line: 0, character: 0 }, end: mirror.positionAt(mirror.getText().length) },
      text: workflow,
    });
    checkpoints.push({ label: 'back to the first text', text: workflow, diagnostics });
  } finally {
    await client.stop();
  }
  for (const point of checkpoints) {
    assert.ok(point.diagnostics.length > 3, `${point.label}: the workflow has findings to compare`);
    // The document version a diagnostic's data carries differs by design.
    const unversioned = (list: Diagnostic[]) =>
      list.map((d) => ({ ...d, data: { ...(d.data as object), version: undefined } }));
    const fresh = await freshDiagnostics(root, file, point.text);
    assert.deepEqual(unversioned(point.diagnostics), unversioned(fresh), point.label);
  }
  // The edits changed what is reported, at the right places.
  const covered = (point: (typeof checkpoints)[number]) => {
    const document = TextDocument.create('file:///x', 'yaml', 1, point.text);
    return point.diagnostics.map((d) => document.getText(d.range));
  };
  assert.ok(covered(checkpoints[1]).includes('someuser/builder:2.5'), covered(checkpoints[1]).join(', '));
  assert.ok(covered(checkpoints[0]).includes('debian:bookworm'));
  assert.ok(!covered(checkpoints[2]).includes('debian:bookworm'));
});
