// Open documents: diagnostics as you type, hovers, quick fixes applied and re-checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, MarkupContent } from 'vscode-languageserver-protocol/node';
import { CreateFile } from 'vscode-languageserver-protocol/node';
import { applyTextEdits, editsFor, LspClient, temporaryWorkspace, uriOf } from './lspClient';
import { columnOf, communityContainerWorkflow, lineOf, matrixWorkflow, writeFiles } from './fixtures';

const communityOf = (diagnostics: Diagnostic[]): Diagnostic | undefined =>
  diagnostics.find((d) => d.code === 'community-image');

async function openWorkspace(
  name: string,
  files: Record<string, string> = {},
): Promise<{ root: string; client: LspClient }> {
  const root = temporaryWorkspace(name);
  mkdirSync(path.join(root, '.github/workflows'), { recursive: true });
  writeFiles(root, files);
  const client = await LspClient.start({ workspace: root });
  await client.status((s) => s.state === 'idle');
  return { root, client };
}

test('open, edit incrementally, and the diagnostics follow the buffer', async () => {
  const { root, client } = await openWorkspace('edit');
  try {
    // An editor that does not know GitHub workflows still sends them; the path decides.
    const uri = uriOf(path.join(root, '.github/workflows/ci.yml'));
    await client.open(uri, communityContainerWorkflow, 'plaintext');
    const first = await client.diagnostics(uri, (p) => p.version === 1);
    const finding = communityOf(first.diagnostics);
    assert.ok(finding, 'community-image reported on open');

    // Replace only the image text, as an editor sends a small edit.
    const line = lineOf(communityContainerWorkflow, 'ghcr.io/loong64');
    const character = columnOf(communityContainerWorkflow, 'ghcr.io/loong64');
    const version = await client.change(uri, [
      {
        range: { start: { line, character }, end: { line, character: character + 'ghcr.io/loong64/'.length } },
        text: '',
      },
    ]);
    const second = await client.diagnostics(uri, (p) => p.version === version);
    assert.equal(communityOf(second.diagnostics), undefined, 'the official image is not a community image');

    // Several quick edits in a row are coalesced, and the last state is what shows.
    let v = version;
    for (let i = 0; i < 5; i++) {
      v = await client.change(uri, [
        { range: { start: { line, character }, end: { line, character } }, text: i === 4 ? 'ghcr.io/loong64/' : '' },
      ]);
    }
    const last = await client.diagnostics(uri, (p) => p.version === v);
    assert.ok(communityOf(last.diagnostics));
    const during = client.published.filter(
      (p) => p.params.uri === uri && (p.params.version ?? 0) > version && (p.params.version ?? 0) < v,
    );
    assert.ok(during.length < 4, `burst coalesced: ${during.map((p) => p.params.version).join(', ')}`);
  } finally {
    await client.stop();
  }
});

test('non-workflow YAML is ignored even when opened as yaml', async () => {
  const { root, client } = await openWorkspace('other');
  try {
    const other = uriOf(path.join(root, 'docker-compose.yml'));
    await client.open(other, 'services:\n  app:\n    image: ghcr.io/loong64/debian:trixie\n');
    const workflow = uriOf(path.join(root, '.github/workflows/x.yml'));
    await client.open(workflow, communityContainerWorkflow);
    await client.diagnostics(workflow, (p) => p.version === 1);
    assert.equal(client.latest.has(other), false);
    assert.equal(await client.hover(other, 2, 20), null);
  } finally {
    await client.stop();
  }
});

