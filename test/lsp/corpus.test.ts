// The workflow that started the project: uv's LoongArch build used a community Debian image through a
// matrix value, where the official image publishes no linux/loong64.
import { corpusAbsent, loongArchWorkflow } from '../unit/support/corpus';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { MarkupContent } from 'vscode-languageserver-protocol/node';
import { LspClient, temporaryWorkspace, uriOf } from './lspClient';
import { writeFiles } from './fixtures';

test('the LoongArch workflow: community-image on line 854, and a hover that explains why', {
  skip: corpusAbsent,
}, async () => {
  const text = readFileSync(loongArchWorkflow, 'utf8');
  const root = temporaryWorkspace('uv');
  writeFiles(root, { '.github/workflows/build-binaries.yml': text });
  const client = await LspClient.start({ workspace: root });
  try {
    const uri = uriOf(path.join(root, '.github/workflows/build-binaries.yml'));
    // Closed: read from disk by the workspace check.
    const fromDisk = await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'community-image'));
    await client.open(uri, text, 'github-actions-workflow');
    const published = await client.diagnostics(uri, (p) => p.version === 1);
    assert.deepEqual(
      published.diagnostics.map((d) => [d.code, d.range.start.line]),
      fromDisk.diagnostics.map((d) => [d.code, d.range.start.line]),
      'the buffer and the disk give the same findings',
    );
    const finding = published.diagnostics.find((d) => d.code === 'community-image' && d.range.start.line === 853);
    assert.ok(
      finding,
      `community-image on line 854; got ${published.diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}`).join(', ')}`,
    );

    const line = text.split('\n')[853];
    const hover = await client.hover(uri, 853, line.indexOf('ghcr.io/loong64/debian') + 10);
    assert.ok(hover);
    const value = (hover.contents as MarkupContent).value;
    assert.match(value, /Official alternative:\*\* `debian/);
    assert.match(value, /no `linux\/loong64`/);
    assert.match(value, /Requested platform:\*\* `linux\/loong64`/);

    const actions = await client.codeActions(uri, finding.range, [finding]);
    assert.ok(
      actions.some((a) => a.title.includes('ghcr.io/loong64/*')),
      'trusting the publisher is offered',
    );
  } finally {
    await client.stop();
  }
});
