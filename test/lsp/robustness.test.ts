// Nothing the user types may crash the server or make it slow: a long run of random edits, cuts and
// garbage over a real workflow, each followed by a hover and a code action request.
import { loongArchWorkflow } from '../unit/support/corpus';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol/node';
import { LspClient, temporaryWorkspace, uriOf } from './lspClient';
import { communityContainerWorkflow, matrixWorkflow } from './fixtures';

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const fragments = [
  '${{',
  '}}',
  '"',
  "'",
  ':',
  '- ',
  '\n',
  '\t',
  '  ',
  '[',
  ']',
  '{',
  '}',
  '&a ',
  '*a',
  '|',
  '>',
  '#',
  '@',
  'docker://',
  'container:',
  '\u00e9',
  '\ud83d',
  '\u0000',
];

test('random edits never crash the server, and every request is answered', async (t) => {
  const base = existsSync(loongArchWorkflow)
    ? readFileSync(loongArchWorkflow, 'utf8')
    : matrixWorkflow + communityContainerWorkflow;
  const root = temporaryWorkspace('fuzz');
  const client = await LspClient.start({ workspace: root });
  try {
    const uri = uriOf(path.join(root, '.github/workflows/fuzz.yml'));
    await client.open(uri, base);
    await client.diagnostics(uri, (p) => p.version === 1);
    const next = random(20260611);
    let text = base;
    let slowest = 0;
    for (let round = 0; round < 60; round++) {
      const changes: TextDocumentContentChangeEvent[] = [];
      const start = Math.floor(next() * text.length);
      const end = Math.min(text.length, start + Math.floor(next() * 200));
      const kind = next();
      const insert =
        kind < 0.4
          ? fragments[Math.floor(next() * fragments.length)]
          : kind < 0.7
            ? ''
            : text.slice(end, end + Math.floor(next() * 80));
      const lines = text.slice(0, start).split('\n');
      const startPos = { line: lines.length - 1, character: lines[lines.length - 1].length };
      const endLines = text.slice(0, end).split('\n');
      const endPos = { line: endLines.length - 1, character: endLines[endLines.length - 1].length };
      changes.push({ range: { start: startPos, end: endPos }, text: insert });
      text = text.slice(0, start) + insert + text.slice(end);
      // Every tenth round starts over from a prefix: a file cut off mid-line.
      if (round % 10 === 9) {
        text = base.slice(0, Math.floor(next() * base.length));
        changes.splice(0, changes.length, { text });
      }
      const started = performance.now();
      const version = await client.change(uri, changes);
      await client.diagnostics(uri, (p) => p.version === version);
      await client.hover(uri, startPos.line, startPos.character);
      await client.codeActions(uri, { start: startPos, end: startPos }, client.latest.get(uri)?.diagnostics ?? []);
      slowest = Math.max(slowest, performance.now() - started);
    }
    assert.equal(client.child.exitCode, null, 'the server is still running');
    const failures = client.logs.filter(
      (l) => /^\[[\w/]+\]/.test(l) || l.startsWith('Uncaught') || l.startsWith('Unhandled'),
    );
    assert.deepEqual(failures, [], 'no handler failed');
    // A figure, not a bound: speed is measured by the benchmark (npm run bench), not here.
    t.diagnostic(`slowest round trip ${Math.round(slowest)} ms`);
    // And it still tells the truth about the original text.
    const version = await client.change(uri, [{ text: base }]);
    const published = await client.diagnostics(uri, (p) => p.version === version);
    assert.ok(published.diagnostics.some((d) => d.code === 'community-image'));
  } finally {
    await client.stop();
  }
});
