// The persistent fact cache on its own: time-to-live per kind, atomic writes, corrupt files, default place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCacheDir, FactCache } from '../../server/src/online/cache';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'wp-factcache-'));
}

test('each kind of fact has its own time-to-live; stale facts are still returned, marked not fresh', (t) => {
  const dir = scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let clock = 1_000_000;
  const cache = new FactCache({ dir, now: () => clock });
  cache.set('image-tag', 'docker.io/library/debian:trixie', { digest: D1 });
  cache.set('image-digest', `docker.io/library/debian@${D1}`, { platforms: ['linux/amd64'], signatures: [], attestations: [] });
  cache.set('action-refs', 'https://github.com actions/checkout', []);
  clock += 2 * 60 * 60 * 1000;
  assert.equal(cache.get('action-refs', 'https://github.com actions/checkout')?.fresh, false);
  assert.equal(cache.get('image-tag', 'docker.io/library/debian:trixie')?.fresh, true);
  clock += 5 * 60 * 60 * 1000;
  const tag = cache.get<{ digest: string }>('image-tag', 'docker.io/library/debian:trixie');
  assert.equal(tag?.fresh, false);
  assert.equal(tag?.value.digest, D1);
  assert.equal(tag?.storedAt, 1_000_000);
  assert.equal(cache.get('image-digest', `docker.io/library/debian@${D1}`)?.fresh, true);
  assert.equal(cache.get('image-tag', 'docker.io/library/alpine:3'), undefined);
});

test('saving writes through a temporary file and leaves only the cache file; a new instance reads it back', (t) => {
  const dir = scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cache = new FactCache({ dir });
  cache.set('image-tag', 'ghcr.io/loong64/debian:trixie', { digest: D2 });
  cache.save();
  assert.deepEqual(readdirSync(dir), ['facts-v1.json']);
  const again = new FactCache({ dir });
  assert.equal(again.get<{ digest: string }>('image-tag', 'ghcr.io/loong64/debian:trixie')?.value.digest, D2);
});

test('a corrupt or foreign cache file reads as empty and is replaced on the next save', (t) => {
  const dir = scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const junk of ['\u0000\u0001garbage', '[1,2,3]', '{"version":2,"entries":{}}', '{"version":1,"entries":{"image-tag a":{"value":1}}}']) {
    writeFileSync(join(dir, 'facts-v1.json'), junk);
    const cache = new FactCache({ dir });
    assert.equal(cache.get('image-tag', 'a'), undefined);
    cache.set('image-tag', 'b', { digest: D3 });
    cache.save();
    const saved = JSON.parse(readFileSync(join(dir, 'facts-v1.json'), 'utf8')) as { version: number; entries: Record<string, unknown> };
    assert.equal(saved.version, 1);
    assert.deepEqual(Object.keys(saved.entries), ['image-tag b']);
  }
});

test('the CLI cache lives under $XDG_CACHE_HOME, else ~/.cache', () => {
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/var/cache/me' }), '/var/cache/me/workflow-provenance');
  assert.equal(defaultCacheDir({}), join(homedir(), '.cache', 'workflow-provenance'));
  // The XDG spec says a relative path is invalid and must be ignored.
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }), join(homedir(), '.cache', 'workflow-provenance'));
});
