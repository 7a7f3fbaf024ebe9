// Reads a git packfile (gitformat-pack) from a server we do not trust: the header, each object's type and
// size, zlib data inflated no further than its declared size, OFS_DELTA and REF_DELTA resolved against
// objects of the same pack only, and the trailing SHA-1 checked. Every object comes out with its id
// computed here, so a caller asking for an id gets exactly the content that id names.
import { createHash } from 'node:crypto';
import type * as Zlib from 'node:zlib';

export type GitObjectType = 'commit' | 'tree' | 'blob' | 'tag';

export interface GitObject {
  type: GitObjectType;
  data: Buffer;
}

export interface PackLimits {
  /** Objects in one pack. */
  maxObjects: number;
  /** Size of any one object, deltas resolved. */
  maxObjectBytes: number;
  /** All objects together, inflated and resolved: what a small pack may expand to. */
  maxTotalBytes: number;
}

/** A pack that breaks the format or a limit; the message says which, for the user. */
export class BadPack extends Error {}

const TYPES: Record<number, GitObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };
const OFS_DELTA = 6;
const REF_DELTA = 7;

interface Entry {
  /** Set for whole objects; a delta takes its base's. */
  type?: GitObjectType;
  data: Buffer;
  baseOffset?: number;
  baseId?: string;
}

/** The object id git gives `data` of `type`. */
export function objectId(type: GitObjectType, data: Buffer): string {
  return createHash('sha1').update(`${type} ${data.length}\0`).update(data).digest('hex');
}

/** Every object of the pack by id. */
export function readPack(pack: Buffer, limits: PackLimits): Map<string, GitObject> {
  if (pack.length < 32 || pack.toString('latin1', 0, 4) !== 'PACK') throw new BadPack('not a git pack');
  const version = pack.readUInt32BE(4);
  if (version !== 2 && version !== 3) throw new BadPack(`pack version ${version} is not one git writes`);
  const count = pack.readUInt32BE(8);
  if (count > limits.maxObjects)
    throw new BadPack(`the pack holds ${count} objects, over the limit of ${limits.maxObjects}`);
  const end = pack.length - 20;
  const checksum = createHash('sha1').update(pack.subarray(0, end)).digest();
  if (!checksum.equals(pack.subarray(end))) throw new BadPack('the pack checksum does not match its content');

  const byOffset = new Map<number, Entry>();
  let total = 0;
  let at = 12;
  for (let i = 0; i < count; i++) {
    const start = at;
    if (at >= end) throw new BadPack('the pack ends before its last object');
    let byte = pack[at++];
    const code = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80) {
      if (at >= end || shift > 28) throw new BadPack('an object header in the pack is malformed');
      byte = pack[at++];
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    if (size > limits.maxObjectBytes)
      throw new BadPack(`an object in the pack is ${size} bytes, over the limit of ${limits.maxObjectBytes}`);
    const entry: Entry = { data: Buffer.alloc(0) };
    if (code === OFS_DELTA) {
      byte = pack[at++];
      let distance = byte & 0x7f;
      while (byte & 0x80) {
        if (at >= end || distance > 2 ** 32) throw new BadPack('a delta base offset in the pack is malformed');
        byte = pack[at++];
        distance = (distance + 1) * 128 + (byte & 0x7f);
      }
      entry.baseOffset = start - distance;
      if (distance === 0 || !byOffset.has(entry.baseOffset))
        throw new BadPack('a delta in the pack names a base that is not an object before it');
    } else if (code === REF_DELTA) {
      if (at + 20 > end) throw new BadPack('the pack ends inside a delta');
      entry.baseId = pack.toString('hex', at, at + 20);
      at += 20;
    } else if (TYPES[code]) {
      entry.type = TYPES[code];
    } else {
      throw new BadPack(`an object in the pack has the unknown type ${code}`);
    }
    const inflated = inflate(pack.subarray(at, end), size);
    total += size;
    if (total > limits.maxTotalBytes)
      throw new BadPack(`the pack expands beyond the limit of ${limits.maxTotalBytes} bytes`);
    entry.data = inflated.data;
    at += inflated.consumed;
    byOffset.set(start, entry);
  }
  if (at !== end) throw new BadPack('the pack has data after its last object');

  // Deltas wait for their base (by offset or by id) and are resolved the moment it is: each object once,
  // in time linear in the pack, and a delta whose base never appears (or that loops) is left over.
  const byId = new Map<string, GitObject>();
  const waiting = new Map<string, Entry[]>();
  const ready: Array<{ key: number; object: GitObject }> = [];
  let resolvedCount = 0;
  for (const [offset, entry] of byOffset) {
    if (entry.type) ready.push({ key: offset, object: { type: entry.type, data: entry.data } });
    else {
      const key = entry.baseOffset !== undefined ? `@${entry.baseOffset}` : (entry.baseId as string);
      waiting.set(key, [...(waiting.get(key) ?? []), entry]);
    }
  }
  const offsets = new Map<Entry, number>([...byOffset].map(([offset, entry]) => [entry, offset]));
  for (let next = ready.pop(); next; next = ready.pop()) {
    resolvedCount++;
    const id = objectId(next.object.type, next.object.data);
    byId.set(id, next.object);
    for (const key of [`@${next.key}`, id]) {
      for (const delta of waiting.get(key) ?? []) {
        const data = applyDelta(next.object.data, delta.data, limits.maxObjectBytes);
        total += data.length;
        if (total > limits.maxTotalBytes)
          throw new BadPack(`the pack expands beyond the limit of ${limits.maxTotalBytes} bytes`);
        ready.push({ key: offsets.get(delta) as number, object: { type: next.object.type, data } });
      }
      waiting.delete(key);
    }
  }
  if (resolvedCount !== byOffset.size) throw new BadPack('a delta in the pack names a base the pack does not hold');
  return byId;
}

