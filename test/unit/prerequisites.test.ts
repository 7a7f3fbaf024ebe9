// `npm test` starts with scripts/check-prerequisites.mjs: on a machine without the programs the tests
// drive, it must stop at once with one message naming each missing Debian package and the command
// that installs them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from './support/engine';

const script = join(projectRoot(), 'scripts/check-prerequisites.mjs');

test('a machine with only node gets one message naming every missing package and the install command', (t) => {
  // A PATH holding nothing but node: no chromium, registry, openssl, git, nvim or pre-commit.
  const bin = mkdtempSync(join(tmpdir(), 'wp-prereq-'));
  t.after(() => rmSync(bin, { recursive: true, force: true }));
  symlinkSync(process.execPath, join(bin, 'node'));
  const started = performance.now();
  const r = spawnSync(join(bin, 'node'), [script], {
    env: { PATH: bin, CHROMIUM_PATH: join(bin, 'no-chromium') },
    encoding: 'utf8',
    timeout: 30000,
  });
  t.diagnostic(`stopped after ${(performance.now() - started).toFixed(0)} ms`);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  for (const deb of ['chromium', 'docker-registry', 'openssl', 'git', 'neovim', 'pre-commit']) {
    assert.match(r.stderr, new RegExp(`^  ${deb} is not installed \\(`, 'm'), deb);
  }
  const install = r.stderr.match(/^ {2}sudo apt-get install -y --no-install-recommends (.+)$/m);
  assert.ok(install, r.stderr);
  assert.deepEqual(install[1].split(' ').sort(), [
    'chromium',
    'docker-registry',
    'git',
    'neovim',
    'openssl',
    'pre-commit',
  ]);
  assert.match(r.stderr, /bash \.ci\/run/);
});

test('chromium is looked for where CHROMIUM_PATH says', () => {
  const r = spawnSync(process.execPath, [script, '--json'], {
    env: { ...process.env, CHROMIUM_PATH: process.execPath },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const { missing } = JSON.parse(r.stdout) as { missing: string[] };
  // Whatever this machine lacks, chromium is not among it: the path given was honoured.
  assert.equal(missing.includes('chromium'), false);
});
