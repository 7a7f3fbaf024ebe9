// A cache file someone else wrote: wrong shapes, a digest carrying YAML, a directory or a symlink
// where the file should be. Each is dropped or refused, never crashes a run or reaches a workflow.
import assert from 'node:assert/strict';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliAsync } from '../unit/support/cli';
import { test } from 'node:test';
import { FactCache } from '../../server/src/online/cache';
import { parseImageReference } from '../../server/src/engine/imageReference';
import type { ResolvedFacts } from '../../server/src/engine/api';
import { check, ready } from '../unit/support/engine';
import { freePort } from '../servers/registry';

const GOOD = `sha256:${'a'.repeat(64)}`;
const COMMIT = 'b'.repeat(40);
const INJECTED = `sha256:${'c'.repeat(64)}\n    options: --privileged`;

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'wp-poison-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function writeCache(dir: string, entries: Record<string, { storedAt: number; value: unknown }>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'facts-v1.json'), JSON.stringify({ version: 1, entries }));
}

test('entries of the wrong shape are dropped on read; good ones are kept', (t) => {
  const dir = scratch(t);
  const now = Date.now();
  const ref = (name: string, oid: string) => ({ name, oid });
  writeCache(dir, {
    'image-tag null': { storedAt: now, value: null },
    'image-tag numeric': { storedAt: now, value: { digest: 12345 } },
    'image-tag newline': { storedAt: now, value: { digest: INJECTED } },
    'image-tag upper': { storedAt: now, value: { digest: `sha256:${'A'.repeat(64)}` } },
    'image-tag good': { storedAt: now, value: { digest: GOOD } },
    'image-digest no-platforms': { storedAt: now, value: { signatures: [], attestations: [] } },
    'image-digest good': {
      storedAt: now,
      value: { platforms: ['linux/amd64', 'linux/arm64/v8'], signatures: [], attestations: [] },
    },
    'action-refs short-oid': { storedAt: now, value: [ref('v4', 'abc')] },
    'action-refs newline-name': { storedAt: now, value: [ref('v4\n  evil: 1', COMMIT)] },
    'action-refs good': { storedAt: now, value: [ref('refs/tags/v4.2.2', COMMIT)] },
    'unknown-kind x': { storedAt: now, value: {} },
    'image-tag no-time': { storedAt: Number.NaN, value: { digest: GOOD } } as never,
  });
  const cache = new FactCache({ dir });
  for (const key of ['null', 'numeric', 'newline', 'upper', 'no-time'])
    assert.equal(cache.get('image-tag', key), undefined, key);
  assert.equal(cache.get('image-digest', 'no-platforms'), undefined);
  assert.equal(cache.get('action-refs', 'short-oid'), undefined);
  assert.equal(cache.get('action-refs', 'newline-name'), undefined);
  assert.equal(cache.get<{ digest: string }>('image-tag', 'good')?.value.digest, GOOD);
  assert.deepEqual(cache.get<{ platforms: string[] }>('image-digest', 'good')?.value.platforms, [
    'linux/amd64',
    'linux/arm64/v8',
  ]);
  assert.equal(cache.get<Array<{ oid: string }>>('action-refs', 'good')?.value[0].oid, COMMIT);
});

test('a directory where the cache file goes: saving fails cleanly and leaves no temporary file', (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'facts-v1.json', 'inside'), { recursive: true });
  for (let run = 0; run < 3; run++) {
    const cache = new FactCache({ dir });
    cache.set('image-tag', 'x', { digest: GOOD });
    assert.throws(() => cache.save());
  }
  assert.deepEqual(readdirSync(dir), ['facts-v1.json']);
});

test('a symlink where the cache file goes is neither read through nor written through', (t) => {
  const dir = scratch(t);
  const outside = join(scratch(t), 'precious.json');
  const original = JSON.stringify({
    version: 1,
    entries: { 'image-tag planted': { storedAt: Date.now(), value: { digest: GOOD } } },
  });
  writeFileSync(outside, original);
  symlinkSync(outside, join(dir, 'facts-v1.json'));
  const cache = new FactCache({ dir });
  assert.equal(cache.get('image-tag', 'planted'), undefined, 'facts were read through the link');
  cache.set('image-tag', 'mine', { digest: GOOD });
  cache.save();
  assert.equal(readFileSync(outside, 'utf8'), original);
  assert.ok(lstatSync(join(dir, 'facts-v1.json')).isFile());
  assert.deepEqual(readdirSync(dir), ['facts-v1.json']);
});

