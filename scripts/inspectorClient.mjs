// Reads a Node process's heap from outside through its inspector (`node --inspect=127.0.0.1:0`): a full
// garbage collection, then the live heap, so a benchmark sees what is retained rather than what the
// collector has not yet freed. Node 20 has no WebSocket client, so this speaks just enough of RFC 6455
// (text frames, client masking, fragments) to the loopback inspector; nothing else is ever contacted.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { request } from 'node:http';

/** The inspector's WebSocket URL, from the line the child prints on stderr when it starts listening. */
export function inspectorUrl(child, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no inspector URL on stderr: ${seen.slice(0, 500)}`)), timeoutMs);
    const onData = (chunk) => {
      seen += chunk;
      const m = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(seen);
      if (!m) return;
      clearTimeout(timer);
      child.stderr.off('data', onData);
      resolve(m[1]);
    };
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', onData);
  });
}

/** One frame from the client: FIN set, masked as the protocol requires of clients. */
function frame(opcode, payload) {
  const mask = randomBytes(4);
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, 0x80 | n]) : Buffer.alloc(n < 65536 ? 4 : 10);
  if (n >= 126 && n < 65536) head.set([0x80 | opcode, 0x80 | 126]), head.writeUInt16BE(n, 2);
  else if (n >= 65536) head.set([0x80 | opcode, 0x80 | 127]), head.writeBigUInt64BE(BigInt(n), 2);
  const body = Buffer.alloc(n);
  for (let i = 0; i < n; i++) body[i] = payload[i] ^ mask[i & 3];
  return Buffer.concat([head, mask, body]);
}

/**
 * A DevTools-protocol session: `send(method, params)` resolves with the result; `on(method, f)` hears
 * notifications (heap snapshot chunks).
 */
export function connectInspector(url) {
  const { hostname, port, pathname } = new URL(url);
  if (hostname !== '127.0.0.1') throw new Error(`refusing a non-loopback inspector: ${url}`);
  return new Promise((resolve, reject) => {
    const req = request({
      host: hostname,
      port,
      path: pathname,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      },
    });
    req.on('error', reject);
    req.on('response', (res) => reject(new Error(`inspector refused the upgrade: HTTP ${res.statusCode}`)));
    req.on('upgrade', (_res, socket, head) => {
      const pending = new Map();
      const listeners = new Map();
      let nextId = 1;
      let buffered = head;
      let fragments = [];
      const deliver = (text) => {
        const message = JSON.parse(text);
        if (message.id !== undefined) {
          const waiter = pending.get(message.id);
          pending.delete(message.id);
          if (message.error) waiter?.reject(new Error(`${message.error.message} (${message.error.code})`));
          else waiter?.resolve(message.result);
        } else listeners.get(message.method)?.(message.params);
      };
      socket.on('data', (chunk) => {
        buffered = Buffer.concat([buffered, chunk]);
        for (;;) {
          if (buffered.length < 2) return;
          const fin = (buffered[0] & 0x80) !== 0;
          const opcode = buffered[0] & 0x0f;
          let length = buffered[1] & 0x7f;
          let at = 2;
          if (length === 126) {
            if (buffered.length < 4) return;
            length = buffered.readUInt16BE(2);
            at = 4;
          } else if (length === 127) {
            if (buffered.length < 10) return;
            length = Number(buffered.readBigUInt64BE(2));
            at = 10;
          }
          if (buffered.length < at + length) return;
          const payload = buffered.subarray(at, at + length);
          buffered = buffered.subarray(at + length);
          if (opcode === 0x9) socket.write(frame(0xa, payload));
          else if (opcode === 0x8) socket.end();
          else if (opcode === 0x1 || opcode === 0x0) {
            fragments.push(payload);
            if (fin) {
              const text = Buffer.concat(fragments).toString('utf8');
              fragments = [];
              deliver(text);
            }
          }
        }
      });
      const closed = () => {
        for (const waiter of pending.values()) waiter.reject(new Error('the inspector connection closed'));
        pending.clear();
      };
      socket.on('close', closed);
      socket.on('error', closed);
      resolve({
        send(method, params = {}) {
          const id = nextId++;
          socket.write(frame(0x1, Buffer.from(JSON.stringify({ id, method, params }))));
          return new Promise((res, rej) => pending.set(id, { resolve: res, reject: rej }));
        },
        on(method, listener) {
          listeners.set(method, listener);
        },
        close() {
          socket.end(frame(0x8, Buffer.alloc(0)));
        },
      });
    });
    req.end();
  });
}

/**
 * The process's memory after a full garbage collection (every unreachable object freed, as V8 does
 * under memory pressure), in bytes: the live JavaScript heap, memory outside it held by JavaScript
 * objects (buffers, WebAssembly memories), and the resident set.
 */
export async function liveMemory(session) {
  await session.send('HeapProfiler.collectGarbage');
  const { usedSize } = await session.send('Runtime.getHeapUsage');
  const { result } = await session.send('Runtime.evaluate', {
    expression: 'JSON.stringify(process.memoryUsage())',
    returnByValue: true,
  });
  const usage = JSON.parse(result.value);
  return { heap: usedSize, external: usage.external, rss: usage.rss };
}

/** Writes a heap snapshot of the process (taken after a full collection) to `path`, for DevTools. */
export async function writeHeapSnapshot(session, path) {
  const out = createWriteStream(path);
  session.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => out.write(chunk));
  await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
}
