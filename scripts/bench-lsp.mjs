// Measures the language server over stdio with a real LSP client:
//   - keystrokes: didChange -> publishDiagnostics on the largest corpus file, each edit alternating with a
//     bare `yaml` parse of the same text in this process (the floor), p95 against the parse's median;
//   - opening a workspace of 200+ workflow files (copies of the corpus under .test-tmp, varied): initialize
//     -> every file's diagnostics, alternating with the CLI checking the same folder, and whether the file
//     open in the editor got its diagnostics before the rest;
//   - memory: the server's live heap after a full garbage collection (read through its inspector on
//     127.0.0.1, see inspectorClient.mjs) and its resident size, after opening every file of that
//     workspace as an editor buffer, every 1,000 of thousands of edits, and after a pause; then the heap
//     with online look-ups on while an image's tag is retyped as many times (the registry out of reach);
//   - with --compare-actions-ls, GitHub's @actions/languageserver on the same keystrokes (slow: minutes).
// Run after `node scripts/build.mjs`. Options: --server PATH, --cli PATH, --edits N, --files N,
// --rounds N, --memory-edits N, --compare-actions-ls, --cpu-prof DIR, --heap-snapshot DIR (writes the
// server's heap after the workspace check, after opening and after the edits, for DevTools' Memory tab;
// the RSS figures after one are inflated by it).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, median, percentile, relativeMad, since } from './benchStats.mjs';
import { connectInspector, inspectorUrl, liveMemory, writeHeapSnapshot } from './inspectorClient.mjs';
import { corpusSkipped, sharedCorpusDir } from './sharedCorpus.mjs';

const require = createRequire(import.meta.url);
const rpc = require('vscode-languageserver-protocol/node');
const { parseDocument } = require('yaml');

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const argValue = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const serverScript = resolve(argValue('--server', join(root, 'dist/server.js')));
const cliScript = resolve(argValue('--cli', join(root, 'dist/cli.js')));
const edits = Number(argValue('--edits', '60'));
const workspaceFiles = Number(argValue('--files', '240'));
const rounds = Number(argValue('--rounds', '3'));
const memoryEdits = Number(argValue('--memory-edits', '5000'));
const profileDir = argValue('--cpu-prof', undefined);
const snapshotDir = argValue('--heap-snapshot', undefined);
const idleMs = 15000;
const corpusDir = sharedCorpusDir(root);
const largestName = 'rust-lang__rustup/ci.yaml';
const benchDir = join(root, '.test-tmp/bench');
// The engine's own parse options (server/src/engine/yamlSource.ts), so the floor is the engine's parse.
const parseOptions = { uniqueKeys: false, strict: false, prettyErrors: false, keepSourceTokens: false };

const ms = (v) => v.toFixed(2);
const mib = (bytes) => bytes / (1024 * 1024);

function corpusFiles() {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) out.push(p);
    }
  };
  walk(corpusDir);
  return out.sort();
}

/** Node options that write a CPU profile of the server to `profileDir/name`, when asked. */
function profiled(name) {
  return profileDir ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, name)] : [];
}

