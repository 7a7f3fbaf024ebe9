// Badly framed input over real stdio: the server answers with a parse error and keeps serving.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LspClient, serverCommand } from './lspClient';

interface Reply {
  id: number | null;
  result?: unknown;
  error?: { code: number; message: string };
}

/** The server as an editor starts it, spoken to byte by byte so frames can be written wrongly. */
function startRaw() {
  const server = serverCommand();
  const child = spawn(process.execPath, [server.script, ...server.args, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let buffered = Buffer.alloc(0);
  const replies: Reply[] = [];
  const waiting: Array<{ accept: (r: Reply) => boolean; resolve: (r: Reply) => void }> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffered.subarray(0, end).toString())?.[1]);
      if (buffered.length < end + 4 + length) return;
      const message = JSON.parse(buffered.subarray(end + 4, end + 4 + length).toString()) as Reply & { method?: string };
      buffered = buffered.subarray(end + 4 + length);
      if (message.method !== undefined) continue;
      replies.push(message);
      for (const w of waiting.filter((x) => x.accept(message))) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  const frame = (body: object) => {
    const text = JSON.stringify(body);
    return `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
  };
  const reply = (accept: (r: Reply) => boolean) =>
    new Promise<Reply>((resolve, reject) => {
      const found = replies.find(accept);
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`no reply; got ${JSON.stringify(replies)}`)), 15000);
      waiting.push({ accept, resolve: (r) => (clearTimeout(timer), resolve(r)) });
    });
  return { child, frame, reply, replies };
}

test('a frame with a negative Content-Length gets a parse error, and the next request is answered', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'wp-framing-'));
  const { child, frame, reply } = startRaw();
  try {
    child.stdin.write(frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: pathToFileURL(workspace).href, capabilities: {} } }));
    assert.ok((await reply((r) => r.id === 1)).result);
    child.stdin.write(frame({ jsonrpc: '2.0', method: 'initialized', params: {} }));

    // The body that follows the bad header (of unknown length) is skipped with it.
    child.stdin.write('Content-Length: -5\r\n\r\n{"jsonrpc":"2.0","id":2,"method":"shutdown"}');
    const error = await reply((r) => r.id === null);
    assert.equal(error.error?.code, -32700);
    assert.match(error.error?.message ?? '', /invalid Content-Length \("-5"\)/);

    child.stdin.write(frame({ jsonrpc: '2.0', id: 3, method: 'textDocument/hover', params: { textDocument: { uri: pathToFileURL(join(workspace, 'x.yml')).href }, position: { line: 0, character: 0 } } }));
    const hover = await reply((r) => r.id === 3);
    assert.equal(hover.error, undefined, JSON.stringify(hover));

    // A header with no length at all, split across writes, is skipped the same way.
    child.stdin.write('Content-Type: application/json\r\n');
    child.stdin.write('\r\n{}');
    child.stdin.write(frame({ jsonrpc: '2.0', id: 4, method: 'shutdown' }));
    assert.match((await reply((r) => r.id === null && /without Content-Length/.test(r.error?.message ?? ''))).error?.message ?? '', /skipped a message header without Content-Length/);
    assert.equal((await reply((r) => r.id === 4)).result, null);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdin.write(frame({ jsonrpc: '2.0', method: 'exit' }));
    assert.equal(await exited, 0);
  } finally {
    child.kill();
  }
});

test('open-then-edit of a line of 1,000 nested sequences: the server lives and says where it stopped checking', async () => {
  // This killed the server process (V8's RegExpCompiler abort) on the second analysis.
  const workspace = mkdtempSync(join(tmpdir(), 'wp-deep-'));
  mkdirSync(join(workspace, '.github/workflows'), { recursive: true });
  const file = join(workspace, '.github/workflows/deep.yml');
  const uri = pathToFileURL(file).href;
  const text = `${'- '.repeat(1000)}img\n`;
  writeFileSync(file, text);
  const client = await LspClient.start({ workspace, extraArgs: ['--debounce', '0'] });
  try {
    await client.open(uri, text);
    await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'not-checked'));
    await client.change(uri, [{ text: `${text}# edited\n` }]);
    const after = await client.nextDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'not-checked'));
    const [cut] = after.diagnostics.filter((d) => d.code === 'not-checked');
    assert.deepEqual(cut.range.start, { line: 0, character: 200 });
    assert.match(typeof cut.message === 'string' ? cut.message : cut.message.value, /nested deeper than 100 levels/);
    assert.equal(client.child.exitCode, null);
  } finally {
    await client.stop();
  }
});
