// Private registries as people configure them: Docker's `credHelpers` and `credsStore` (a helper
// program of our own on PATH, answering for the test registry only), `DOCKER_CONFIG`, a helper that
// hangs, and the CLI end to end. A second loopback server that asks everyone for credentials
// proves none is sent anywhere but the registry they belong to.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliAsync } from '../unit/support/cli';
import { after, before, describe, test } from 'node:test';
import { isResolveError, OnlineResolver } from '../../server/src/online/resolver';
import { credentialsSeen, type Recorder, startRecorder } from '../servers/recorder';
import { missingTools, startRegistry, type TestRegistry } from '../servers/registry';
import { parsedImage as image } from '../unit/support/engine';

const skip = missingTools();

describe('Docker credential helpers and DOCKER_CONFIG', { skip }, () => {
  let registry: TestRegistry;
  let other: Recorder;
  let dir: string;
  let bin: string;
  let askedLog: string;

  before(async () => {
    registry = await startRegistry();
    await registry.pusher.image('private/tool', '1.0', { platforms: ['linux/amd64'] });
    other = await startRecorder();
    dir = mkdtempSync(join(tmpdir(), 'wp-credhelper-'));
    bin = join(dir, 'bin');
    mkdirSync(bin);
    askedLog = join(dir, 'asked.log');
    // Like docker-credential-pass and friends: the server address on stdin, JSON on stdout, and
    // "credentials not found" with a failure status for any other server.
    writeFileSync(
      join(bin, 'docker-credential-wptest'),
      [
        '#!/bin/sh',
        '[ "$1" = get ] || exit 2',
        'server=$(cat)',
        `printf '%s\\n' "$server" >> '${askedLog}'`,
        `if [ "$server" = '${registry.host}' ]; then`,
        `  printf '{"ServerURL":"%s","Username":"alice","Secret":"alice-secret"}' "$server"`,
        'else',
        '  echo "credentials not found in native keychain"; exit 1',
        'fi',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(bin, 'docker-credential-hangs'),
      `#!/bin/sh\ncat > '${join(dir, 'hang-asked')}'\nexec sleep 30\n`,
    );
    chmodSync(join(bin, 'docker-credential-wptest'), 0o755);
    chmodSync(join(bin, 'docker-credential-hangs'), 0o755);
  });
  after(async () => {
    await other?.stop();
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh HOME (or DOCKER_CONFIG folder) holding `config`. */
  const configHome = (config: object): string => {
    const home = mkdtempSync(join(dir, 'home-'));
    mkdirSync(join(home, '.docker'));
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify(config));
    return home;
  };
  const asked = (): string[] => {
    try {
      return readFileSync(askedLog, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  const urls = () => ({ [registry.host]: registry.url, [other.host]: other.url });
  const lookUpBoth = async (env: NodeJS.ProcessEnv, helperTimeoutMs?: number) => {
    const resolver = new OnlineResolver({ registryUrls: urls(), env, helperTimeoutMs, maxAttempts: 1 });
    const mine = await resolver.resolveImage(image(`${registry.host}/private/tool:1.0`));
    const theirs = await resolver.resolveImage(image(`${other.host}/private/tool:1.0`));
    return { mine, theirs };
  };

  test('credHelpers: the helper named for the registry is run with its host on stdin, and opens the private repository', async () => {
    writeFileSync(askedLog, '');
    const accountsBefore = registry.tokenRequests.length;
    const home = configHome({ credHelpers: { [registry.host]: 'wptest', [other.host]: 'wptest' } });
    const { mine, theirs } = await lookUpBoth({ HOME: home, PATH: `${bin}:${process.env.PATH}` });
    assert.ok(!isResolveError(mine), JSON.stringify(mine));
    assert.ok(registry.tokenRequests.slice(accountsBefore).some((t) => t.account === 'alice'));
    assert.ok(isResolveError(theirs));
    assert.deepEqual(asked().sort(), [other.host, registry.host].sort());
    assert.deepEqual(credentialsSeen(other), []);
  });

  test('credsStore, found through DOCKER_CONFIG: asked for every registry, its answer goes to that registry only', async () => {
    writeFileSync(askedLog, '');
    other.requests.length = 0;
    const configDir = join(configHome({ credsStore: 'wptest', auths: { [registry.host]: {} } }), '.docker');
    // HOME holds a config with no credentials: DOCKER_CONFIG must win.
    const home = configHome({});
    const { mine, theirs } = await lookUpBoth({
      HOME: home,
      DOCKER_CONFIG: configDir,
      PATH: `${bin}:${process.env.PATH}`,
    });
    assert.ok(!isResolveError(mine), JSON.stringify(mine));
    assert.ok(isResolveError(theirs));
    assert.ok(asked().includes(registry.host));
    assert.ok(other.requests.length > 0);
    assert.deepEqual(credentialsSeen(other), []);
  });

  test('a helper that does not answer is stopped at the time limit; the look-up fails as unauthorized', async () => {
    const home = configHome({ credHelpers: { [registry.host]: 'hangs' } });
    const resolver = new OnlineResolver({
      registryUrls: urls(),
      env: { HOME: home, PATH: `${bin}:${process.env.PATH}` },
      helperTimeoutMs: 500,
    });
    const result = await resolver.resolveImage(image(`${registry.host}/private/tool:1.0`));
    assert.ok(isResolveError(result));
    assert.equal(result.code, 'unauthorized');
    assert.equal(readFileSync(join(dir, 'hang-asked'), 'utf8'), registry.host, 'the helper was not run');
    assert.deepEqual(resolver.credentialProblems(), [
      `docker-credential-hangs get for ${registry.host} failed: no answer within 500 ms`,
    ]);
  });

  test('the CLI uses the helper from HOME and PATH; the other host gets no credential', async () => {
    writeFileSync(askedLog, '');
    other.requests.length = 0;
    const repo = join(dir, 'repo');
    mkdirSync(join(repo, '.github/workflows'), { recursive: true });
    writeFileSync(
      join(repo, '.github/workflows/ci.yml'),
      [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        `    container: ${registry.host}/private/tool:1.0`,
        '    services:',
        '      db:',
        `        image: ${other.host}/private/tool:1.0`,
        '    steps:',
        '      - run: true',
        '',
      ].join('\n'),
    );
    const home = configHome({ credsStore: 'wptest' });
    const args = ['check', '--format', 'json', '--cache-dir', join(dir, 'cache'), '--timeout', '20000'];
    for (const [name, url] of Object.entries(urls())) args.push('--registry-url', `${name}=${url}`);
    const run = await runCliAsync([...args, repo], { HOME: home, PATH: `${bin}:${process.env.PATH}` });
    const findings = JSON.parse(run.stdout).findings as Array<{
      rule: string;
      line: number;
      fixes: Array<{ kind: string }>;
    }>;
    // The private image resolved (a pin fix exists); the other host's did not.
    assert.ok(
      findings.some((f) => f.line === 5 && f.fixes.some((x) => x.kind === 'pin-digest')),
      run.stdout + run.stderr,
    );
    assert.ok(!findings.some((f) => f.line === 8 && f.fixes.some((x) => x.kind === 'pin-digest')));
    assert.match(run.stderr, /unauthorized: 1/);
    assert.ok(asked().includes(registry.host));
    assert.ok(other.requests.length > 0);
    assert.deepEqual(credentialsSeen(other), []);
  });
});
