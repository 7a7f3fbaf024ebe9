// The language server online: offline findings first, enriched when look-ups against a real registry
// and git server finish; pin quick fixes and "pin all" from the resolved digests and commits.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gitMissing, startGitServer, type TestGitServer } from '../servers/gitServer';
import { missingTools, startRegistry, type TestRegistry } from '../servers/registry';
import { seedImages, type SeededImages } from '../servers/seedImages';
import { applyTextEdits, editsFor, type LspClient, startOnline, temporaryWorkspace, uriOf } from './lspClient';

const skip = missingTools() ?? gitMissing();

describe('language server online', { skip }, () => {
  let registry: TestRegistry;
  let git: TestGitServer;
  let images: SeededImages;
  let client: LspClient;
  let file: string;
  let text: string;

  before(async () => {
    registry = await startRegistry();
    images = await seedImages(registry);
    git = await startGitServer();
    const workspace = temporaryWorkspace('online');
    mkdirSync(join(workspace, '.github/workflows'), { recursive: true });
    file = join(workspace, '.github/workflows/ci.yml');
    text = [
      'on: push',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      `    container: ${registry.host}/library/alpine:3.20`,
      '    steps:',
      '      - uses: actions/checkout@v4',
      `      - run: docker run --platform linux/riscv64 ${registry.host}/library/debian:trixie true`,
      '',
    ].join('\n');
    writeFileSync(file, text);
    client = await startOnline(workspace, { registryUrls: { [registry.host]: registry.url }, gitBaseUrl: git.baseUrl });
  });

  after(async () => {
    await client?.stop();
    await git?.stop();
    await registry?.stop();
  });

  test('offline findings come first, then the registry index adds unsupported-platform', async () => {
    const uri = uriOf(file);
    const enriched = await client.diagnostics(
      uri,
      (p) => p.diagnostics.some((d) => d.code === 'unsupported-platform'),
      20000,
    );
    const platform = enriched.diagnostics.find((d) => d.code === 'unsupported-platform')!;
    assert.equal(platform.range.start.line, 7);
    assert.match(String(platform.message), /registry index/);
    const first = client.published.find((p) => p.params.uri === uri)!;
    assert.equal(
      first.params.diagnostics.some((d) => d.code === 'unsupported-platform'),
      false,
      'the first publication is the offline one',
    );
    assert.ok(
      client.statuses.some((s) => s.state === 'resolving' && s.lookups > 0),
      JSON.stringify(client.statuses),
    );
    await client.status((s) => s.state === 'idle' && s.lookups === 0, 20000);
  });

  test('the hover shows the resolved digest and platforms', async () => {
    const uri = uriOf(file);
    await client.open(uri, text);
    await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'unsupported-platform'), 20000);
    const hoverText = async () => {
      const hover = await client.hover(uri, 4, 20);
      return hover && typeof hover.contents === 'object' && 'value' in hover.contents
        ? hover.contents.value
        : JSON.stringify(hover);
    };
    const first = await hoverText();
    assert.ok(first.includes(images.alpine.digest.slice(0, 19)), first);
    assert.match(first, /linux\/arm\/v7/);
    // The workspace pass reads digests and platforms; hovering asks for signatures and attestations.
    assert.match(first, /signatures and attestations: looking them up/);
    let second = first;
    for (let i = 0; i < 100 && /looking them up/.test(second); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      second = await hoverText();
    }
    assert.match(second, /signatures: `cosign:sha256-[0-9a-f]{64}\.sig`/, second);
    assert.match(second, /attestations: none found/);
  });

  test('the hover of an action shows the commit and its most specific tag', async () => {
    const uri = uriOf(file);
    const hover = await client.hover(uri, 6, 20);
    const value =
      hover && typeof hover.contents === 'object' && 'value' in hover.contents
        ? hover.contents.value
        : JSON.stringify(hover);
    assert.ok(value.includes(`commit \`${git.commits.two.slice(0, 12)}\`, tagged \`v4.2.2\``), value);
  });

  test('pin quick fixes carry the digest and the commit; pin all pins the file', async () => {
    const uri = uriOf(file);
    const published = await client.diagnostics(
      uri,
      (p) => p.diagnostics.some((d) => d.code === 'unpinned-action'),
      20000,
    );
    const action = published.diagnostics.find((d) => d.code === 'unpinned-action')!;
    const actions = await client.codeActions(uri, action.range, [action]);
    const pin = actions.find((a) => /^Pin actions\/checkout/.test(a.title));
    assert.ok(pin, actions.map((a) => a.title).join('\n'));
    const pinned = applyTextEdits(text, editsFor(pin.edit, uri));
    assert.ok(pinned.includes(`      - uses: actions/checkout@${git.commits.two} # v4.2.2\n`), pinned);

    const result = (await client.executeCommand('workflowProvenance.server.pinAll', [uri])) as { pinned: number };
    assert.equal(result.pinned, 3);
    const edit = client.appliedEdits[client.appliedEdits.length - 1];
    const all = applyTextEdits(text, editsFor(edit, uri));
    assert.ok(all.includes(`${registry.host}/library/alpine:3.20@${images.alpine.digest}\n`), all);
    assert.ok(all.includes(`${registry.host}/library/debian:trixie@${images.debian.digest} true`), all);
    assert.ok(all.includes(`actions/checkout@${git.commits.two} # v4.2.2`), all);
  });
});