/** One zlib stream at the start of `input`, which must inflate to exactly `size` bytes. */
function inflate(input: Buffer, size: number): { data: Buffer; consumed: number } {
  let result: { buffer: Buffer; engine: { bytesWritten: number } };
  // Loaded with the first pack: a check that reads action files from the cache alone never needs it.
  const { inflateSync } = require('node:zlib') as typeof Zlib;
  try {
    // The declared size bounds the output, so a small stream cannot expand without limit.
    result = inflateSync(input, { info: true, maxOutputLength: Math.max(1, size) }) as unknown as typeof result;
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new BadPack(
      tooLarge
        ? 'an object in the pack inflates beyond its declared size'
        : 'an object in the pack is not valid zlib data',
    );
  }
  if (result.buffer.length !== size) throw new BadPack('an object in the pack inflates to another size than declared');
  return { data: result.buffer, consumed: result.engine.bytesWritten };
}

/** A size in a delta: 7 bits a byte, least significant first. */
function readSize(delta: Buffer, at: number): { value: number; at: number } {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    if (at >= delta.length || shift > 28) throw new BadPack('a delta in the pack is malformed');
    byte = delta[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return { value, at };
}

/** Git's delta format: the base's size, the result's size, then copy-from-base and insert instructions. */
export function applyDelta(base: Buffer, delta: Buffer, maxBytes: number): Buffer {
  const source = readSize(delta, 0);
  if (source.value !== base.length) throw new BadPack('a delta in the pack was made for another base');
  const target = readSize(delta, source.at);
  if (target.value > maxBytes)
    throw new BadPack(`an object in the pack is ${target.value} bytes, over the limit of ${maxBytes}`);
  const out = Buffer.alloc(target.value);
  let written = 0;
  let at = target.at;
  while (at < delta.length) {
    const op = delta[at++];
    if (op & 0x80) {
      let offset = 0;
      let length = 0;
      for (let bit = 0; bit < 4; bit++) if (op & (1 << bit)) offset += (delta[at++] ?? 0) * 2 ** (8 * bit);
      for (let bit = 0; bit < 3; bit++) if (op & (16 << bit)) length += (delta[at++] ?? 0) * 2 ** (8 * bit);
      if (length === 0) length = 0x10000;
      if (at > delta.length || offset + length > base.length || written + length > out.length)
        throw new BadPack('a delta in the pack copies outside its base or result');
      base.copy(out, written, offset, offset + length);
      written += length;
    } else if (op !== 0) {
      if (at + op > delta.length || written + op > out.length)
        throw new BadPack('a delta in the pack inserts beyond its end');
      delta.copy(out, written, at, at + op);
      written += op;
      at += op;
    } else {
      throw new BadPack('a delta in the pack uses the reserved instruction 0');
    }
  }
  if (written !== out.length) throw new BadPack('a delta in the pack builds another size than it declares');
  return out;
}
