// The language server shows verified provenance: an image attested with a test Sigstore instance and
// pushed to a real registry, the instance's trust root given as a file through the online settings.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { missingTools, startRegistry, type TestRegistry } from '../servers/registry';
import { RELEASE_IDENTITY, TestSigstore } from '../servers/sigstore';
import { type LspClient, startOnline, temporaryWorkspace, uriOf } from './lspClient';

const skip = missingTools();

describe('language server: provenance in the hover', { skip }, () => {
  let registry: TestRegistry;
  let sigstore: TestSigstore;
  let client: LspClient;
  let workspace: string;
  let file: string;
  let text: string;

  before(async () => {
    registry = await startRegistry();
    sigstore = new TestSigstore();
    const signed = await registry.pusher.image('acme/tools', '1.4', { platforms: ['linux/amd64'] });
    await registry.pusher.sigstoreReferrer('acme/tools', signed.digest, sigstore.attestation([signed.digest]).json);
    await registry.pusher.image('someone/builder', '2', { platforms: ['linux/amd64'] });
    workspace = temporaryWorkspace('provenance');
    mkdirSync(join(workspace, '.github/workflows'), { recursive: true });
    const rootFile = join(workspace, 'trusted_root.json');
    writeFileSync(rootFile, JSON.stringify(sigstore.trustedRoot()));
    writeFileSync(
      join(workspace, '.github/workflow-provenance.yml'),
      [
        'require-provenance:',
        `  - image: ${registry.host}/acme/*`,
        '    subject: https://github.com/acme/*/.github/workflows/release.yml@refs/tags/*',
        '',
      ].join('\n'),
    );
    file = join(workspace, '.github/workflows/ci.yml');
    text = [
      'on: push',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      `    container: ${registry.host}/acme/tools:1.4`,
      '    services:',
      '      db:',
      `        image: ${registry.host}/someone/builder:2`,
      '    steps:',
      '      - run: echo hi',
      '',
    ].join('\n');
    writeFileSync(file, text);
    client = await startOnline(workspace, {
      registryUrls: { [registry.host]: registry.url },
      sigstoreTrustedRoots: [rootFile],
    });
  });

  after(async () => {
    await client?.stop();
    await registry?.stop();
    sigstore?.dispose();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  const hoverText = async (line: number, character: number): Promise<string> => {
    const uri = uriOf(file);
    let value = '';
    // Hovering asks for the evidence; the second hover (after the look-up) shows the verdict.
    for (let i = 0; i < 100; i++) {
      const hover = await client.hover(uri, line, character);
      value =
        hover && typeof hover.contents === 'object' && 'value' in hover.contents
          ? hover.contents.value
          : JSON.stringify(hover);
      if (/\*\*Provenance: /.test(value)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return value;
  };

  test('the hover of a signed image shows the verified identity from its certificate', async () => {
    const uri = uriOf(file);
    await client.open(uri, text);
    const value = await hoverText(4, 24);
    assert.match(value, /\*\*Provenance: Verified\*\*/, value);
    assert.ok(value.includes(`built by \`${RELEASE_IDENTITY.subject}\``), value);
    assert.ok(
      value.includes(`source \`https://github.com/acme/tools\` at commit \`${RELEASE_IDENTITY.commit?.slice(0, 12)}\``),
      value,
    );
    assert.match(value, /verified by Sigstore at 127\.0\.0\.1:9 \(127\.0\.0\.1:9\)/, value);
  });

  test('the hover of an unsigned image says nothing was found, and where it looked; the diagnostic follows', async () => {
    const uri = uriOf(file);
    const value = await hoverText(7, 20);
    assert.match(value, /\*\*Provenance: No provenance found\*\*/, value);
    assert.match(value, /looked at: referrers tag sha256-[0-9a-f]{12}…, cosign tag/, value);
    assert.doesNotMatch(value, /built by/);
    const published = await client.diagnostics(
      uri,
      (p) => p.diagnostics.some((d) => d.code === 'unverified-image'),
      20000,
    );
    const unverified = published.diagnostics.filter((d) => d.code === 'unverified-image');
    assert.deepEqual(
      unverified.map((d) => d.range.start.line),
      [7],
    );
    // The signed image satisfies the policy: no provenance-mismatch anywhere.
    assert.equal(
      published.diagnostics.some((d) => d.code === 'provenance-mismatch'),
      false,
    );
  });
});
