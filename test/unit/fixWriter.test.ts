// Writing fixes back: bytes edited, not decoded text; a fresh exclusive temporary file, so a link the
// repository pre-placed is never written through; mode kept; links to files outside the folder refused.
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyEdits } from '../../server/src/engine';
import { editBytes, replaceFile, writeTarget } from '../../server/src/cli/fixWriter';
import { hostileRepository } from './support/hostileRepo';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

test('edits land on bytes: invalid UTF-8, a BOM, CRLF and astral characters elsewhere survive byte for byte', () => {
  const original = bytes(
    [0xef, 0xbb, 0xbf],
    '# caf',
    [0xe9, 0xff, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xe2, 0x82],
    ' 🚀\r\njobs:\r\n  a:\r\n    container: someone/img:1 # ',
    [0xfe, 0x80],
    '\r\n',
  );
  const text = original.toString('utf8');
  const start = text.indexOf('someone/img:1');
  const edit = { start, end: start + 'someone/img:1'.length, newText: `someone/img:1@sha256:${'a'.repeat(64)}` };
  const out = editBytes(original, text, [edit]);
  assert.ok(out);
  const at = original.indexOf('someone/img:1');
  assert.deepEqual(out.subarray(0, at), original.subarray(0, at));
  assert.equal(out.subarray(at, at + edit.newText.length).toString('utf8'), edit.newText);
  assert.deepEqual(out.subarray(at + edit.newText.length), original.subarray(at + 'someone/img:1'.length));
  assert.equal(out.toString('utf8'), applyEdits(text, [edit]));
});

test("the byte map agrees with Node's decoder on random bytes, so no edit is ever misplaced", () => {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pool = [
    0x41, 0x0a, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xef, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff, 0xc0,
  ];
  for (let n = 0; n < 3000; n++) {
    const buf = Buffer.from(
      Array.from({ length: 1 + Math.floor(next() * 24) }, () => pool[Math.floor(next() * pool.length)]),
    );
    const text = buf.toString('utf8');
    assert.deepEqual(editBytes(buf, text, []), buf, `decoder disagrees on ${buf.toString('hex')}`);
    let o = Math.floor(next() * (text.length + 1));
    if (o > 0 && /[\ud800-\udbff]/.test(text[o - 1])) o--; // not between the halves of a pair
    const edited = editBytes(buf, text, [{ start: o, end: o, newText: 'X' }]);
    assert.ok(edited, buf.toString('hex'));
    assert.equal(edited.toString('utf8'), applyEdits(text, [{ start: o, end: o, newText: 'X' }]), buf.toString('hex'));
  }
  assert.equal(editBytes(Buffer.from('abc'), 'abd', []), undefined, 'bytes that are not the analysed text are refused');
  const pair = Buffer.from('a🚀b');
  assert.equal(
    editBytes(pair, 'a🚀b', [{ start: 2, end: 2, newText: 'x' }]),
    undefined,
    'an edit inside a surrogate pair is refused',
  );
});

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'wp-fix-'));
}

test('a pre-placed ci.yml.workflow-provenance.tmp -> ../../../somefile is never written through', () => {
  const { base, workflows: wf } = hostileRepository(() => 'old\n');
  replaceFile(join(wf, 'ci.yml'), Buffer.from('new\n'));
  assert.equal(readFileSync(join(base, 'somefile'), 'utf8'), 'precious\n');
  assert.ok(lstatSync(join(wf, 'ci.yml.workflow-provenance.tmp')).isSymbolicLink());
  assert.equal(readlinkSync(join(wf, 'ci.yml.workflow-provenance.tmp')), '../../../somefile');
  assert.ok(lstatSync(join(wf, 'ci.yml')).isFile());
  assert.equal(readFileSync(join(wf, 'ci.yml'), 'utf8'), 'new\n');
  assert.equal(statSync(join(wf, 'ci.yml')).mode & 0o7777, 0o640, 'mode kept');
  assert.deepEqual(
    readdirSync(wf).sort(),
    ['ci.yml', 'ci.yml.workflow-provenance.tmp', 'outside.yml', 'shared.yml'],
    'no temporary file left behind',
  );
});

test('a symlinked workflow: the target inside the folder is updated and the link kept; a target outside is refused', () => {
  const { base, repo } = hostileRepository((name) => (name === 'outside' ? 'outside\n' : 'old\n'));

  const inside = writeTarget(join(repo, '.github/workflows/shared.yml'), repo);
  assert.ok('target' in inside && inside.linked);
  replaceFile(inside.target, Buffer.from('new\n'));
  assert.ok(lstatSync(join(repo, '.github/workflows/shared.yml')).isSymbolicLink(), 'the link stays a link');
  assert.equal(readFileSync(join(repo, 'ci/shared.yml'), 'utf8'), 'new\n');

  const outside = writeTarget(join(repo, '.github/workflows/outside.yml'), repo);
  assert.ok('error' in outside);
  assert.match(outside.error, /symbolic link to a file outside/);
  assert.equal(readFileSync(join(base, 'outside.yml'), 'utf8'), 'outside\n');
  const plain = writeTarget(join(repo, 'ci/shared.yml'), repo);
  assert.ok('target' in plain && !plain.linked);
});

test('a file replaced by a folder or a special file is not written', () => {
  const dir = folder();
  mkdirSync(join(dir, 'a.yml'));
  assert.throws(() => replaceFile(join(dir, 'a.yml'), Buffer.from('x')), /not a regular file/);
  assert.ok('error' in writeTarget(join(dir, 'a.yml'), dir));
  assert.deepEqual(readdirSync(dir), ['a.yml']);
});
