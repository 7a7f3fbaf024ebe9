// Reading remote actions' files: a set of actions (composite ones using tag-pinned inner actions, Docker
// actions built from a Dockerfile, chains) served by the real git server on 127.0.0.1, followed by the
// checker's own follower cold and then warm from the cache. Requests are counted on the server's side.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle } from './benchBundle.mjs';

const root = new URL('..', import.meta.url).pathname;
const { lib, dispose } = await loadBundle(root, 'bench-action-files', [
  "export { OnlineResolver } from './server/src/online/resolver';",
  "export { createActionFileSource } from './server/src/online/actionFiles';",
  "export { startGitServer, gitMissing } from './test/servers/gitServer';",
  "export { followFiles } from './server/src/workspace/followFiles';",
]);
const missing = lib.gitMissing();
if (missing) {
  console.log(`action_files.skipped ${missing}`);
  dispose();
  process.exit(0);
}

const ACTIONS = 12;
const git = await lib.startGitServer();
const cacheDir = mkdtempSync(join(tmpdir(), 'wp-bench-action-files-'));
try {
  // Each top action is composite and uses a Docker action (Dockerfile at the root) and an inner
  // composite action in a subdirectory, which uses a third, node action: four repositories per top action.
  const tops = [];
  for (let i = 0; i < ACTIONS; i++) {
    git.commitFiles(
      `bench/node-${i}`,
      { 'action.yml': `name: node ${i}\nruns:\n  using: node20\n  main: index.js\n` },
      ['v1'],
    );
    git.commitFiles(
      `bench/docker-${i}`,
      {
        'action.yml': `name: docker ${i}\nruns:\n  using: docker\n  image: Dockerfile\n`,
        Dockerfile: `FROM someuser/tool:${i}\n`,
      },
      ['v2'],
    );
    git.commitFiles(
      `bench/inner-${i}`,
      { 'setup/action.yml': `name: s\nruns:\n  using: composite\n  steps:\n    - uses: bench/node-${i}@v1\n` },
      ['v3'],
    );
    git.commitFiles(
      `bench/top-${i}`,
      {
        'action.yml': `name: t\nruns:\n  using: composite\n  steps:\n    - uses: bench/docker-${i}@v2\n    - uses: bench/inner-${i}/setup@v3\n`,
      },
      ['v1'],
    );
    tops.push({ owner: 'bench', repo: `top-${i}`, path: '', ref: 'v1' });
  }

  // One workflow uses every top action; the checker's own follower decides what to read next.
  const workflow = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n${tops.map((t) => `      - uses: ${t.owner}/${t.repo}@${t.ref}\n`).join('')}`;
  const path = '.github/workflows/bench.yml';
  const follow = async (files) => {
    const found = new Set();
    let asked = 0;
    const counting = {
      async fileAt(owner, repo, ref, file) {
        asked++;
        const answer = await files.fileAt(owner, repo, ref, file);
        if (answer.kind !== 'found' && answer.kind !== 'missing')
          throw new Error(`${owner}/${repo}@${ref} ${file}: ${answer.reason}`);
        if (answer.kind === 'found' && /(^|\/)action\.ya?ml$/.test(file)) found.add(`${owner}/${repo}/${file}@${ref}`);
        return answer;
      },
    };
    await lib.followFiles(
      workflow,
      { path, follow: { files: new Map(), path } },
      () => ({ kind: 'missing' }),
      counting,
    );
    return { followed: found.size, fetched: asked };
  };
  const run = async () => {
    const files = lib.createActionFileSource({
      resolver: new lib.OnlineResolver({ gitBaseUrl: git.baseUrl, cacheDir }),
    });
    const since = git.requests.length;
    const started = performance.now();
    const counts = await follow(files);
    const ms = performance.now() - started;
    const sent = git.requests.slice(since);
    return { ...counts, ms, requests: sent.length, fetches: sent.filter((r) => r.method === 'POST').length };
  };
  const cold = await run();
  const warm = await run();
  // One fetch at a time, uncached (a commit given, so no ref listing): the commit, the root tree, the blob.
  const pinned = tops.map((t) => git.git(`bench/${t.repo.replace('top', 'node')}`, 'rev-parse', 'HEAD'));
  const single = lib.createActionFileSource({ resolver: new lib.OnlineResolver({ gitBaseUrl: git.baseUrl }) });
  const sequentialSince = git.requests.length;
  const sequentialStarted = performance.now();
  for (const [i, commit] of pinned.entries()) {
    const file = await single.fileAt('bench', `node-${i}`, commit, 'action.yml');
    if (file.kind !== 'found') throw new Error(`node-${i}: ${JSON.stringify(file)}`);
  }
  const sequentialMs = performance.now() - sequentialStarted;
  const sequentialRequests = git.requests.length - sequentialSince;
  const per = (n, d) => (d === 0 ? '0' : (n / d).toFixed(2));
  console.log(`action_files.actions_followed ${cold.followed}`);
  console.log(`action_files.files_asked ${cold.fetched}`);
  console.log(`action_files.cold.requests_per_action ${per(cold.requests, cold.followed)}`);
  console.log(`action_files.cold.wall_ms ${cold.ms.toFixed(0)}`);
  console.log(`action_files.sequential.requests_per_file ${per(sequentialRequests, pinned.length)}`);
  console.log(`action_files.sequential.ms_per_fetch_loopback ${per(sequentialMs, sequentialRequests)}`);
  console.log(`action_files.warm.requests_per_action ${per(warm.requests, warm.followed)}`);
  console.log(`action_files.warm.wall_ms ${warm.ms.toFixed(1)}`);
  // Collected by scripts/bench.mjs into its RATIO line.
  console.log(
    `RATIO action_files_cold_requests_per_action=${per(cold.requests, cold.followed)} action_files_warm_requests_per_action=${per(warm.requests, warm.followed)} action_files_ms_per_fetch=${per(sequentialMs, sequentialRequests)}`,
  );
} finally {
  await git.stop();
  rmSync(cacheDir, { recursive: true, force: true });
  dispose();
}
