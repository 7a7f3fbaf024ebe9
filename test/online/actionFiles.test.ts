// Files of remote actions read at a commit from a real git server (`git http-backend` on 127.0.0.1):
// one object per fetch, checked against its id, cached by commit; hostile answers through a loopback proxy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ActionFileSource,
  type ActionFileSourceOptions,
  createActionFileSource,
  type FetchedFile,
} from '../../server/src/online/actionFiles';
import { OnlineFacts } from '../../server/src/lsp/onlineFacts';
import { OnlineResolver, type ResolverOptions } from '../../server/src/online/resolver';
import { type Fault, startFaultProxy } from '../servers/faultProxy';
import { gitMissing, startGitServer, type TestGitServer } from '../servers/gitServer';

const skip = gitMissing();
if (skip) console.log(`# skipping action file tests: ${skip}`);

function found(file: FetchedFile): { text: string; commit: string } {
  if (file.kind !== 'found') assert.fail(`expected a file, got ${JSON.stringify(file)}`);
  return file;
}

function failed(file: FetchedFile): string {
  if (file.kind !== 'failed') assert.fail(`expected a failure, got ${JSON.stringify(file).slice(0, 200)}`);
  return file.reason;
}

/** The `uses:` values of an action file, as a follower would read them (enough for these fixtures). */
function usesOf(text: string): Array<{ owner: string; repo: string; ref: string }> {
  return [...text.matchAll(/uses: ([\w-]+)\/([\w-]+)@(\S+)/g)].map((m) => ({ owner: m[1], repo: m[2], ref: m[3] }));
}

const composite = (uses: string[]) =>
  `name: t\nruns:\n  using: composite\n  steps:\n${uses.map((u) => `    - uses: ${u}\n`).join('')}`;

