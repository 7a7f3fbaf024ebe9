// The CLI online, end to end: a real registry and a real git server on loopback, `--fix` pinning
// every image and action in a file, and the cache answering once the servers are gone.
import assert from 'node:assert/strict';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliAsync } from '../unit/support/cli';
import { hostileRepository } from '../unit/support/hostileRepo';
import { after, before, describe, test } from 'node:test';
import { parseDocument } from 'yaml';
import { gitMissing, startGitServer, type TestGitServer } from '../servers/gitServer';
import { freePort, missingTools, startRegistry, type TestRegistry } from '../servers/registry';
import { seedImages, type SeededImages } from '../servers/seedImages';

const skip = missingTools() ?? gitMissing();

describe('CLI online against a real registry and git server', { skip }, () => {
  let registry: TestRegistry;
  let git: TestGitServer;
  let images: SeededImages;
  let dir: string;
  let cacheDir: string;
  let workflow: string;

  // Asynchronous on purpose: the token and git servers run in this process and must keep answering.
  const run = (...args: string[]) => runWith(registry.url, git.baseUrl, ...args, dir);
  const runWith = (registryUrl: string, gitUrl: string, ...args: string[]) =>
    runCliAsync([
      'check',
      '--cache-dir',
      cacheDir,
      '--registry-url',
      `${registry.host}=${registryUrl}`,
      '--git-url',
      gitUrl,
      '--timeout',
      '3000',
      ...args,
    ]);

  before(async () => {
    registry = await startRegistry();
    images = await seedImages(registry);
    git = await startGitServer();
    dir = mkdtempSync(join(tmpdir(), 'wp-cli-online-'));
    cacheDir = join(dir, '.cache');
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    workflow = join(dir, '.github/workflows/ci.yml');
    writeFileSync(
      workflow,
      [
        'on: push',
        'jobs:',
        '  test:',
        '    runs-on: ubuntu-latest',
        `    container: "${registry.host}/library/alpine:3.20" # the base`,
        '    steps:',
        '      - uses: actions/checkout@v4',
        `      - run: docker run --platform linux/riscv64 ${registry.host}/library/debian:trixie uname -m`,
        '',
      ].join('\n'),
    );
  });

  after(async () => {
    await git?.stop();
    await registry?.stop();
  });

  test('online findings: the real index has no linux/riscv64', async () => {
    const r = await run('--format', 'json');
    const findings = JSON.parse(r.stdout).findings as Array<{
      rule: string;
      message: string;
      line: number;
      fixes: Array<{ kind: string }>;
    }>;
    const platform = findings.filter((f) => f.rule === 'unsupported-platform');
    assert.equal(platform.length, 1, r.stdout + r.stderr);
    assert.equal(platform[0].line, 8);
    assert.match(platform[0].message, /publishes linux\/amd64, linux\/arm64\/v8, linux\/loong64 \(registry index\)/);
    const pins = findings.filter((f) => f.fixes.some((x) => x.kind === 'pin-digest' || x.kind === 'pin-action'));
    assert.ok(pins.length >= 3, JSON.stringify(findings.map((f) => [f.rule, f.fixes.map((x) => x.kind)])));
  });

  test('--fix pins every image and action, keeping quotes and comments', async () => {
    const r = await run('--fix');
    assert.match(r.stderr, /pinned 3 reference\(s\)/, r.stderr);
    const text = readFileSync(workflow, 'utf8');
    assert.ok(
      text.includes(`    container: "${registry.host}/library/alpine:3.20@${images.alpine.digest}" # the base\n`),
      text,
    );
    assert.ok(text.includes(`      - uses: actions/checkout@${git.commits.two} # v4.2.2\n`), text);
    assert.ok(
      text.includes(
        `docker run --platform linux/riscv64 ${registry.host}/library/debian:trixie@${images.debian.digest} uname -m`,
      ),
      text,
    );
    assert.deepEqual(parseDocument(text).errors, []);
    const again = await run('--format', 'json');
    const rules = (JSON.parse(again.stdout).findings as Array<{ rule: string }>).map((f) => f.rule);
    assert.ok(!rules.includes('unpinned-image') && !rules.includes('unpinned-action'), rules.join(','));
  });

  test('with the servers out of reach, cached facts still answer and are marked cached', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const r = await runWith(dead, dead, '--format', 'json', dir);
    const findings = JSON.parse(r.stdout).findings as Array<{ rule: string; message: string }>;
    const platform = findings.find((f) => f.rule === 'unsupported-platform');
    assert.ok(platform, r.stdout + r.stderr);
    assert.match(platform.message, /registry index, cached/);
  });

  test('--fix on a hostile repository: pre-placed temporary link, links in and out, bytes that are not UTF-8', async () => {
    const image = `${registry.host}/library/alpine:3.20`;
    const body = (name: string) =>
      Buffer.concat([
        Buffer.from(`# ${name}: caf`),
        Buffer.from([0xe9, 0xff, 0xc0]),
        Buffer.from(
          `\r\non: push\r\njobs:\r\n  a:\r\n    runs-on: x\r\n    container: ${image}\r\n    steps: [{run: x}]\r\n`,
        ),
      ]);
    const { base, repo, workflows: wf } = hostileRepository(body);

    const r = await runWith(registry.url, git.baseUrl, '--fix', repo);
    const pinned = (b: Buffer) =>
      Buffer.from(b.toString('latin1').replace(image, `${image}@${images.alpine.digest}`), 'latin1');
    assert.deepEqual(readFileSync(join(wf, 'ci.yml')), pinned(body('ci')), r.stderr);
    assert.equal(statSync(join(wf, 'ci.yml')).mode & 0o7777, 0o640, 'mode kept');
    assert.equal(
      readFileSync(join(base, 'somefile'), 'utf8'),
      'precious\n',
      'nothing written through the pre-placed link',
    );
    assert.equal(readlinkSync(join(wf, 'ci.yml.workflow-provenance.tmp')), '../../../somefile');
    assert.ok(lstatSync(join(wf, 'shared.yml')).isSymbolicLink(), 'a link inside the repository stays a link');
    assert.deepEqual(readFileSync(join(repo, 'ci/shared.yml')), pinned(body('shared')), 'and its target is pinned');
    assert.match(r.stderr, /shared\.yml: pinned 1 reference\(s\) in .*ci\/shared\.yml, which it links to/);
    assert.ok(lstatSync(join(wf, 'outside.yml')).isSymbolicLink());
    assert.deepEqual(
      readFileSync(join(base, 'outside.yml')),
      body('outside'),
      'a file outside the repository is never written',
    );
    assert.deepEqual(
      readdirSync(wf).sort(),
      ['ci.yml', 'ci.yml.workflow-provenance.tmp', 'outside.yml', 'shared.yml'],
      'no temporary file left',
    );
  });
});