/** A client over the child's stdio that records diagnostics per URI and lets callers wait for them. */
async function startClient(command, commandArgs, workspace, initializationOptions, settings = {}) {
  const spawned = performance.now();
  const child = spawn(command, commandArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
  // The inspector's address is the first thing such a child prints: listen before any output is dropped.
  const inspector = commandArgs.some((a) => a.startsWith('--inspect')) ? inspectorUrl(child) : undefined;
  inspector?.catch(() => {}); // reported when the memory part awaits it
  child.stderr.on('data', () => {});
  const connection = rpc.createProtocolConnection(
    new rpc.StreamMessageReader(child.stdout),
    new rpc.StreamMessageWriter(child.stdin),
  );
  const waiters = [];
  /** When each URI's diagnostics were first published, in order of arrival. */
  const firstPublished = new Map();
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    const at = performance.now();
    if (!firstPublished.has(params.uri)) firstPublished.set(params.uri, { at, order: firstPublished.size });
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].accept(params)) waiters.splice(i, 1)[0].resolve(at);
    }
  });
  for (const note of ['workflowProvenance/status', 'window/logMessage', 'telemetry/event'])
    connection.onNotification(note, () => {});
  connection.onRequest('workspace/configuration', (p) => p.items.map(() => settings));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.listen();
  const folder = pathToFileURL(workspace).href;
  const initializeSent = performance.now();
  const initialized = await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: folder,
    workspaceFolders: [{ uri: folder, name: 'bench' }],
    initializationOptions,
    capabilities: {
      workspace: { configuration: true, workspaceFolders: true },
      textDocument: {
        publishDiagnostics: { versionSupport: true, relatedInformation: true },
        hover: { contentFormat: ['markdown'] },
      },
    },
  });
  await connection.sendNotification('initialized', {});
  const versions = new Map();
  const sync = initialized.capabilities.textDocumentSync;
  return {
    // TextDocumentSyncKind.Full = 1: such a server expects the whole text on every change, as an editor sends it.
    fullSync: (typeof sync === 'number' ? sync : sync?.change) === 1,
    child,
    connection,
    /** The inspector's WebSocket URL, when the child was started with `--inspect`. */
    inspector,
    spawned,
    initializeSent,
    firstPublished,
    /** Resolves with the arrival time of the first publication for `uri` that `accept` takes. */
    wait(uri, accept = () => true, timeoutMs = 60000) {
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for diagnostics on ${uri}`)), timeoutMs);
        waiters.push({
          accept: (p) => p.uri === uri && accept(p),
          resolve: (at) => (clearTimeout(timer), resolvePromise(at)),
        });
      });
    },
    /** Resolves when every URI of `uris` has had diagnostics published, with the time of the last. */
    async waitAll(uris, timeoutMs = 300000) {
      const pending = uris.filter((u) => !firstPublished.has(u));
      await Promise.all(pending.map((u) => this.wait(u, () => true, timeoutMs)));
      return Math.max(...uris.map((u) => firstPublished.get(u).at));
    },
    async open(uri, text) {
      versions.set(uri, 1);
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'yaml', version: 1, text },
      });
    },
    async change(uri, contentChanges) {
      const version = versions.get(uri) + 1;
      versions.set(uri, version);
      await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
      return version;
    },
    async stop() {
      try {
        await Promise.race([connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
        await connection.sendNotification('exit');
      } catch {
        // killed below
      }
      const killer = setTimeout(() => child.kill(), 5000);
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      clearTimeout(killer);
      connection.dispose();
    },
  };
}

/**
 * One-character edits at the end of a comment line of `text`: edit i types the i-th character of a
 * growing word, so every edit makes a text never seen before (as typing does; no cache can answer it).
 * Returns the text after edit i and the change that makes it.
 */
function commentEdits(text) {
  const { at, offset } = endOfComment(text);
  const letter = (i) => String.fromCharCode(97 + (i % 26));
  let typed = '';
  return (i) => {
    const position = { line: at.line, character: at.character + typed.length };
    typed += letter(i);
    return {
      after: `${text.slice(0, offset)}${typed}${text.slice(offset)}`,
      change: { range: { start: position, end: position }, text: letter(i) },
    };
  };
}

/** The end of the first comment line of `text` (or its start when it has none), as position and offset. */
function endOfComment(text) {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => /^\s*#/.test(l));
  const at = line >= 0 ? { line, character: lines[line].length } : { line: 0, character: 0 };
  return { at, offset: lines.slice(0, at.line).reduce((n, l) => n + l.length + 1, 0) + at.character };
}

/**
 * Edits that keep the text's length: each replaces the six digits at `at` with the edit's count (the
 * first types them, unless `present`). Every text is new, yet a heap that grows over thousands of them
 * cannot be the text growing.
 */
function counterEdits(at, present = false) {
  const digits = (i) => String(i).padStart(6, '0');
  return (i) => ({
    range: { start: at, end: { line: at.line, character: at.character + (i === 0 && !present ? 0 : 6) } },
    text: digits(i),
  });
}

/**
 * `count` edits to `uri` in bursts of `burst`, as typing sends them, each burst waiting for the
 * diagnostics of its last version; `measure` every 1,000 edits. Returns the measurements and how long it took.
 */
async function editSeries(client, uri, editAt, count, measure, burst = 10) {
  const series = [];
  const started = performance.now();
  let version = 1;
  for (let i = 0; i < count; ) {
    for (let b = 0; b < burst && i < count; b++, i++) version = await client.change(uri, [editAt(i)]);
    const target = version;
    await client.wait(uri, (p) => p.version === target);
    if (i % 1000 === 0) series.push(await measure());
  }
  return { series, took: `every 1000 edits; ${(since(started) / 1000).toFixed(1)} s` };
}

/** Live heap after a full collection, and what lies outside it, in MiB. */
async function heapMiB(session) {
  const live = await liveMemory(session);
  return { heap: mib(live.heap), external: mib(live.external) };
}

/** Growth of `key` from the first measurement of `series` to its last. */
function growthOf(series, key) {
  return series.length > 1 ? series[series.length - 1][key] - series[0][key] : Number.NaN;
}

/**
 * Time from sending an incremental didChange to the diagnostics that answer it, each edit alternating with
 * a bare parse of the edited text here (`parseTimes`), so both sides meet the same load.
 */
async function measureEdits(client, uri, count, tracker, parseTimes) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const { after, change } = tracker.editAt(i);
    // Editors type with pauses longer than a debounce between most keystrokes.
    await new Promise((r) => setTimeout(r, 120));
    if (parseTimes) {
      const t0 = performance.now();
      parseDocument(after, parseOptions);
      parseTimes.push(since(t0));
    }
    const version = tracker.next + 1;
    tracker.next = version;
    const arrived = client.wait(uri, (p) => (tracker.versioned ? p.version === version : true));
    const sent = performance.now();
    await client.change(uri, [client.fullSync ? { text: after } : change]);
    times.push((await arrived) - sent);
  }
  return times;
}

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/** Hover over every image and action reference of the file, round after round. */
async function measureHovers(client, uri, text) {
  const targets = [];
  text.split('\n').forEach((l, i) => {
    const m = /(uses|image|container):\s*['"]?([^\s'"#]+)/.exec(l);
    if (m) targets.push({ line: i, character: l.indexOf(m[2]) + 1 });
  });
  const times = [];
  let answered = 0;
  for (let i = 0; i < Math.max(50, targets.length); i++) {
    const position = targets[i % targets.length] ?? { line: 0, character: 0 };
    const started = performance.now();
    const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position });
    times.push(since(started));
    if (hover) answered++;
  }
  console.log(`lsp_hover_p50_ms ${ms(percentile(times, 50))}`);
  console.log(`lsp_hover_p95_ms ${ms(percentile(times, 95))}`);
  console.log(`lsp_hovers_answered ${answered}/${times.length}`);
}

/**
 * A workspace of `count` workflow files made from the corpus: copy k of a file has its `echo` words and
 * its first comment changed, so scripts differ between copies (no parse is shared by accident) while each
 * stays the same real workflow. Written under .test-tmp, never committed.
 */
function makeWorkspace(files, count) {
  const dir = join(benchDir, 'workspace');
  rmSync(dir, { recursive: true, force: true });
  const workflows = join(dir, '.github/workflows');
  mkdirSync(workflows, { recursive: true });
  const paths = [];
  for (let k = 0; paths.length < count; k++) {
    for (const file of files) {
      if (paths.length >= count) break;
      const text = readFileSync(file, 'utf8').replace(/\becho /g, `echo copy${k} `);
      const name = `${file.slice(corpusDir.length + 1).replace(/[/.]/g, '_')}-${k}.yml`;
      const path = join(workflows, name);
      writeFileSync(path, `# copy ${k} of ${basename(file)}\n${text}`);
      paths.push(path);
    }
  }
  return { dir, paths };
}

