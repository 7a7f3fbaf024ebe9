// The packfile reader against packs written by real git (whole objects, OFS_DELTA and REF_DELTA chains),
// and against packs broken on purpose, each refused with its reason.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { applyDelta, BadPack, objectId, readPack, type PackLimits } from '../../server/src/online/gitPack';
import { packOfAnswer } from '../../server/src/online/gitFetch';
import { gitMissing } from '../servers/gitServer';

const limits: PackLimits = { maxObjects: 1000, maxObjectBytes: 1024 * 1024, maxTotalBytes: 16 * 1024 * 1024 };

/** A pack of already encoded objects: header, the objects, and the SHA-1 trailer. */
function pack(objects: Buffer[], count = objects.length): Buffer {
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(count, 8);
  const body = Buffer.concat([header, ...objects]);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}

/** An object's type-and-size header (type 1 commit … 3 blob, 6 OFS_DELTA, 7 REF_DELTA). */
function objectHeader(type: number, size: number): Buffer {
  const bytes = [(type << 4) | (size & 15)];
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes[bytes.length - 1] |= 0x80;
    bytes.push(rest & 0x7f);
    rest = Math.floor(rest / 128);
  }
  return Buffer.from(bytes);
}

const blob = (text: string) => Buffer.concat([objectHeader(3, Buffer.byteLength(text)), deflateSync(text)]);

function refused(data: Buffer, reason: RegExp, custom: PackLimits = limits): void {
  assert.throws(
    () => readPack(data, custom),
    (error: unknown) => error instanceof BadPack && reason.test(error.message),
  );
}

const skip = gitMissing();

