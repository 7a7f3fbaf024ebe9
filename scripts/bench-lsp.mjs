// Measures the language server over stdio with a real LSP client, and GitHub's own
// @actions/languageserver on the same file with the same client, side by side.
// Run after `node scripts/build.mjs`. Options: --server PATH (default dist/server.js), --edits N.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sharedCorpusDir } from './sharedCorpus.mjs';

const require = createRequire(import.meta.url);
const rpc = require('vscode-languageserver-protocol/node');

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const argValue = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const serverScript = resolve(argValue('--server', join(root, 'dist/server.js')));
const edits = Number(argValue('--edits', '50'));
const corpusDir = sharedCorpusDir(root) ?? join(root, '..', 'shared', 'corpus');
const largestName = 'rust-lang__rustup/ci.yaml';

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const ms = (v) => v.toFixed(2);

function corpusFiles() {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) out.push(p);
    }
  };
  if (existsSync(corpusDir)) walk(corpusDir);
  return out.sort();
}

/** A client over the child's stdio that records diagnostics per URI and lets callers wait for a version. */
async function startClient(command, commandArgs, workspace, initializationOptions) {
  const child = spawn(command, commandArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.on('data', () => {});
  const connection = rpc.createProtocolConnection(
    new rpc.StreamMessageReader(child.stdout),
    new rpc.StreamMessageWriter(child.stdin),
  );
  const waiters = [];
  const latest = new Map();
  let status;
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    const at = performance.now();
    latest.set(params.uri, params);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].accept(params)) waiters.splice(i, 1)[0].resolve(at);
    }
  });
  connection.onNotification('workflowProvenance/status', (s) => (status = s));
  connection.onNotification('window/logMessage', () => {});
  connection.onNotification('telemetry/event', () => {});
  connection.onRequest('workspace/configuration', (p) => p.items.map(() => ({})));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.listen();
  const folder = pathToFileURL(workspace).href;
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
  const client = {
    // TextDocumentSyncKind.Full = 1: such a server expects the whole text on every change, as an editor sends it.
    fullSync: (typeof sync === 'number' ? sync : sync?.change) === 1,
    child,
    connection,
    latest,
    status: () => status,
    /** Resolves with the arrival time of the first publication for `uri` that `accept` takes. */
    wait(uri, accept = () => true, timeoutMs = 30000) {
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for diagnostics on ${uri}`)), timeoutMs);
        waiters.push({
          accept: (p) => p.uri === uri && accept(p),
          resolve: (at) => (clearTimeout(timer), resolvePromise(at)),
        });
      });
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
      const killer = setTimeout(() => child.kill(), 2000);
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      clearTimeout(killer);
      connection.dispose();
    },
  };
  return client;
}

/**
 * Time from sending an incremental didChange to the diagnostics that answer it. Each edit inserts or
 * removes one character inside a comment line, so the document stays the same workflow.
 */
async function measureEdits(client, uri, text, count, tracker) {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => /^\s*#/.test(l));
  const at = line >= 0 ? { line, character: lines[line].length } : { line: 0, character: 0 };
  const offset = lines.slice(0, at.line).reduce((n, l) => n + l.length + 1, 0) + at.character;
  const times = [];
  for (let i = 0; i < count; i++) {
    const insert = i % 2 === 0;
    const range = insert ? { start: at, end: at } : { start: at, end: { line: at.line, character: at.character + 1 } };
    const after = insert ? text.slice(0, offset) + 'x' + text.slice(offset) : text;
    // Editors type with pauses longer than a debounce between most keystrokes.
    await new Promise((r) => setTimeout(r, 120));
    const version = tracker.next + 1;
    tracker.next = version;
    const arrived = client.wait(uri, (p) => (tracker.versioned ? p.version === version : true));
    const sent = performance.now();
    await client.change(uri, [client.fullSync ? { text: after } : { range, text: insert ? 'x' : '' }]);
    times.push((await arrived) - sent);
  }
  return times;
}

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

async function main() {
  if (!existsSync(serverScript))
    throw new Error(`no server bundle at ${serverScript}; run node scripts/build.mjs first`);
  const files = corpusFiles();
  const largest = existsSync(join(corpusDir, largestName))
    ? join(corpusDir, largestName)
    : files.reduce((a, b) => (statSync(b).size > statSync(a ?? b).size ? b : a), files[0]);
  if (!largest) throw new Error(`no corpus at ${corpusDir}`);
  const text = readFileSync(largest, 'utf8');

  const workspace = mkdtempSync(join(tmpdir(), 'wp-bench-lsp-'));
  const workflows = join(workspace, '.github/workflows');
  mkdirSync(workflows, { recursive: true });
  const target = join(workflows, 'largest.yaml');
  copyFileSync(largest, target);
  const uri = pathToFileURL(target).href;
  console.log(`file ${largest.slice(corpusDir.length + 1)} ${text.length} chars, ${text.split('\n').length} lines`);

  // ---- ours
  const ours = await startClient(process.execPath, [serverScript, '--stdio'], workspace);
  const ready = ours.wait(uri);
  await ready;
  await ours.open(uri, text);
  await ours.wait(uri, (p) => p.version === 1);
  const tracker = { next: 1, versioned: true };
  await measureEdits(ours, uri, text, 5, tracker); // warm-up
  const ourTimes = await measureEdits(ours, uri, text, edits, tracker);
  console.log(`lsp_change_to_diagnostics_p50_ms ${ms(percentile(ourTimes, 50))}`);
  console.log(`lsp_change_to_diagnostics_p95_ms ${ms(percentile(ourTimes, 95))}`);

  // Hover over every image and action reference of the file, round after round.
  const targets = [];
  text.split('\n').forEach((l, i) => {
    const m = /(uses|image|container):\s*['"]?([^\s'"#]+)/.exec(l);
    if (m) targets.push({ line: i, character: l.indexOf(m[2]) + 1 });
  });
  const hoverTimes = [];
  let answered = 0;
  for (let i = 0; i < Math.max(50, targets.length); i++) {
    const position = targets[i % targets.length] ?? { line: 0, character: 0 };
    const started = performance.now();
    const hover = await ours.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position });
    hoverTimes.push(performance.now() - started);
    if (hover) answered++;
  }
  console.log(`lsp_hover_p50_ms ${ms(percentile(hoverTimes, 50))}`);
  console.log(`lsp_hover_p95_ms ${ms(percentile(hoverTimes, 95))}`);
  console.log(`lsp_hovers_answered ${answered}/${hoverTimes.length}`);

  // Open every corpus file as an editor buffer, then read the server's resident memory.
  const opened = [];
  for (const file of files) {
    const name = file.slice(corpusDir.length + 1).replace(/\//g, '__');
    const fileUri = pathToFileURL(join(workflows, `corpus-${name}`)).href;
    const done = ours.wait(fileUri, (p) => p.version === 1);
    await ours.open(fileUri, readFileSync(file, 'utf8'));
    opened.push(done);
  }
  await Promise.all(opened);
  console.log(`lsp_rss_after_opening_${files.length}_files_mib ${(rssKiB(ours.child.pid) / 1024).toFixed(1)}`);
  await ours.stop();

  // ---- GitHub's @actions/languageserver, same file, same client, same edits
  const theirsBin = join(root, 'node_modules/@actions/languageserver/bin/actions-languageserver');
  let ratio = 'n/a';
  if (existsSync(theirsBin)) {
    // No session token: it validates offline, as ours does.
    const theirs = await startClient(process.execPath, [theirsBin, '--stdio'], workspace, { logLevel: 3, repos: [] });
    await theirs.open(uri, text);
    await theirs.wait(uri);
    const theirTracker = { next: 1, versioned: false };
    await measureEdits(theirs, uri, text, 5, theirTracker);
    const theirTimes = await measureEdits(theirs, uri, text, edits, theirTracker);
    console.log(`actions_ls_change_to_diagnostics_p50_ms ${ms(percentile(theirTimes, 50))}`);
    console.log(`actions_ls_change_to_diagnostics_p95_ms ${ms(percentile(theirTimes, 95))}`);
    await theirs.stop();
    ratio = (percentile(ourTimes, 50) / percentile(theirTimes, 50)).toFixed(3);
  } else {
    console.log('actions_ls not installed');
  }
  rmSync(workspace, { recursive: true, force: true });
  console.log(`RATIO lsp_vs_actions_ls=${ratio}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
