// Reading remote actions' files: a set of actions (composite ones using tag-pinned inner actions, Docker
// actions built from a Dockerfile, chains) served by the real git server on 127.0.0.1, followed cold and
// then warm from the cache. Requests are counted on the server's side. One figure per line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle } from './benchBundle.mjs';

const root = new URL('..', import.meta.url).pathname;
const { lib, dispose } = await loadBundle(root, 'bench-action-files', [
  "export { OnlineResolver } from './server/src/online/resolver';",
  "export { createActionFileSource } from './server/src/online/actionFiles';",
  "export { startGitServer, gitMissing } from './test/servers/gitServer';",
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

  /** Follows every action the way the checker does: action.yml, then a Dockerfile or the steps' `uses:`. */
  const follow = async (files) => {
    let followed = 0;
    let fetched = 0;
    const queue = [...tops];
    const seen = new Set();
    while (queue.length > 0) {
      const a = queue.shift();
      const key = `${a.owner}/${a.repo}/${a.path}@${a.ref}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const file = await files.fileAt(a.owner, a.repo, a.ref, `${a.path}action.yml`);
      fetched++;
      if (file.kind !== 'found') throw new Error(`${key}: ${JSON.stringify(file)}`);
      followed++;
      if (/image: Dockerfile/.test(file.text)) {
        const dockerfile = await files.fileAt(a.owner, a.repo, a.ref, `${a.path}Dockerfile`);
        fetched++;
        if (dockerfile.kind !== 'found') throw new Error(`${key} Dockerfile: ${JSON.stringify(dockerfile)}`);
      }
      for (const m of file.text.matchAll(/uses: ([\w-]+)\/([\w-]+)((?:\/[\w-]+)*)@(\S+)/g))
        queue.push({ owner: m[1], repo: m[2], path: m[3] ? `${m[3].slice(1)}/` : '', ref: m[4] });
    }
    return { followed, fetched };
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
  const per = (n, d) => (d === 0 ? '0' : (n / d).toFixed(2));
  console.log(`action_files.actions_followed ${cold.followed}`);
  console.log(`action_files.files_read ${cold.fetched}`);
  console.log(`action_files.cold.requests_per_action ${per(cold.requests, cold.followed)}`);
  console.log(`action_files.cold.wall_ms ${cold.ms.toFixed(0)}`);
  console.log(`action_files.cold.ms_per_request_loopback ${per(cold.ms, cold.requests)}`);
  console.log(`action_files.warm.requests_per_action ${per(warm.requests, warm.followed)}`);
  console.log(`action_files.warm.wall_ms ${warm.ms.toFixed(1)}`);
  // Collected by scripts/bench.mjs into its RATIO line.
  console.log(
    `RATIO action_files_cold_requests_per_action=${per(cold.requests, cold.followed)} action_files_warm_requests_per_action=${per(warm.requests, warm.followed)} action_files_ms_per_request=${per(cold.ms, cold.requests)}`,
  );
} finally {
  await git.stop();
  rmSync(cacheDir, { recursive: true, force: true });
  dispose();
}