/** Wall time of one CLI run over the folder, in milliseconds. */
function timeCli(dir) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cliScript, 'check', '--offline', '--format', 'json', dir], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const took = since(t0);
  if (r.status !== 0 && r.status !== 1 && r.status !== 2)
    throw new Error(`the CLI exited with ${r.status}: ${r.stderr}`);
  return took;
}

/**
 * Starts the server on the workspace, opens one file as the editor does at start, and waits for every
 * file's diagnostics. Returns the times and the client (still running) for the memory part.
 */
async function openWorkspace(workspace, profileName) {
  // Every round's server listens for an inspector (loopback, a free port), so all rounds start alike; only
  // the memory part connects to it.
  const client = await startClient(
    process.execPath,
    ['--inspect=127.0.0.1:0', ...profiled(profileName), serverScript, '--stdio', '--debounce', '0'],
    workspace.dir,
  );
  const openPath = workspace.paths[Math.floor(workspace.paths.length / 2)];
  const openUri = pathToFileURL(openPath).href;
  await client.open(openUri, readFileSync(openPath, 'utf8'));
  const uris = workspace.paths.map((p) => pathToFileURL(p).href);
  const last = await client.waitAll(uris);
  const open = client.firstPublished.get(openUri);
  return {
    client,
    fromInitialize: last - client.initializeSent,
    fromSpawn: last - client.spawned,
    openAfter: open.at - client.initializeSent,
    openOrder: open.order,
  };
}

