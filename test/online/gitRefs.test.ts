// Action refs resolved through a real git smart-HTTP server (`git http-backend`), protocol v2 and v0.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedAction } from '../../server/src/engine/api';
import { bestVersionTag } from '../../server/src/online/gitRefs';
import { isResolveError, OnlineResolver, ResolveError, ResolverOptions } from '../../server/src/online/resolver';
import { gitMissing, startGitServer, TestGitServer } from '../servers/gitServer';

const skip = gitMissing();
if (skip) console.log(`# skipping online git tests: ${skip}`);

function resolved(result: ResolvedAction | ResolveError): ResolvedAction {
  if (isResolveError(result)) assert.fail(`expected an action, got ${result.code}: ${result.error}`);
  return result;
}

test('the most specific version tag wins: v4.2.2 over v4.2 over v4', () => {
  assert.equal(bestVersionTag(['v4', 'v4.2.2', 'latest', 'v4.2']), 'v4.2.2');
  assert.equal(bestVersionTag(['v4', 'v4.2']), 'v4.2');
  assert.equal(bestVersionTag(['v1.10.0', 'v1.9.0']), 'v1.10.0');
  assert.equal(bestVersionTag(['main', 'nightly']), undefined);
});

describe('online: action refs from a real git server', { skip }, () => {
  let git: TestGitServer;
  const dirs: string[] = [];
  before(async () => {
    git = await startGitServer();
  });
  after(async () => {
    await git?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const resolver = (options: ResolverOptions = {}) => new OnlineResolver({ gitBaseUrl: git.baseUrl, ...options });

  for (const protocol of ['v2', 'v0'] as const) {
    test(`protocol ${protocol}: a tag resolves to its commit and the most specific tag there`, async () => {
      const since = git.requests.length;
      const action = resolved(await resolver({ gitProtocol: protocol }).resolveAction('actions', 'checkout', 'v4'));
      assert.equal(action.commit, git.commits.two);
      assert.equal(action.bestTag, 'v4.2.2');
      const sent = git.requests.slice(since);
      // v2: capabilities, then ls-refs; v0: the advertisement alone.
      assert.deepEqual(
        sent.map((q) => q.method),
        protocol === 'v2' ? ['GET', 'POST'] : ['GET'],
      );
      assert.equal(sent[0].protocol, protocol === 'v2' ? 'version=2' : undefined);
    });

    test(`protocol ${protocol}: an annotated tag is peeled to its commit`, async () => {
      const action = resolved(await resolver({ gitProtocol: protocol }).resolveAction('actions', 'checkout', 'v5.0.0'));
      assert.equal(action.commit, git.commits.three);
      assert.notEqual(action.commit, git.annotatedTagObject);
      assert.equal(action.bestTag, 'v5.0.0');
    });
  }

  test('branches resolve too; an unknown ref or repository is not-found', async () => {
    const r = resolver();
    assert.equal(resolved(await r.resolveAction('actions', 'checkout', 'main')).commit, git.commits.three);
    const release = resolved(await r.resolveAction('actions', 'checkout', 'releases/v4'));
    assert.equal(release.commit, git.commits.two);
    assert.equal(release.bestTag, 'v4.2.2');
    const missing = await r.resolveAction('actions', 'checkout', 'v9');
    assert.ok(isResolveError(missing));
    assert.equal(missing.code, 'not-found');
    const noRepo = await r.resolveAction('actions', 'no-such-repo', 'v1');
    assert.ok(isResolveError(noRepo));
    assert.equal(noRepo.code, 'not-found');
  });

  test('a pinned commit gets its best tag, and the commit its # version comment names', async () => {
    const r = resolver();
    const matching = resolved(await r.resolveAction('actions', 'checkout', git.commits.two, 'v4.2.2'));
    assert.equal(matching.commit, git.commits.two);
    assert.equal(matching.bestTag, 'v4.2.2');
    assert.equal(matching.commentTagCommit, git.commits.two);
    // A comment that names a tag pointing elsewhere: what action-ref-mismatch reports.
    const mismatched = resolved(await r.resolveAction('actions', 'checkout', git.commits.one, 'v4.2.2'));
    assert.equal(mismatched.bestTag, 'v3');
    assert.equal(mismatched.commentTagCommit, git.commits.two);
    // Comments often drop the `v`.
    assert.equal(
      resolved(await r.resolveAction('actions', 'checkout', git.commits.three, '5.0.0')).commentTagCommit,
      git.commits.three,
    );
  });

  test('one ref listing serves every action of a repository, shared while in flight', async () => {
    const since = git.requests.length;
    const r = resolver();
    const facts = await r.resolveAll(
      [],
      [
        { owner: 'actions', repo: 'checkout', ref: 'v4' },
        { owner: 'actions', repo: 'checkout', ref: 'v5.0.0' },
        { owner: 'actions', repo: 'checkout', ref: git.commits.one, commentVersion: 'v3' },
        { owner: 'actions', repo: 'checkout', ref: 'v4' },
      ],
    );
    assert.equal(facts.actions.size, 3);
    assert.equal(facts.actions.get('actions/checkout@v4')?.commit, git.commits.two);
    assert.equal(facts.actions.get(`actions/checkout@${git.commits.one}`)?.commentTagCommit, git.commits.one);
    assert.equal(git.requests.length - since, 2, 'one capability request and one ls-refs');
  });

  test('auto mode falls back to the v0 advertisement when the server does not speak v2', async () => {
    const old = await startGitServer({ protocolV2: false });
    try {
      const r = new OnlineResolver({ gitBaseUrl: old.baseUrl });
      const action = resolved(await r.resolveAction('actions', 'checkout', 'v5.0.0'));
      assert.equal(action.commit, old.commits.three);
      assert.deepEqual(
        old.requests.map((q) => q.method),
        ['GET'],
      );
      const strict = await new OnlineResolver({ gitBaseUrl: old.baseUrl, gitProtocol: 'v2' }).resolveAction(
        'actions',
        'checkout',
        'v4',
      );
      assert.ok(isResolveError(strict));
      assert.match(strict.error, /does not speak git protocol v2/);
    } finally {
      await old.stop();
    }
  });

  test('a moved tag: a new look-up sees the new commit; the cache keeps the old one until it expires', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-gitcache-'));
    dirs.push(dir);
    let clock = Date.now();
    const now = () => clock;
    const before = resolved(await resolver({ cacheDir: dir, now }).resolveAction('actions', 'checkout', 'v3'));
    assert.equal(before.commit, git.commits.one);
    const moved = git.moveTag('v3');
    const cached = resolved(await resolver({ cacheDir: dir, now }).resolveAction('actions', 'checkout', 'v3'));
    assert.equal(cached.commit, git.commits.one);
    assert.equal(cached.fromCache, true);
    clock += 61 * 60 * 1000; // past the 1 h time-to-live of action refs
    const after = resolved(await resolver({ cacheDir: dir, now }).resolveAction('actions', 'checkout', 'v3'));
    assert.equal(after.commit, moved);
    assert.equal(after.fromCache, undefined);
    assert.equal(after.bestTag, 'v3');
  });

  test('with the git host gone, cached refs are used and marked cached', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-gitcache-'));
    dirs.push(dir);
    let clock = Date.now();
    const now = () => clock;
    const doomed = await startGitServer();
    const online = resolved(
      await new OnlineResolver({ gitBaseUrl: doomed.baseUrl, cacheDir: dir, now }).resolveAction(
        'actions',
        'checkout',
        'v4',
      ),
    );
    await doomed.stop();
    clock += 2 * 60 * 60 * 1000;
    const offline = new OnlineResolver({ gitBaseUrl: doomed.baseUrl, cacheDir: dir, now });
    const action = resolved(await offline.resolveAction('actions', 'checkout', 'v4'));
    assert.equal(action.fromCache, true);
    assert.equal(action.commit, online.commit);
    assert.equal(action.commit, doomed.commits.two);
    assert.equal(offline.stats().staleFallbacks, 1);
  });
});
