// Restricted Mode online: an untrusted workspace names a registry of its own (a loopback server that
// counts every connection); nothing reaches it, the status says so, and trusting the workspace lets
// the look-up go.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { workspaceTrustedNotification } from '../../server/src/lsp/protocol';
import { type Recorder, startRecorder } from '../servers/recorder';
import { startOnline, temporaryWorkspace, uriOf } from './lspClient';

test('an untrusted workspace makes no request to the registries it names until it is trusted', async (t) => {
  const registry: Recorder = await startRecorder();
  const workspace = temporaryWorkspace('restricted');
  t.after(async () => {
    await registry.stop();
    rmSync(workspace, { recursive: true, force: true });
  });
  mkdirSync(join(workspace, '.github/workflows'), { recursive: true });
  const file = join(workspace, '.github/workflows/ci.yml');
  // The image's registry is the counting server: reached at https://127.0.0.1:PORT, so even a TLS
  // handshake attempt shows up as a connection.
  writeFileSync(
    file,
    [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      `    container: ${registry.host}/team/tool:1`,
      '    steps:',
      '      - run: true',
      '',
    ].join('\n'),
  );
  const client = await startOnline(workspace, { timeoutMs: 2000 }, { workspaceTrusted: false });
  t.after(() => client.stop());

  const uri = uriOf(file);
  await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'unpinned-image'), 20_000);
  const status = await client.status((s) => s.state === 'idle' && (s.withheldRegistries ?? []).length > 0, 20_000);
  assert.deepEqual(status.withheldRegistries, [registry.host]);
  // Give a look-up that should not happen time to happen.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(registry.connections, 0, 'the untrusted workspace reached its own registry');

  await client.connection.sendNotification(workspaceTrustedNotification.method);
  const deadline = Date.now() + 20_000;
  while (registry.connections === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(registry.connections > 0, 'trusting the workspace did not start the look-up');
  const after = await client.status((s) => s.state === 'idle' && s.lookups === 0, 20_000);
  assert.equal(after.withheldRegistries, undefined);
});