async function workspaceAndMemory(files) {
  const workspace = makeWorkspace(files, workspaceFiles);
  console.log(
    `workspace: ${workspace.paths.length} workflow files (${files.length} corpus files, varied copies) in ${workspace.dir}`,
  );
  const serverTimes = [];
  const spawnTimes = [];
  const cliTimes = [];
  let client;
  for (let r = 0; r < rounds; r++) {
    // Server and CLI alternate, so a change in the machine's load hits both alike.
    const opened = await openWorkspace(workspace, `lsp-workspace-${r}`);
    serverTimes.push(opened.fromInitialize);
    spawnTimes.push(opened.fromSpawn);
    console.log(
      `  round ${r + 1}: server ${opened.fromInitialize.toFixed(0)} ms from initialize (${opened.fromSpawn.toFixed(0)} ms from spawn); ` +
        `the open file's diagnostics came #${opened.openOrder + 1} of ${workspace.paths.length}, at ${opened.openAfter.toFixed(0)} ms`,
    );
    if (r < rounds - 1) await opened.client.stop();
    else client = opened.client;
    cliTimes.push(timeCli(workspace.dir));
  }
  console.log(`lsp_workspace_initialize_to_all_diagnostics ${describe(serverTimes)}`);
  console.log(`lsp_workspace_spawn_to_all_diagnostics ${describe(spawnTimes)}`);
  console.log(`cli_same_files ${describe(cliTimes)}`);
  const workspaceRatio = median(serverTimes) / median(cliTimes);
  console.log(`lsp workspace / CLI: ${workspaceRatio.toFixed(2)} (target <= 1.2)`);

  const memory = await measureMemory(client, workspace);
  await client.stop();
  return { workspaceRatio, ...memory, noise: Math.max(relativeMad(serverTimes), relativeMad(cliTimes)) };
}

/**
 * The server's memory once it has checked the workspace (every file but one closed), after every file is
 * opened as an editor buffer, every 1,000 of `memoryEdits` edits to one of them, and after a pause.
 */