test('hover on an image explains the reference, its standing and the official alternative', async () => {
  const { root, client } = await openWorkspace('hover');
  try {
    const uri = uriOf(path.join(root, '.github/workflows/ci.yml'));
    await client.open(uri, communityContainerWorkflow);
    const line = lineOf(communityContainerWorkflow, 'ghcr.io/loong64');
    const hover = await client.hover(uri, line, columnOf(communityContainerWorkflow, 'debian:trixie') + 2);
    assert.ok(hover, 'a hover on the image');
    const value = (hover.contents as MarkupContent).value;
    assert.equal((hover.contents as MarkupContent).kind, 'markdown');
    assert.match(value, /`ghcr\.io`/);
    assert.match(value, /`loong64`/);
    assert.match(value, /`trixie`/);
    assert.match(value, /not pinned/);
    assert.match(value, /Community publisher/);
    assert.match(value, /Official alternative:\*\* `debian/);
    assert.match(value, /`community-image`/);
    assert.match(value, /https:\/\//, 'a link to the registry page');
    assert.equal(hover.range?.start.line, line);

    // Nothing to say about a plain key.
    assert.equal(await client.hover(uri, 0, 1), null);
  } finally {
    await client.stop();
  }
});

test('hover on a matrix expression shows the images it receives', async () => {
  const { root, client } = await openWorkspace('hovermatrix');
  try {
    const uri = uriOf(path.join(root, '.github/workflows/m.yml'));
    await client.open(uri, matrixWorkflow);
    const hover = await client.hover(
      uri,
      lineOf(matrixWorkflow, '${{ matrix.image }}'),
      columnOf(matrixWorkflow, 'matrix.image') + 2,
    );
    assert.ok(hover);
    const value = (hover.contents as MarkupContent).value;
    assert.match(value, /ghcr\.io\/loong64\/debian:trixie/);
  } finally {
    await client.stop();
  }
});

test('hover on an action shows owner, repository, ref and whether it is a commit', async () => {
  const { root, client } = await openWorkspace('hoveraction');
  try {
    const uri = uriOf(path.join(root, '.github/workflows/a.yml'));
    const text =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0\n';
    await client.open(uri, text);
    const tag = await client.hover(uri, 5, 18);
    assert.ok(tag);
    const tagText = (tag.contents as MarkupContent).value;
    assert.match(tagText, /`actions`/);
    assert.match(tagText, /`checkout`/);
    assert.match(tagText, /`v4`/);
    assert.match(tagText, /not a full commit/);
    const pinned = await client.hover(uri, 6, 18);
    assert.ok(pinned);
    const pinnedText = (pinned.contents as MarkupContent).value;
    assert.match(pinnedText, /full commit SHA/);
    assert.match(pinnedText, /`v4\.4\.0`/);
  } finally {
    await client.stop();
  }
});

test('a quick fix applied to the text makes its finding go away', async () => {
  const { root, client } = await openWorkspace('fix');
  try {
    const uri = uriOf(path.join(root, '.github/workflows/ci.yml'));
    await client.open(uri, communityContainerWorkflow);
    const published = await client.diagnostics(uri, (p) => p.version === 1);
    const finding = communityOf(published.diagnostics);
    assert.ok(finding);
    const actions = await client.codeActions(uri, finding.range, [finding]);
    const quickFixes = actions.filter((a) => a.kind === 'quickfix' && a.edit?.changes);
    assert.ok(quickFixes.length > 0, `quick fixes offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(
      quickFixes.every((a) => a.diagnostics?.[0]?.code === 'community-image'),
      'each fix is tied to its diagnostic',
    );
    assert.equal(quickFixes.filter((a) => a.isPreferred).length, 1, 'exactly one preferred fix');
    const preferred = quickFixes.find((a) => a.isPreferred);
    assert.ok(preferred);
    const fixed = applyTextEdits(communityContainerWorkflow, editsFor(preferred.edit, uri));
    assert.notEqual(fixed, communityContainerWorkflow);

    await client.change(uri, [{ text: fixed }]);
    const after = await client.diagnostics(uri, (p) => p.version === 2);
    assert.equal(communityOf(after.diagnostics), undefined, `after "${preferred.title}":\n${fixed}`);
  } finally {
    await client.stop();
  }
});

test('"Trust publisher" creates the config file, and the finding goes away', async () => {
  const { root, client } = await openWorkspace('trust', { '.github/workflows/ci.yml': communityContainerWorkflow });
  try {
    const file = path.join(root, '.github/workflows/ci.yml');
    const uri = uriOf(file);
    await client.open(uri, communityContainerWorkflow);
    const finding = communityOf((await client.diagnostics(uri, (p) => p.version === 1)).diagnostics);
    assert.ok(finding);
    const actions = await client.codeActions(uri, finding.range, [finding]);
    const trust = actions.find((a) => a.title.startsWith('Trust publisher'));
    assert.ok(trust, `offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(trust.kind, 'quickfix');
    assert.match(trust.title, /ghcr\.io\/loong64\/\*/);

    const config = path.join(root, '.github/workflow-provenance.yml');
    const configUri = uriOf(config);
    const changes = trust.edit?.documentChanges ?? [];
    assert.ok(CreateFile.is(changes[0]) && changes[0].uri === configUri, 'the file is created first');
    // Apply the workspace edit as an editor would: create the file, then edit it, then save.
    assert.equal(existsSync(config), false);
    writeFileSync(config, applyTextEdits('', editsFor(trust.edit, configUri)));
    await client.filesChanged([{ file: config, type: 'created' }]);
    await client.diagnostics(uri, (p) => communityOf(p.diagnostics) === undefined);
    assert.match(readFileSync(config, 'utf8'), /ghcr\.io\/loong64\/\*/);
  } finally {
    await client.stop();
  }
});

test('"Trust publisher" edits an existing config file in place', async () => {
  const existing = '# team policy\ntrusted-images:\n  - quay.io/pypa/*\n';
  const { root, client } = await openWorkspace('trustedit', { '.github/workflow-provenance.yml': existing });
  try {
    const uri = uriOf(path.join(root, '.github/workflows/ci.yml'));
    await client.open(uri, communityContainerWorkflow);
    const finding = communityOf((await client.diagnostics(uri, (p) => p.version === 1)).diagnostics);
    assert.ok(finding);
    const trust = (await client.codeActions(uri, finding.range, [finding])).find((a) =>
      a.title.startsWith('Trust publisher'),
    );
    assert.ok(trust);
    const configUri = uriOf(path.join(root, '.github/workflow-provenance.yml'));
    assert.equal(
      (trust.edit?.documentChanges ?? []).some((c) => CreateFile.is(c)),
      false,
    );
    const updated = applyTextEdits(existing, editsFor(trust.edit, configUri));
    assert.match(updated, /^# team policy/);
    assert.match(updated, /quay\.io\/pypa\/\*/);
    assert.match(updated, /ghcr\.io\/loong64\/\*/);
  } finally {
    await client.stop();
  }
});

test('fix all applies exactly the safe fixes, and nothing a human should decide', async () => {
  const { root, client } = await openWorkspace('fixall');
  try {
    const uri = uriOf(path.join(root, '.github/workflows/ci.yml'));
    await client.open(uri, communityContainerWorkflow);
    const before = await client.diagnostics(uri, (p) => p.version === 1);
    // The data payload carries each finding's fixes, so the client-side view of "safe" is known.
    const safe = before.diagnostics.filter((d) =>
      (d.data as { fixes?: Array<{ safe?: boolean }> }).fixes?.some((f) => f.safe === true),
    );
    const everywhere = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const actions = await client.codeActions(uri, everywhere, [], ['source.fixAll']);
    const fixAll = actions.find((a) => a.kind === 'source.fixAll.workflow-provenance');
    if (safe.length === 0) {
      // Switching to another image or removing a job changes what is tested: never done unasked.
      assert.equal(fixAll, undefined, 'no fix all when no fix is safe');
    } else {
      assert.ok(fixAll);
      const fixed = applyTextEdits(communityContainerWorkflow, editsFor(fixAll.edit, uri));
      await client.change(uri, [{ text: fixed }]);
      const after = await client.diagnostics(uri, (p) => p.version === 2);
      assert.ok(after.diagnostics.length < before.diagnostics.length, `fewer findings after fix all:\n${fixed}`);
    }
    // Quick-fix requests never get the source action, and source requests get no quick fixes.
    const quick = await client.codeActions(uri, before.diagnostics[0].range, [before.diagnostics[0]], ['quickfix']);
    assert.ok(quick.length > 0);
    assert.equal(
      quick.some((a) => a.kind?.startsWith('source')),
      false,
    );
    assert.equal(
      actions.some((a) => a.kind === 'quickfix'),
      false,
    );
  } finally {
    await client.stop();
  }
});

test('a half-typed document is answered and does not crash the server', async () => {
  const { root, client } = await openWorkspace('halftyped');
  try {
    const uri = uriOf(path.join(root, '.github/workflows/typing.yml'));
    const full = communityContainerWorkflow;
    await client.open(uri, '');
    // Type the file in chunks, cutting mappings, quotes and keys in half.
    const cuts = [3, 17, 25, 40, 58, 71, 90, 101, full.length];
    let text = '';
    for (const cut of cuts) {
      const chunk = full.slice(text.length, cut);
      const end = positionAtEnd(text);
      await client.change(uri, [{ range: { start: end, end }, text: chunk }]);
      text += chunk;
    }
    const broken = [
      'on: push\njobs:\n  a:\n    container: "ghcr.io/loong64/debian:trixie\n    steps:\n      - run: [\n',
      'jobs:\n  a:\n    container:\n      image: ghcr.io/loong64/\n    strategy: { matrix: { image: [ "a, \'b ] }\n',
      '\t\u0000jobs: &x\n  *x: {{{\n: : :\n- - -\n"',
      'jobs:\n  b:\n    steps:\n      - uses: actions/checkout@\n      - uses: @v4\n      - uses: docker://\n',
    ];
    for (const b of broken) {
      const version = await client.change(uri, [{ text: b }]);
      const published = await client.diagnostics(uri, (p) => p.version === version);
      const hover = await client.hover(uri, 3, 20);
      await client.codeActions(
        uri,
        { start: { line: 3, character: 0 }, end: { line: 3, character: 10 } },
        published.diagnostics,
      );
      assert.ok(hover === null || typeof hover === 'object');
    }
    const yamlError = client.latest.get(uri)?.diagnostics.find((d) => d.code === 'yaml-syntax');
    assert.ok(yamlError, 'YAML syntax errors are reported');
    assert.equal(yamlError.source, 'workflow-provenance');

    // Still alive and right afterwards.
    const version = await client.change(uri, [{ text: full }]);
    const published = await client.diagnostics(uri, (p) => p.version === version);
    assert.ok(communityOf(published.diagnostics));
    assert.equal(client.child.exitCode, null);
  } finally {
    await client.stop();
  }
});

test('commands: re-check the workspace, and pin-all answers with a clear message', async () => {
  const { root, client } = await openWorkspace('commands', { '.github/workflows/ci.yml': communityContainerWorkflow });
  try {
    const caps = client.initializeResult?.capabilities;
    assert.deepEqual(caps?.executeCommandProvider?.commands, [
      'workflowProvenance.server.recheck',
      'workflowProvenance.server.pinAll',
    ]);
    const file = path.join(root, '.github/workflows/second.yml');
    // Written without telling the server: only a re-check can find it.
    writeFileSync(file, communityContainerWorkflow);
    const result = (await client.executeCommand('workflowProvenance.server.recheck')) as {
      files: number;
      warnings: number;
    };
    assert.equal(result.files, 2);
    await client.diagnostics(uriOf(file), (p) => communityOf(p.diagnostics) !== undefined);
    const pin = (await client.executeCommand('workflowProvenance.server.pinAll')) as { message: string };
    assert.match(pin.message, /online/);
  } finally {
    await client.stop();
  }
});

function positionAtEnd(text: string): { line: number; character: number } {
  const lines = text.split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

test('images inside run scripts are found: the shell parser loads from beside the bundle', async () => {
  const { root, client } = await openWorkspace('script');
  try {
    const uri = uriOf(path.join(root, '.github/workflows/script.yml'));
    const text =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          set -e\n          docker run --rm ghcr.io/loong64/debian:trixie uname -m\n';
    await client.open(uri, text);
    const published = await client.diagnostics(uri, (p) => p.version === 1);
    const finding = communityOf(published.diagnostics);
    assert.ok(finding, JSON.stringify(published.diagnostics));
    assert.equal(finding.range.start.line, 7);
    assert.equal(finding.range.start.character, text.split('\n')[7].indexOf('ghcr.io'));
  } finally {
    await client.stop();
  }
});