describe('packs written by real git', { skip }, () => {
  let dir: string;
  const git = (args: string[], input?: Buffer | string) =>
    execFileSync('git', args, { cwd: dir, input, maxBuffer: 64 * 1024 * 1024 });
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wp-pack-'));
    git(['init', '-q']);
    // Versions of one long file differ by a line each: git stores them as chains of deltas.
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i}: ${'x'.repeat(i % 50)}`);
    for (let version = 0; version < 6; version++) {
      lines[version * 37] = `changed in version ${version}`;
      writeFileSync(join(dir, 'action.yml'), lines.join('\n'));
      git(['add', 'action.yml']);
      git(['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', `v${version}`]);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, flags] of [
    ['OFS_DELTA', ['--delta-base-offset']],
    ['REF_DELTA', []],
  ] as const) {
    test(`${name}: every object comes out as git stores it`, () => {
      const ids = git(['rev-list', '--objects', '--all']).toString().trim().split('\n');
      const data = git(['pack-objects', '--stdout', '--window=10', '--depth=50', ...flags], ids.join('\n'));
      const objects = readPack(data, limits);
      assert.equal(objects.size, ids.length);
      // The pack really holds deltas of the kind named (as git itself reads it).
      writeFileSync(join(dir, 'check.pack'), data);
      git(['index-pack', 'check.pack']);
      const verified = git(['verify-pack', '-v', 'check.idx']).toString();
      assert.match(verified, /chain length = [1-9]/);
      for (const line of ids) {
        const id = line.split(' ')[0];
        const type = git(['cat-file', '-t', id]).toString().trim();
        const object = objects.get(id);
        assert.ok(object, id);
        assert.equal(object.type, type);
        assert.deepEqual(object.data, git(['cat-file', type, id]));
        assert.equal(objectId(object.type, object.data), id);
      }
      rmSync(join(dir, 'check.pack'));
      rmSync(join(dir, 'check.idx'));
    });
  }
});

describe('broken packs are refused with their reason', () => {
  test('whole objects of a hand-made pack are read, each with its id', () => {
    const objects = readPack(pack([blob('name: a\n'), blob('')]), limits);
    assert.equal(objects.get(objectId('blob', Buffer.from('name: a\n')))?.data.toString(), 'name: a\n');
    assert.equal(objects.get('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391')?.data.length, 0, "git's empty blob");
  });

  test('not a pack, another version, a bad checksum, data after the last object, a missing object', () => {
    refused(Buffer.from('<html>not a pack at all, but long enough</html>'), /not a git pack/);
    const v9 = pack([blob('a')]);
    v9.writeUInt32BE(9, 4);
    refused(v9, /pack version 9/);
    const altered = pack([blob('name: a\n')]);
    altered[14] ^= 1;
    refused(altered, /checksum does not match/);
    refused(pack([blob('a'), Buffer.from('junk')], 1), /data after its last object/);
    refused(pack([blob('a')], 2), /ends before its last object/);
  });

  test('limits: objects in a pack, the size of one object, what a pack expands to', () => {
    refused(pack([blob('a'), blob('b')]), /2 objects, over the limit of 1/, { ...limits, maxObjects: 1 });
    refused(pack([blob('x'.repeat(100))]), /100 bytes, over the limit of 50/, { ...limits, maxObjectBytes: 50 });
    refused(pack([blob('x'.repeat(40)), blob('y'.repeat(40))]), /expands beyond the limit of 60/, {
      ...limits,
      maxTotalBytes: 60,
    });
  });

  test('zlib data that is not zlib, or inflates to another size than declared', () => {
    refused(pack([Buffer.concat([objectHeader(3, 5), Buffer.from('not zlib data here')])]), /not valid zlib/);
    refused(pack([Buffer.concat([objectHeader(3, 3), deflateSync('hello')])]), /inflates beyond its declared size/);
    refused(pack([Buffer.concat([objectHeader(3, 9), deflateSync('hello')])]), /another size than declared/);
    refused(pack([Buffer.concat([Buffer.from([5 << 4]), deflateSync('')])]), /unknown type 5/);
  });

  test('deltas: a base the pack lacks, a base offset that is no object, a delta for another base', () => {
    const base = 'name: base\n';
    const delta = Buffer.from([base.length, 4, 0x90, 4]); // copy 4 bytes from offset 0
    const missing = Buffer.concat([objectHeader(7, delta.length), Buffer.alloc(20, 7), deflateSync(delta)]);
    refused(pack([missing]), /names a base the pack does not hold/);
    const first = blob(base);
    const intoMiddle = Buffer.concat([
      objectHeader(6, delta.length),
      Buffer.from([first.length - 2]),
      deflateSync(delta),
    ]);
    refused(pack([first, intoMiddle]), /names a base that is not an object before it/);
    const ofs = Buffer.concat([objectHeader(6, delta.length), Buffer.from([first.length]), deflateSync(delta)]);
    const objects = readPack(pack([first, ofs]), limits);
    assert.equal(objects.get(objectId('blob', Buffer.from('name')))?.data.toString(), 'name');
    const wrongBase = Buffer.from([base.length + 1, 4, 0x90, 4]);
    const bad = Buffer.concat([objectHeader(6, wrongBase.length), Buffer.from([first.length]), deflateSync(wrongBase)]);
    refused(pack([first, bad]), /made for another base/);
  });

  test('delta instructions that copy outside the base, insert past the end or use the reserved 0', () => {
    const base = Buffer.from('0123456789');
    const run =
      (instructions: number[], target = 4) =>
      () =>
        applyDelta(base, Buffer.from([base.length, target, ...instructions]), 1024);
    assert.equal(applyDelta(base, Buffer.from([10, 6, 0x91, 2, 3, 3, 0x61, 0x62, 0x63]), 1024).toString(), '234abc');
    assert.throws(run([0x91, 8, 4]), /copies outside its base or result/);
    assert.throws(run([5, 1, 2, 3, 4, 5]), /inserts beyond its end/);
    assert.throws(run([0]), /reserved instruction 0/);
    assert.throws(run([0x90, 2]), /builds another size than it declares/);
    assert.throws(() => applyDelta(base, Buffer.from([10, 100]), 50), /100 bytes, over the limit of 50/);
  });

  test('the fetch answer: sections, sideband bands, error packets', () => {
    const line = (text: string | Buffer) => {
      const body = Buffer.isBuffer(text) ? text : Buffer.from(text);
      return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0')), body]);
    };
    const band = (n: number, data: string) => line(Buffer.concat([Buffer.from([n]), Buffer.from(data)]));
    const answer = Buffer.concat([
      line('shallow-info\n'),
      line(`shallow ${'a'.repeat(40)}\n`),
      Buffer.from('0001'),
      line('packfile\n'),
      band(2, 'counting objects'),
      band(1, 'PA'),
      band(1, 'CK'),
      Buffer.from('0000'),
    ]);
    assert.equal(packOfAnswer(answer, 'x').toString(), 'PACK');
    assert.throws(
      () => packOfAnswer(Buffer.concat([line('packfile\n'), band(3, 'disk full'), Buffer.from('0000')]), 'x'),
      /the git server said "disk full"/,
    );
    assert.throws(() => packOfAnswer(Buffer.concat([line('packfile\n'), band(1, 'PA')]), 'x'), /ends inside its pack/);
    assert.throws(() => packOfAnswer(Buffer.concat([line('packfile-uris\n')]), 'x'), /at another URL/);
    assert.throws(() => packOfAnswer(Buffer.concat([line('surprise\n')]), 'x'), /unexpected section "surprise"/);
    assert.throws(() => packOfAnswer(Buffer.alloc(0), 'x'), /sent no pack/);
  });
});
