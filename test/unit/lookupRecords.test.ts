// What the language server remembers around look-ups stays the size of what the documents refer to now.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Interests, RecentFailures } from '../../server/src/lsp/lookupRecords';

test('a document analysed again waits only on what it refers to now', () => {
  const interests = new Interests();
  const uri = 'file:///w/.github/workflows/ci.yml';
  const other = 'file:///w/.github/workflows/release.yml';
  interests.replace(other, ['ghcr.io/acme/app:1']);
  // Typing a tag one character at a time: each analysis names a different image.
  for (const tag of ['1', '1.2', '1.2.3']) interests.replace(uri, [`ghcr.io/acme/app:${tag}`, 'actions/checkout@v4']);
  assert.deepEqual(interests.urisOf('ghcr.io/acme/app:1.2.3'), [uri]);
  assert.deepEqual(interests.urisOf('ghcr.io/acme/app:1.2'), []);
  assert.deepEqual(interests.urisOf('ghcr.io/acme/app:1'), [other], 'another document keeps its own');
  assert.equal(interests.size, 3);
  // A hover asks for more than the analysis queued; the next analysis decides again.
  interests.add('ghcr.io/acme/tools:2', uri);
  assert.deepEqual(interests.urisOf('ghcr.io/acme/tools:2'), [uri]);
  interests.replace(uri, []);
  assert.equal(interests.size, 1);
});

test('a recent failure is remembered until its retry time, and the oldest go first past the limit', () => {
  const failures = new RecentFailures<string>(1000, 3);
  failures.add('a', 'timeout', 0);
  assert.equal(failures.get('a', 999), 'timeout');
  assert.equal(failures.get('a', 1000), undefined, 'tried again once the retry time has passed');
  for (const [i, key] of ['b', 'c', 'd', 'e'].entries()) failures.add(key, 'not found', 10 + i);
  assert.equal(failures.size, 3);
  assert.equal(failures.get('a', 20), undefined);
  assert.equal(failures.get('b', 20), undefined, 'the oldest is forgotten past the limit');
  assert.equal(failures.get('e', 20), 'not found');
  // Failing again makes an entry the newest.
  failures.add('c', 'timeout', 30);
  failures.add('f', 'not found', 31);
  assert.equal(failures.get('c', 32), 'timeout');
  assert.equal(failures.get('d', 32), undefined);
  // Expired ones leave at the next failure even below the limit.
  failures.add('g', 'not found', 2000);
  assert.equal(failures.size, 1);
});