async function measureMemory(client, workspace) {
  const session = await connectInspector(await client.inspector);
  /** Resident size as the system sees it, then the live heap after a full collection. */
  const measure = async () => ({ rss: rssMiB(client.child.pid), ...(await heapMiB(session)) });
  const show = (m) => `heap ${m.heap.toFixed(1)}, outside the heap ${m.external.toFixed(1)}, RSS ${m.rss.toFixed(1)}`;
  const snapshot = async (name) => {
    if (!snapshotDir) return;
    mkdirSync(snapshotDir, { recursive: true });
    const path = join(snapshotDir, `${name}.heapsnapshot`);
    await writeHeapSnapshot(session, path);
    console.log(`  heap snapshot: ${path}`);
  };
  const count = workspace.paths.length;
  // The workspace checked, every file but one closed: what the server keeps of files nobody is editing.
  const checked = await measure();
  console.log(`after checking ${count} closed files (MiB): ${show(checked)}`);
  console.log(`lsp_heap_after_checking_${count}_files_mib ${checked.heap.toFixed(1)}`);
  await snapshot('after-check');

  // Every file opened as an editor buffer, then thousands of edits on one of them.
  const opened = [];
  for (const path of workspace.paths) {
    const uri = pathToFileURL(path).href;
    if (client.firstPublished.has(uri) && path === workspace.paths[Math.floor(workspace.paths.length / 2)]) continue;
    const done = client.wait(uri, (p) => p.version === 1);
    await client.open(uri, readFileSync(path, 'utf8'));
    opened.push(done);
  }
  await Promise.all(opened);
  const afterOpen = await measure();
  console.log(`after opening ${count} files (MiB): ${show(afterOpen)}`);
  console.log(`lsp_heap_after_opening_${count}_files_mib ${afterOpen.heap.toFixed(1)}`);
  console.log(`lsp_rss_after_opening_${count}_files_mib ${afterOpen.rss.toFixed(1)}`);
  await snapshot('after-open');
  const editedPath = workspace.paths.find((p) => p.includes('prometheus_ci')) ?? workspace.paths[0];
  const editedUri = pathToFileURL(editedPath).href;
  const editAt = counterEdits(endOfComment(readFileSync(editedPath, 'utf8')).at);
  const { series, took } = await editSeries(client, editedUri, editAt, memoryEdits, measure);
  const list = (key) => series.map((m) => m[key].toFixed(1)).join(' ');
  console.log(`lsp_heap_over_${memoryEdits}_edits_mib ${list('heap')} (${took})`);
  console.log(`lsp_outside_heap_over_${memoryEdits}_edits_mib ${list('external')}`);
  console.log(`lsp_rss_over_${memoryEdits}_edits_mib ${list('rss')}`);
  // The first thousand edits fill caches and warm the JIT; live heap that grows after that is retained
  // by something. RSS also moves with how much of its heap V8 keeps, which it shrinks when idle.
  const growth = (key) => growthOf(series, key);
  console.log(`lsp_heap_growth_after_first_1000_edits_mib ${growth('heap').toFixed(1)}`);
  console.log(`lsp_rss_growth_after_first_1000_edits_mib ${growth('rss').toFixed(1)}`);
  await snapshot('after-edits');
  await new Promise((r) => setTimeout(r, idleMs));
  const idle = await measure();
  console.log(`after ${idleMs / 1000} s idle (MiB): ${show(idle)}`);
  console.log(`lsp_heap_after_${idleMs / 1000}_s_idle_mib ${idle.heap.toFixed(1)}`);
  console.log(`lsp_rss_after_${idleMs / 1000}_s_idle_mib ${idle.rss.toFixed(1)}`);
  session.close();
  return {
    checked,
    afterOpen,
    heapGrowth: growth('heap'),
    rssGrowth: growth('rss'),
    idle,
  };
}

/** A loopback port nothing listens on: one the system just handed out and that was closed again. */
async function closedPort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * The server with online look-ups on while an image's tag is retyped `memoryEdits` times, so every edit
 * names an image never looked up. The registry is mapped to a loopback port nothing listens on (a
 * registry out of reach): each look-up fails and no request leaves the machine, and what the
 * server keeps per look-up and per failure would show as growth.
 */
async function onlineMemory() {
  const dir = join(benchDir, 'online');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  const imageLine = '    container: registry.test/app/image:t000000';
  const lines = [
    'on: push',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    imageLine,
    '    steps:',
    '      - run: make',
  ];
  const text = `${lines.join('\n')}\n`;
  const path = join(dir, '.github/workflows/ci.yml');
  writeFileSync(path, text);
  const unreachable = `http://127.0.0.1:${await closedPort()}`;
  const online = {
    cacheDir: join(dir, 'cache'),
    registryUrls: { 'registry.test': unreachable },
    gitBaseUrl: unreachable,
  };
  const client = await startClient(
    process.execPath,
    ['--inspect=127.0.0.1:0', serverScript, '--stdio', '--debounce', '0'],
    dir,
    { online },
    { online: true },
  );
  const uri = pathToFileURL(path).href;
  await client.open(uri, text);
  await client.wait(uri, (p) => p.version === 1);
  const session = await connectInspector(await client.inspector);
  const tag = counterEdits({ line: lines.indexOf(imageLine), character: imageLine.length - 6 }, true);
  // One edit at a time: every tag is analysed and wanted, none coalesced with the next.
  const { series, took } = await editSeries(client, uri, tag, memoryEdits, () => heapMiB(session), 1);
  const heaps = series.map((m) => m.heap.toFixed(1)).join(' ');
  console.log(`online, an image tag retyped (registry out of reach): heap ${heaps} MiB (${took})`);
  const growth = growthOf(series, 'heap');
  console.log(`lsp_online_heap_growth_after_first_1000_edits_mib ${growth.toFixed(1)}`);
  session.close();
  await client.stop();
  return growth;
}

