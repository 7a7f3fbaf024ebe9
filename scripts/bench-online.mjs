// Online resolution benchmark: every distinct image named in the corpus, served by a local registry
// (Debian's docker-registry, token auth) behind a proxy adding 20 ms per request; the resolver cold,
// warm (cache), and a naive one-at-a-time client for comparison. One figure per line.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle } from './benchBundle.mjs';
import { corpusSkipped, sharedCorpusDir } from './sharedCorpus.mjs';

const root = new URL('..', import.meta.url).pathname;
const corpus = sharedCorpusDir(root) ?? join(root, '..', 'shared', 'corpus');
const LATENCY_MS = 20;

function yamlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

// Heuristic: values of image-ish keys, `docker://` references and quoted `name:tag` strings.
const KEYED =
  /(?:\bimage|\bcontainer|\bbase_image):\s+["']?([^\s"'#]+)|docker:\/\/([^\s"']+)|["']([a-z0-9][a-z0-9._/-]*:[A-Za-z0-9._-]+(?:@sha256:[0-9a-f]{64})?)["']/g;

function corpusImages(parse) {
  const occurrences = [];
  for (const file of yamlFiles(corpus)) {
    for (const match of readFileSync(file, 'utf8').matchAll(KEYED)) {
      const text = (match[1] ?? match[2] ?? match[3]).replace(/^--platform=\S+$/, '');
      if (!text || text.includes('${{') || text.includes('://') || text.startsWith('-')) continue;
      // Runner labels (`ubuntu-24.04-arm`) sit under `image:` keys too; an image here has a tag or a slash.
      if (!text.includes(':') && !text.includes('/')) continue;
      const parsed = parse(text);
      if (parsed.ok) occurrences.push(parsed.image);
    }
  }
  return occurrences;
}

try {
  statSync(corpus);
} catch {
  console.log(`online.${corpusSkipped}`);
  process.exit(0);
}

const { lib, dispose } = await loadBundle(root, 'bench-online', [
  "export { OnlineResolver } from './server/src/online/resolver';",
  "export { parseImageReference } from './server/src/engine/imageReference';",
  "export { startRegistry, missingTools } from './test/servers/registry';",
  "export { startFaultProxy } from './test/servers/faultProxy';",
]);
const missing = lib.missingTools();
if (missing) {
  console.log(`online.skipped ${missing}`);
  dispose();
  process.exit(0);
}

const found = corpusImages(lib.parseImageReference);
const registry = await lib.startRegistry();
const proxy = await lib.startFaultProxy(registry.url);
const cacheDir = mkdtempSync(join(tmpdir(), 'wp-bench-cache-'));
try {
  // Each corpus image becomes `<local>/<registry>/<repository>:<tag>`, so distinct names stay distinct.
  const localName = (image) => `${image.registry}/${image.repository}`.toLowerCase();
  const occurrences = found
    .map((image) => {
      const tag = image.tag ?? 'latest';
      return lib.parseImageReference(`${proxy.host}/${localName(image)}:${tag}`);
    })
    .filter((r) => r.ok)
    .map((r) => r.image);
  const distinct = new Map(occurrences.map((image) => [image.canonical, image]));
  for (const [i, image] of [...distinct.values()].entries()) {
    const pushed = await registry.pusher.image(image.repository, image.tag, {
      platforms: ['linux/amd64', 'linux/arm64/v8'],
      attest: i % 2 === 0,
      labels: { 'org.opencontainers.image.source': `https://example.invalid/${image.repository}` },
    });
    if (i % 3 === 0) await registry.pusher.cosignSignature(image.repository, pushed.digest);
  }
  proxy.latencyMs = LATENCY_MS;
  registry.setTokenLatency(LATENCY_MS);
  const options = { registryUrls: { [proxy.host]: proxy.url }, dockerConfigPath: null };
  const n = distinct.size;

  const timed = async (work) => {
    const started = performance.now();
    const value = await work();
    return { value, ms: performance.now() - started };
  };
  const cold = new lib.OnlineResolver({ ...options, cacheDir });
  const coldRun = await timed(() => cold.resolveAll(occurrences, []));
  const warm = new lib.OnlineResolver({ ...options, cacheDir });
  const warmRun = await timed(() => warm.resolveAll(occurrences, []));
  const minimal = new lib.OnlineResolver({ ...options, details: false });
  const minimalRun = await timed(() => minimal.resolveAll(occurrences, []));
  for (const run of [coldRun, warmRun, minimalRun]) {
    if (run.value.errors.size) throw new Error(`look-ups failed: ${JSON.stringify([...run.value.errors])}`);
    if (run.value.images.size !== n) throw new Error(`resolved ${run.value.images.size} of ${n} images`);
  }
  const naiveFull = await timed(() => naive(occurrences, proxy.url, true));
  const naiveMinimal = await timed(() => naive(occurrences, proxy.url, false));

  const per = (requests) => (requests / n).toFixed(2);
  console.log(`online.corpus_occurrences ${occurrences.length}`);
  console.log(`online.distinct_images ${n}`);
  console.log(`online.latency_ms_per_request ${LATENCY_MS}`);
  console.log(`online.cold.requests_per_image ${per(cold.stats().requests)}`);
  console.log(`online.cold.token_requests ${cold.stats().tokenRequests}`);
  console.log(`online.cold.wall_ms ${coldRun.ms.toFixed(0)}`);
  console.log(`online.warm.requests_per_image ${per(warm.stats().requests)}`);
  console.log(`online.warm.wall_ms ${warmRun.ms.toFixed(1)}`);
  console.log(`online.cold_digest_platforms_only.requests_per_image ${per(minimal.stats().requests)}`);
  console.log(`online.cold_digest_platforms_only.wall_ms ${minimalRun.ms.toFixed(0)}`);
  console.log(`online.naive.requests_per_image ${per(naiveFull.value)}`);
  console.log(`online.naive.wall_ms ${naiveFull.ms.toFixed(0)}`);
  console.log(`online.naive_digest_platforms_only.requests_per_image ${per(naiveMinimal.value)}`);
  console.log(`online.naive_digest_platforms_only.wall_ms ${naiveMinimal.ms.toFixed(0)}`);
  // Collected by scripts/bench.mjs: wall time of the resolver over the naive client's, and requests per image.
  console.log(
    `RATIO online_cold_vs_naive=${(coldRun.ms / naiveFull.ms).toFixed(3)} online_cold_requests_per_image=${per(cold.stats().requests)} online_cold_platforms_only_requests_per_image=${per(minimal.stats().requests)} online_warm_requests_per_image=${per(warm.stats().requests)}`,
  );
} finally {
  await proxy.stop();
  await registry.stop();
  rmSync(cacheDir, { recursive: true, force: true });
  dispose();
}

/**
 * A naive client: every occurrence on its own, one request at a time, a fresh token each time
 * (401, token, retry), the same facts as the resolver. Returns the number of requests sent.
 */
async function naive(images, base, details) {
  const accept =
    'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
  let requests = 0;
  const send = async (url, init = {}) => {
    requests++;
    return fetch(url, init);
  };
  for (const image of images) {
    const api = `${base}/v2/${image.repository}`;
    const challenge = await send(`${api}/manifests/${image.tag}`, { headers: { Accept: accept } });
    const header = challenge.headers.get('www-authenticate') ?? '';
    const realm = /realm="([^"]+)"/.exec(header)[1];
    const service = /service="([^"]+)"/.exec(header)[1];
    const tokenAnswer = await send(
      `${realm}?service=${encodeURIComponent(service)}&scope=${encodeURIComponent(`repository:${image.repository}:pull`)}`,
    );
    const { token } = await tokenAnswer.json();
    const headers = { Accept: accept, Authorization: `Bearer ${token}` };
    const indexAnswer = await send(`${api}/manifests/${image.tag}`, { headers });
    const index = await indexAnswer.json();
    if (!details) continue;
    const entry = index.manifests.find((m) => m.platform?.os === 'linux');
    const manifest = await (await send(`${api}/manifests/${entry.digest}`, { headers })).json();
    await (await send(`${api}/blobs/${manifest.config.digest}`, { headers })).arrayBuffer();
    const digest = indexAnswer.headers.get('docker-content-digest');
    const tag = digest.replace(':', '-');
    await (await send(`${api}/referrers/${digest}`, { headers })).arrayBuffer();
    await (await send(`${api}/manifests/${tag}`, { headers })).arrayBuffer();
    await send(`${api}/manifests/${tag}.sig`, { method: 'HEAD', headers });
    await send(`${api}/manifests/${tag}.att`, { method: 'HEAD', headers });
  }
  return requests;
}