test('the engine ignores malformed facts: no crash, no pin fix writing anything but a digest or commit', async () => {
  await ready();
  const text = [
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    container: ghcr.io/loong64/debian:trixie',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '',
  ].join('\n');
  const image = parseImageReference('ghcr.io/loong64/debian:trixie');
  assert.ok(image.ok);
  const bad: unknown[] = [
    null,
    { digest: 12345, platforms: [], fetchedAt: '' },
    { digest: INJECTED, platforms: ['linux/amd64'], fetchedAt: '' },
  ];
  const badActions: unknown[] = [
    null,
    { commit: 42, fetchedAt: '' },
    { commit: COMMIT, bestTag: 'v4\n  evil: 1', fetchedAt: '' },
    { commit: `${COMMIT}\nx`, fetchedAt: '' },
  ];
  for (let i = 0; i < Math.max(bad.length, badActions.length); i++) {
    const resolved = {
      images: new Map([[image.image.canonical, bad[i % bad.length]]]),
      actions: new Map([['actions/checkout@v4', badActions[i % badActions.length]]]),
    } as unknown as ResolvedFacts;
    const analysis = check(text, { resolved });
    const fixes = analysis.findings
      .flatMap((f) => f.fixes)
      .filter((f) => f.kind === 'pin-digest' || f.kind === 'pin-action');
    assert.deepEqual(fixes, [], `case ${i}`);
    assert.ok(
      analysis.findings.some((f) => f.rule === 'unpinned-image'),
      `case ${i}: offline findings kept`,
    );
  }
});

test('the CLI with a poisoned cache: no crash, findings kept, and --fix writes nothing from it', async (t) => {
  const dir = scratch(t);
  const port = await freePort();
  const name = `127.0.0.1:${port}`;
  const cacheDir = join(dir, 'cache');
  mkdirSync(join(dir, 'repo/.github/workflows'), { recursive: true });
  const workflow = join(dir, 'repo/.github/workflows/ci.yml');
  const text = [
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    `    container: ${name}/library/alpine:3.20`,
    '    steps:',
    '      - run: true',
    '',
  ].join('\n');
  writeFileSync(workflow, text);
  const run = (...args: string[]) =>
    runCliAsync([
      'check',
      '--cache-dir',
      cacheDir,
      '--registry-url',
      `${name}=http://${name}`,
      '--timeout',
      '5000',
      ...args,
      join(dir, 'repo'),
    ]);
  const tagKey = `image-tag ${name}/library/alpine:3.20`;
  const digestFacts = { platforms: ['linux/amd64'], signatures: [], attestations: [] };
  for (const poison of [null, { digest: 12345 }, { digest: INJECTED }]) {
    const digest =
      typeof (poison as { digest?: unknown } | null)?.digest === 'string'
        ? (poison as { digest: string }).digest
        : '12345';
    writeCache(cacheDir, {
      [tagKey]: { storedAt: Date.now(), value: poison },
      [`image-digest ${name}/library/alpine@${digest} without-details`]: { storedAt: Date.now(), value: digestFacts },
    });
    const json = await run('--format', 'json');
    assert.equal(json.code, 1, `${JSON.stringify(poison)}: ${json.stderr}`);
    const rules = (JSON.parse(json.stdout).findings as Array<{ rule: string }>).map((f) => f.rule);
    assert.ok(rules.includes('unpinned-image'), rules.join(','));
    const fixed = await run('--fix');
    assert.doesNotMatch(fixed.stderr, /internal error|TypeError/);
    assert.equal(readFileSync(workflow, 'utf8'), text, `${JSON.stringify(poison)} reached the workflow`);
  }
});