async function main() {
  if (!corpusDir) {
    console.log(`lsp.${corpusSkipped}`);
    console.log('RATIO lsp_p95_vs_parse=n/a lsp_workspace_vs_cli=n/a');
    return;
  }
  if (!existsSync(serverScript))
    throw new Error(`no server bundle at ${serverScript}; run node scripts/build.mjs first`);
  const files = corpusFiles();
  const largest = join(corpusDir, largestName);
  const text = readFileSync(existsSync(largest) ? largest : files[files.length - 1], 'utf8');
  const single = join(benchDir, 'single');
  rmSync(single, { recursive: true, force: true });
  mkdirSync(join(single, '.github/workflows'), { recursive: true });
  const target = join(single, '.github/workflows/largest.yaml');
  writeFileSync(target, text);
  const uri = pathToFileURL(target).href;
  console.log(`keystrokes on ${largestName}: ${text.length} chars, ${text.split('\n').length} lines, ${edits} edits`);

  const ours = await startClient(process.execPath, [...profiled('lsp-keystrokes'), serverScript, '--stdio'], single);
  await ours.wait(uri);
  await ours.open(uri, text);
  await ours.wait(uri, (p) => p.version === 1);
  const tracker = { next: 1, versioned: true, editAt: commentEdits(text) };
  await measureEdits(ours, uri, 10, tracker, []); // warm-up
  const parseTimes = [];
  const ourTimes = await measureEdits(ours, uri, edits, tracker, parseTimes);
  const p95 = percentile(ourTimes, 95);
  console.log(`lsp_change_to_diagnostics_p50_ms ${ms(percentile(ourTimes, 50))}`);
  console.log(`lsp_change_to_diagnostics_p95_ms ${ms(p95)}`);
  console.log(`lsp_change_to_diagnostics ${describe(ourTimes)}`);
  console.log(`bare_yaml_parse_same_text ${describe(parseTimes)}`);
  const keystrokeRatio = p95 / median(parseTimes);
  console.log(`lsp p95 / median parse: ${keystrokeRatio.toFixed(2)} (target <= 2.0)`);
  await measureHovers(ours, uri, text);
  await ours.stop();

  const opened = await workspaceAndMemory(files);
  const onlineGrowth = await onlineMemory();

  let actionsLs = '';
  const theirsBin = join(root, 'node_modules/@actions/languageserver/bin/actions-languageserver');
  if (args.includes('--compare-actions-ls') && existsSync(theirsBin)) {
    // Same file, same client, same edits; no session token: it validates offline, as ours does.
    const theirs = await startClient(process.execPath, [theirsBin, '--stdio'], single, { logLevel: 3, repos: [] });
    await theirs.open(uri, text);
    await theirs.wait(uri);
    const theirTracker = { next: 1, versioned: false, editAt: commentEdits(text) };
    await measureEdits(theirs, uri, 5, theirTracker);
    const theirTimes = await measureEdits(theirs, uri, edits, theirTracker);
    console.log(`actions_ls_change_to_diagnostics_p50_ms ${ms(percentile(theirTimes, 50))}`);
    console.log(`actions_ls_change_to_diagnostics_p95_ms ${ms(percentile(theirTimes, 95))}`);
    await theirs.stop();
    actionsLs = ` lsp_vs_actions_ls=${(percentile(ourTimes, 50) / percentile(theirTimes, 50)).toFixed(3)}`;
  } else console.log('(GitHub Actions language server comparison skipped: pass --compare-actions-ls)');
  console.log(
    `RATIO lsp_p95_vs_parse=${keystrokeRatio.toFixed(2)} lsp_workspace_vs_cli=${opened.workspaceRatio.toFixed(2)}` +
      ` lsp_heap_after_check_mib=${opened.checked.heap.toFixed(0)} lsp_heap_after_open_mib=${opened.afterOpen.heap.toFixed(0)} lsp_heap_growth_edits_mib=${opened.heapGrowth.toFixed(1)}` +
      ` lsp_heap_after_idle_mib=${opened.idle.heap.toFixed(0)}` +
      ` lsp_rss_after_open_mib=${opened.afterOpen.rss.toFixed(0)} lsp_rss_growth_edits_mib=${opened.rssGrowth.toFixed(1)}` +
      ` lsp_rss_after_idle_mib=${opened.idle.rss.toFixed(0)}` +
      ` lsp_online_heap_growth_edits_mib=${onlineGrowth.toFixed(1)}` +
      ` lsp_noise_mad=${opened.noise.toFixed(2)}${actionsLs}`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