describe('online: action files from a real git server', { skip }, () => {
  let git: TestGitServer;
  const dirs: string[] = [];
  const commits: Record<string, string> = {};
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-actionfiles-'));
    dirs.push(dir);
    return dir;
  };
  const source = (
    resolverOptions: ResolverOptions = {},
    options: Omit<ActionFileSourceOptions, 'resolver'> = {},
  ): ActionFileSource =>
    createActionFileSource({
      resolver: new OnlineResolver({ gitBaseUrl: git.baseUrl, ...resolverOptions }),
      ...options,
    });
  /** Requests the git server received while `work` ran. */
  const counted = async <T>(work: () => Promise<T>): Promise<{ result: T; requests: number }> => {
    const since = git.requests.length;
    const result = await work();
    return { result, requests: git.requests.length - since };
  };

  before(async () => {
    git = await startGitServer();
    commits.inner = git.commitFiles(
      'acme/inner',
      { 'action.yml': 'name: inner\nruns:\n  using: node20\n  main: i.js\n' },
      ['v1'],
    );
    commits.composite = git.commitFiles('acme/composite', { 'action.yml': composite(['acme/inner@v1']) }, ['v1']);
    commits.dockerImage = git.commitFiles(
      'acme/docker-image',
      { 'action.yml': "name: d\nruns:\n  using: docker\n  image: 'docker://someuser/tool:latest'\n" },
      ['v2'],
    );
    commits.dockerfile = git.commitFiles(
      'acme/dockerfile',
      {
        'action.yml': 'name: f\nruns:\n  using: docker\n  image: Dockerfile\n',
        Dockerfile: 'ARG BASE=someuser/base:1\nFROM ${BASE} AS build\nFROM build\n',
        'nested/deeper/action.yaml': 'name: nested\nruns:\n  using: node20\n  main: n.js\n',
        'README.md': 'readme\n',
      },
      ['v1'],
    );
    commits.three = git.commitFiles('chain/three', { 'action.yml': composite([]) }, ['v1']);
    commits.two = git.commitFiles('chain/two', { 'action.yml': composite(['chain/three@v1']) }, ['v1']);
    commits.one = git.commitFiles('chain/one', { 'action.yml': composite(['chain/two@v1']) }, ['v1']);
    commits.a = git.commitFiles('cycle/a', { 'action.yml': composite(['cycle/b@v1']) }, ['v1']);
    commits.b = git.commitFiles('cycle/b', { 'action.yml': composite(['cycle/a@v1']) }, ['v1']);
    commits.noAction = git.commitFiles('acme/no-action', { 'README.md': 'not an action\n' }, ['v1']);
    // Incompressible, so the answer itself is over the limit; and compressible, so only its declared size is.
    commits.big = git.commitFiles(
      'acme/big',
      {
        'action.yml': `name: big\ndescription: ${randomBytes(2304 * 1024).toString('base64')}\n`,
        'action.yaml': `name: big\n${'description: the same line again\n'.repeat(60_000)}`,
      },
      ['v1'],
    );
    git.git('acme/inner', 'tag', 'tree-tag', 'HEAD^{tree}');
    git.git('acme/inner', 'push', '-q', git.barePath('acme/inner'), 'tree-tag');
    commits.link = git.commitFiles('acme/link', { 'real.yml': 'name: real\n', 'action.yml': { link: 'real.yml' } }, [
      'v1',
    ]);
  });
  after(async () => {
    await git?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('a composite action and the tag-pinned inner action it uses', async () => {
    const files = source();
    const outer = found(await files.fileAt('acme', 'composite', 'v1', 'action.yml'));
    assert.equal(outer.commit, commits.composite);
    assert.deepEqual(usesOf(outer.text), [{ owner: 'acme', repo: 'inner', ref: 'v1' }]);
    const inner = found(await files.fileAt('acme', 'inner', 'v1', 'action.yml'));
    assert.equal(inner.commit, commits.inner);
    assert.match(inner.text, /using: node20/);
  });

  test('a Docker action with a docker:// image, and one built from its Dockerfile', async () => {
    const files = source();
    assert.match(
      found(await files.fileAt('acme', 'docker-image', 'v2', 'action.yml')).text,
      /docker:\/\/someuser\/tool/,
    );
    const action = found(await files.fileAt('acme', 'dockerfile', 'v1', 'action.yml'));
    assert.match(action.text, /image: Dockerfile/);
    const dockerfile = found(await files.fileAt('acme', 'dockerfile', 'v1', 'Dockerfile'));
    assert.equal(dockerfile.text, 'ARG BASE=someuser/base:1\nFROM ${BASE} AS build\nFROM build\n');
    assert.equal(dockerfile.commit, commits.dockerfile);
  });

  test('requests per file: ref listing, commit, trees on the path, blob; further files of a commit cost less', async () => {
    const files = source();
    const first = await counted(() => files.fileAt('acme', 'dockerfile', 'v1', 'action.yml'));
    found(first.result);
    // info/refs + ls-refs, then the commit, the root tree and the blob.
    assert.equal(first.requests, 5);
    const second = await counted(() => files.fileAt('acme', 'dockerfile', 'v1', 'Dockerfile'));
    found(second.result);
    assert.equal(second.requests, 1, 'only the blob: refs, commit and root tree are known');
    const absent = await counted(() => files.fileAt('acme', 'dockerfile', 'v1', 'action.yaml'));
    assert.deepEqual(absent.result, { kind: 'missing' });
    assert.equal(absent.requests, 0, 'the root tree already shows there is no such file');
    const nested = await counted(() => files.fileAt('acme', 'dockerfile', 'v1', 'nested/deeper/action.yaml'));
    assert.match(found(nested.result).text, /name: nested/);
    assert.equal(nested.requests, 3, 'two trees and the blob');
    const pinned = await counted(() => source().fileAt('acme', 'dockerfile', commits.dockerfile, 'action.yml'));
    assert.equal(found(pinned.result).commit, commits.dockerfile);
    assert.equal(pinned.requests, 3, 'a commit needs no ref listing');
    const fetches = git.requests.slice(-3);
    assert.ok(fetches.every((r) => r.method === 'POST' && r.path === '/acme/dockerfile.git/git-upload-pack'));
  });

  test('a chain of depth three is followed to its end; a cycle ends where it began', async () => {
    const files = source();
    const follow = async (owner: string, repo: string, ref: string, seen: string[]): Promise<string[]> => {
      const key = `${owner}/${repo}@${ref}`;
      if (seen.includes(key)) return [...seen, `cycle at ${key}`];
      const file = found(await files.fileAt(owner, repo, ref, 'action.yml'));
      let path = [...seen, key];
      for (const next of usesOf(file.text)) path = await follow(next.owner, next.repo, next.ref, path);
      return path;
    };
    assert.deepEqual(await follow('chain', 'one', 'v1', []), ['chain/one@v1', 'chain/two@v1', 'chain/three@v1']);
    const cycle = await counted(() => follow('cycle', 'a', 'v1', []));
    assert.deepEqual(cycle.result, ['cycle/a@v1', 'cycle/b@v1', 'cycle at cycle/a@v1']);
    assert.equal(cycle.requests, 10, 'two repositories, five requests each');
    const again = await counted(() => files.fileAt('cycle', 'a', 'v1', 'action.yml'));
    assert.equal(again.requests, 0, 'read once per commit');
  });

  test('no action.yml is missing; a 404 repository and an unknown ref fail with the reason', async () => {
    const files = source();
    assert.deepEqual(await files.fileAt('acme', 'no-action', 'v1', 'action.yml'), { kind: 'missing' });
    assert.deepEqual(await files.fileAt('acme', 'no-action', 'v1', 'README.md/action.yml'), { kind: 'missing' });
    assert.match(failed(await files.fileAt('acme', 'nope', 'v1', 'action.yml')), /repository acme\/nope not found/);
    assert.match(failed(await files.fileAt('acme', 'inner', 'v9', 'action.yml')), /no tag or branch named v9/);
    const unknown = 'f'.repeat(40);
    assert.match(failed(await files.fileAt('acme', 'inner', unknown, 'action.yml')), /does not hold f{40}/);
  });

  test('oversized files fail with a clear reason, whether the answer or the object is too large', async () => {
    const files = source();
    assert.match(
      failed(await files.fileAt('acme', 'big', 'v1', 'action.yml')),
      /answer for this blob is over 2097152 bytes \(files over 1048576 bytes are not read\)/,
    );
    assert.match(
      failed(await files.fileAt('acme', 'big', 'v1', 'action.yaml')),
      /an object in the pack is \d+ bytes, over the limit of 1048576/,
    );
  });

  test('the bounds per file: requests and time', async () => {
    const few = source({}, { limits: { maxRequestsPerFile: 2 } });
    const deep = await counted(() => few.fileAt('acme', 'dockerfile', commits.dockerfile, 'nested/deeper/action.yaml'));
    assert.match(failed(deep.result), /more than 2 requests would be needed/);
    assert.equal(deep.requests, 2);
    const late = source({}, { limits: { timeoutMs: -1 } });
    assert.match(failed(await late.fileAt('acme', 'inner', commits.inner, 'action.yml')), /not read within/);
  });

  test('a symbolic link is not followed', async () => {
    assert.match(failed(await source().fileAt('acme', 'link', 'v1', 'action.yml')), /symbolic link/);
  });

  test('a ref that names a tree, not a commit, is refused', async () => {
    assert.match(failed(await source().fileAt('acme', 'inner', 'tree-tag', 'action.yml')), /is a tree, not a commit/);
  });

  test('paths outside the repository, absolute or with backslashes, and odd repository names are refused before any request', async () => {
    const files = source();
    for (const path of ['../action.yml', '/etc/passwd', 'a\\action.yml', '', 'a//b', './action.yml', 'a\nb']) {
      const { result, requests } = await counted(() => files.fileAt('acme', 'inner', 'v1', path));
      assert.match(failed(result), /path/, path);
      assert.equal(requests, 0, path);
    }
    for (const [owner, repo] of [
      ['..', 'inner'],
      ['acme', '.'],
      ['acme', 'inner?x=1'],
      ['ac me', 'inner'],
    ]) {
      const { result, requests } = await counted(() => files.fileAt(owner, repo, 'v1', 'action.yml'));
      assert.match(failed(result), /is not a repository name/, `${owner}/${repo}`);
      assert.equal(requests, 0);
    }
  });

  test('cold, then warm from the persistent cache: no request at all; cache-only answers from it alone', async () => {
    const dir = tempDir();
    const cold = await counted(() => source({ cacheDir: dir }).fileAt('acme', 'composite', 'v1', 'action.yml'));
    assert.equal(found(cold.result).commit, commits.composite);
    assert.equal(cold.requests, 5);
    const missing = await counted(() => source({ cacheDir: dir }).fileAt('acme', 'composite', 'v1', 'action.yaml'));
    assert.deepEqual(missing.result, { kind: 'missing' });
    const warm = await counted(async () => [
      await source({ cacheDir: dir }).fileAt('acme', 'composite', 'v1', 'action.yml'),
      await source({ cacheDir: dir }).fileAt('acme', 'composite', 'v1', 'action.yaml'),
    ]);
    assert.equal(warm.requests, 0);
    assert.equal(found(warm.result[0]).text, found(cold.result).text);
    assert.deepEqual(warm.result[1], { kind: 'missing' });

    const offline = await counted(async () => [
      await source({ cacheDir: dir }, { cacheOnly: true }).fileAt('acme', 'composite', 'v1', 'action.yml'),
      await source({ cacheDir: dir }, { cacheOnly: true }).fileAt('acme', 'inner', 'v1', 'action.yml'),
      await source({ cacheDir: tempDir() }, { cacheOnly: true }).fileAt('acme', 'composite', 'v1', 'action.yml'),
      await source({ cacheDir: dir }, { cacheOnly: true }).fileAt('acme', 'composite', commits.inner, 'action.yml'),
    ]);
    assert.equal(offline.requests, 0);
    assert.equal(found(offline.result[0]).commit, commits.composite);
    assert.match(failed(offline.result[1]), /acme\/inner@v1 is not in the cache/);
    assert.match(failed(offline.result[2]), /not in the cache/);
    assert.match(failed(offline.result[3]), /action\.yml is not in the cache/);
  });

  test('a tampered cache entry is dropped and the file read again', async () => {
    const dir = tempDir();
    const real = found(await source({ cacheDir: dir }).fileAt('acme', 'inner', 'v1', 'action.yml'));
    const file = join(dir, 'facts-v1.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const key = Object.keys(json.entries).find((k) => k.startsWith('action-file ')) as string;
    json.entries[key].value.text = 'name: inner\nruns:\n  using: docker\n  image: docker://evil/tool\n';
    json.entries[`${key.slice(0, -'action.yml'.length)}other.yml`] = { storedAt: Date.now(), value: { text: 'x' } };
    writeFileSync(file, JSON.stringify(json));
    const again = await counted(() =>
      source({ cacheDir: dir }, { cacheOnly: true }).fileAt('acme', 'inner', 'v1', 'action.yml'),
    );
    assert.match(failed(again.result), /not in the cache/);
    const online = await counted(() => source({ cacheDir: dir }).fileAt('acme', 'inner', 'v1', 'action.yml'));
    assert.equal(found(online.result).text, real.text);
    assert.equal(online.requests, 3, 'refs from the cache; commit, tree and blob again');
  });

  test('a server that does not allow filters is named as the reason', async () => {
    const plain = await startGitServer({ filters: false });
    try {
      const files = createActionFileSource({ resolver: new OnlineResolver({ gitBaseUrl: plain.baseUrl }) });
      assert.match(
        failed(await files.fileAt('actions', 'checkout', 'v4', 'action.yml')),
        /does not allow partial fetches \(filter\)/,
      );
    } finally {
      await plain.stop();
    }
  });

  test("the language server's facts provider reads through its resolver, online or from its cache", async () => {
    const dir = tempDir();
    const facts = new OnlineFacts({ gitBaseUrl: git.baseUrl, cacheDir: dir });
    const offline = await counted(() => facts.actionFiles(true).fileAt('acme', 'dockerfile', 'v1', 'Dockerfile'));
    assert.match(failed(offline.result), /not in the cache/);
    assert.equal(offline.requests, 0);
    const online = await counted(() => facts.actionFiles(false).fileAt('acme', 'dockerfile', 'v1', 'Dockerfile'));
    assert.match(found(online.result).text, /^ARG BASE/);
    assert.equal(online.requests, 5);
    const cached = await counted(() => facts.actionFiles(true).fileAt('acme', 'dockerfile', 'v1', 'Dockerfile'));
    assert.equal(found(cached.result).commit, commits.dockerfile);
    assert.equal(cached.requests, 0);
    assert.equal(facts.actionFiles(false), facts.actionFiles(false), 'one source while the settings stay');
    facts.configure({ gitBaseUrl: 'http://127.0.0.1:9' });
    const moved = await counted(() => facts.actionFiles(false).fileAt('acme', 'inner', 'v1', 'action.yml'));
    assert.match(failed(moved.result), /127\.0\.0\.1:9/);
    assert.equal(moved.requests, 0, 'the new git host is asked, not the old one');
  });

  describe('hostile answers through a proxy', () => {
    const viaProxy = async (fault: Fault, path = 'action.yml') => {
      const proxy = await startFaultProxy(git.baseUrl);
      proxy.rules.push({ match: /POST .*git-upload-pack/, fault, times: 1 });
      try {
        // The commit is given, so the first upload-pack request is the fetch.
        const files = createActionFileSource({
          resolver: new OnlineResolver({ gitBaseUrl: proxy.url, maxAttempts: 1 }),
        });
        return { file: await files.fileAt('acme', 'inner', commits.inner, path), proxy };
      } finally {
        await proxy.stop();
      }
    };

    test('a pack whose bytes were altered fails its checksum', async () => {
      const { file } = await viaProxy({
        kind: 'rewrite',
        rewrite: (body) => {
          const copy = Buffer.from(body);
          const at = copy.indexOf('PACK') + 14;
          copy[at] ^= 0xff;
          return copy;
        },
      });
      assert.match(failed(file), /checksum does not match/);
    });

    test('garbage instead of pkt-lines, and a pack cut short', async () => {
      assert.match(
        failed((await viaProxy({ kind: 'rewrite', rewrite: () => Buffer.from('<html>hello</html>') })).file),
        /malformed pkt-line/,
      );
      assert.match(
        failed((await viaProxy({ kind: 'rewrite', rewrite: (body) => body.subarray(0, body.length - 30) })).file),
        /truncated pkt-line|ends inside its pack/,
      );
    });

    test('an oversized pack is cut off at the limit', async () => {
      const { file } = await viaProxy({ kind: 'oversize', bytes: 8 * 1024 * 1024 });
      assert.match(failed(file), /over 2097152 bytes/);
    });

    test('a valid pack holding another object than the one asked for', async () => {
      // The answer to a fetch of the composite action's commit, served for the inner action's commit.
      const other = await fetchAnswer(git, 'acme/composite', commits.composite);
      const { file } = await viaProxy({ kind: 'rewrite', rewrite: () => other });
      assert.match(failed(file), new RegExp(`pack does not hold ${commits.inner}`));
    });

    test('an error packet from the server is reported in its words, made printable', async () => {
      const err = 'ERR no\x1b[31m way\n';
      const packet = (err.length + 4).toString(16).padStart(4, '0') + err;
      const { file } = await viaProxy({ kind: 'rewrite', rewrite: () => Buffer.from(packet) });
      assert.match(failed(file), /the git server said "no \[31m way"/);
    });

    test('a redirect to another origin is not followed, and that origin receives nothing', async () => {
      const { file, proxy } = await viaProxy({ kind: 'redirect' });
      assert.match(failed(file), /redirected to another host/);
      assert.equal(proxy.storage.requests.length, 0);
    });
  });
});

/** The real server's answer to a fetch of `id` (a commit) from `repo`, for replaying elsewhere. */
async function fetchAnswer(git: TestGitServer, repo: string, id: string): Promise<Buffer> {
  const { fetchRequest } = await import('../../server/src/online/gitFetch');
  const response = await fetch(`${git.baseUrl}/${repo}.git/git-upload-pack`, {
    method: 'POST',
    headers: { 'Git-Protocol': 'version=2', 'Content-Type': 'application/x-git-upload-pack-request' },
    body: fetchRequest(id, 'commit'),
  });
  return Buffer.from(await response.arrayBuffer());
}
