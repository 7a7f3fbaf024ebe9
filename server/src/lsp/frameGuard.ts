// Checks the framing of what the client sends over stdio before the JSON-RPC reader sees it. The
// reader takes a negative or unreadable `Content-Length` as a body length and never reads another
// message (the server goes deaf); here such a frame is answered with a JSON-RPC parse error and
// skipped up to the next header, so the messages after it are served as usual.
import { Transform, type TransformCallback } from 'node:stream';
import { type Connection, createConnection, ErrorCodes, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';

/** Longer headers are not LSP headers (two short fields in practice). */
const MAX_HEADER_BYTES = 8 * 1024;
/** A larger body is refused rather than waited for: the server's own file size limit is far below. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

const HEADER_END = Buffer.from('\r\n\r\n');
const LENGTH_FIELD = /^content-length:/i;

/** The body length a header announces, or why the header is unusable. */
export function announcedLength(header: string): number | { problem: string } {
  const field = header.split('\r\n').find((line) => LENGTH_FIELD.test(line));
  if (!field) return { problem: 'a message header without Content-Length' };
  const value = field.slice(field.indexOf(':') + 1).trim();
  if (!/^\d{1,10}$/.test(value)) return { problem: `a message header with an invalid Content-Length (${JSON.stringify(value.slice(0, 20))})` };
  const length = Number(value);
  if (length > MAX_BODY_BYTES) return { problem: `a message of ${length} bytes, over the ${MAX_BODY_BYTES}-byte limit` };
  return length;
}

export class FrameGuard extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of the current, well-framed body still to pass on. */
  private bodyLeft = 0;
  /** After a bad header: dropping bytes until the next `Content-Length` header. */
  private skipping = false;

  constructor(private readonly onBadFrame: (problem: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.drain();
    done();
  }

  private drain(): void {
    for (;;) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, this.pending.length);
        if (n === 0) return;
        this.push(this.pending.subarray(0, n));
        this.pending = this.pending.subarray(n);
        this.bodyLeft -= n;
        continue;
      }
      if (this.skipping && !this.resynchronise()) return;
      const end = this.pending.indexOf(HEADER_END);
      if (end < 0) {
        if (this.pending.length > MAX_HEADER_BYTES) this.reject('a message header longer than 8 KiB');
        else return;
        continue;
      }
      const length = announcedLength(this.pending.subarray(0, end).toString('latin1'));
      if (typeof length !== 'number') {
        this.pending = this.pending.subarray(end + HEADER_END.length);
        this.reject(length.problem);
        continue;
      }
      this.push(this.pending.subarray(0, end + HEADER_END.length));
      this.pending = this.pending.subarray(end + HEADER_END.length);
      this.bodyLeft = length;
    }
  }

  private reject(problem: string): void {
    this.onBadFrame(problem);
    this.skipping = true;
  }

  /** Drops bytes up to the next `Content-Length` field; false when it has not arrived yet. */
  private resynchronise(): boolean {
    const text = this.pending.toString('latin1');
    const at = text.search(/content-length:/i);
    if (at < 0) {
      // Keep a tail that may be the start of the field name.
      this.pending = this.pending.subarray(Math.max(0, this.pending.length - 'content-length:'.length));
      return false;
    }
    this.pending = this.pending.subarray(at);
    this.skipping = false;
    return true;
  }
}

/**
 * A connection over stdin/stdout whose input passes through a `FrameGuard`; a bad frame gets a
 * response with id null and the JSON-RPC parse-error code, written through the connection's own
 * writer so it never interleaves with another message.
 */
export function guardedStdioConnection(): Connection {
  const writer = new StreamMessageWriter(process.stdout);
  const guard = new FrameGuard((problem) => {
    void writer.write({ jsonrpc: '2.0', id: null, error: { code: ErrorCodes.ParseError, message: `skipped ${problem}` } } as Parameters<StreamMessageWriter['write']>[0]);
  });
  process.stdin.pipe(guard);
  const connection = createConnection(new StreamMessageReader(guard), writer);
  // Given a reader rather than a stream, the library no longer exits when the client closes stdin;
  // exit as it would: 0 after a shutdown request, 1 otherwise (the client then restarts the server).
  let shutdown = false;
  connection.onShutdown(() => {
    shutdown = true;
  });
  guard.on('end', () => process.exit(shutdown ? 0 : 1));
  return connection;
}
