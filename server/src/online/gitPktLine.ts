// Git's pkt-line framing (gitprotocol-common): 4 hex digits of length, the 4 digits included; `0000` is
// a flush, `0001` a delimiter, `0002` a response end. Shared by ref listings and pack fetches.
import { OnlineError } from './transport';

/** One pkt-line carrying `text`. */
export function pkt(text: string): string {
  return (Buffer.byteLength(text) + 4).toString(16).padStart(4, '0') + text;
}

/** A special packet: `flush` (0000), `delim` (0001) or `end` (0002). */
export type PktSpecial = 'flush' | 'delim' | 'end';

/** The packets of `body` as raw bytes, or the special packet's name; malformed framing is refused. */
export function* readPackets(body: Buffer, what: string): Generator<Buffer | PktSpecial> {
  let at = 0;
  while (at < body.length) {
    const head = body.subarray(at, at + 4).toString('latin1');
    if (!/^[0-9a-f]{4}$/.test(head)) throw new OnlineError('bad-response', `${what}: malformed pkt-line`);
    const length = parseInt(head, 16);
    if (length < 4) {
      at += 4;
      if (length === 3) throw new OnlineError('bad-response', `${what}: malformed pkt-line`);
      yield length === 0 ? 'flush' : length === 1 ? 'delim' : 'end';
      continue;
    }
    if (at + length > body.length) throw new OnlineError('bad-response', `${what}: truncated pkt-line`);
    yield body.subarray(at + 4, at + length);
    at += length;
  }
}

/** The packets of `body` as text; special packets are yielded as null. */
export function* readPktLines(body: Buffer, what: string): Generator<string | null> {
  for (const packet of readPackets(body, what)) yield typeof packet === 'string' ? null : packet.toString('utf8');
}
