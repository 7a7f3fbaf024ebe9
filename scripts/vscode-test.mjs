// Runs the extension-host test suite (test/vscode/suite) inside a real VS Code.
//
//   node scripts/vscode-test.mjs                   code-server from npm, driven by Debian chromium (offline)
//   node scripts/vscode-test.mjs --electron        desktop VS Code via @vscode/test-electron
//                                                  (VSCODE_EXECUTABLE_PATH, or its download when online)
//   node scripts/vscode-test.mjs --screenshots DIR editor screenshots of the example workflow into DIR
//   --extension-path DIR  load the extension from DIR instead of the repository (an unpacked .vsix)
//   --timeout SECONDS (default 180), --grep TEXT (only tests whose title matches), --keep (keep the temp folder)
//
// Expects dist/extension.js and dist/server.js (npm run build); bundles only the suite itself.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { build } from 'esbuild';
import { ensureCodeServer } from './install-code-server.mjs';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const electron = args.includes('--electron') || (process.env.VSCODE_EXECUTABLE_PATH ?? '') !== '';
const screenshotDir = option('--screenshots') ? resolve(option('--screenshots')) : undefined;
const timeoutMs = Number(option('--timeout') ?? 180) * 1000;
const keep = args.includes('--keep');
const extensionPath = option('--extension-path') ? resolve(option('--extension-path')) : root;
const grep = option('--grep');
const suiteEnv = grep ? { WORKFLOW_PROVENANCE_SUITE_GREP: grep } : {};
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const log = (message) => console.error(`[vscode-test] ${message}`);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

for (const file of ['dist/extension.js', 'dist/server.js']) {
  if (!existsSync(join(extensionPath, file))) log(`warning: ${file} is missing; run npm run build first`);
}

const work = mkdtempSync(join(tmpdir(), 'wp-vscode-'));
// The suite may edit, save or add config files; it works on a copy of the fixture workspace.
const workspace = join(work, 'workspace');
cpSync(join(root, 'test/vscode/workspace'), workspace, { recursive: true });

const suiteDir = join(root, '.test-tmp/vscode-suite');
const suiteIndex = join(suiteDir, 'index.js');
await build({
  entryPoints: [join(root, 'test/vscode/suite/index.ts')],
  outfile: suiteIndex,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  external: ['vscode'],
  logLevel: 'warning',
  // Mocha's parallel mode resolves worker files at run time; the suite runs serially.
  logOverride: { 'require-resolve-not-external': 'silent' },
  absWorkingDir: root,
});

/** Counts from the suite's closing line, which the suite prints whichever way it is run. */
const counts = { passed: undefined, failed: undefined };
function noteLine(line) {
  const m = /\b(\d+) passed, (\d+) failed\b/.exec(line);
  if (m) {
    counts.passed = Number(m[1]);
    counts.failed = Number(m[2]);
  }
}

let exitCode = 1;
try {
  if (electron) exitCode = await runElectron();
  else exitCode = await runCodeServer();
} catch (error) {
  log(`error: ${error instanceof Error ? error.stack : String(error)}`);
  exitCode = 1;
} finally {
  if (keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
if (!screenshotDir) {
  if (counts.passed === undefined) console.log(`0 passed, 0 failed (the suite reported no results; exit ${exitCode})`);
  else console.log(`${counts.passed} passed, ${counts.failed} failed`);
}
log(`done in ${elapsed()}, exit ${exitCode}`);
process.exit(exitCode);

async function runElectron() {
  const { runTests } = await import('@vscode/test-electron');
  const originalWrite = process.stdout.write.bind(process.stdout);
  // test-electron pipes VS Code's output through our stdout; read the closing line from it.
  process.stdout.write = (chunk, ...rest) => {
    for (const line of String(chunk).split('\n')) noteLine(line);
    return originalWrite(chunk, ...rest);
  };
  try {
    return await runTests({
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || undefined,
      extensionDevelopmentPath: extensionPath,
      extensionTestsPath: suiteIndex,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(work, 'user-data')],
      extensionTestsEnv: suiteEnv,
    });
  } catch (error) {
    log(`VS Code did not run the suite: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    process.stdout.write = originalWrite;
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForHealth(base, child, deadline) {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with ${child.exitCode}`);
    try {
      const response = await fetch(`${base}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('code-server did not answer /healthz in time');
}

function stopGroup(child) {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      done();
    }, 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      // The file watcher and extension host live in the same group and outlive the main process.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      done();
    });
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      clearTimeout(timer);
      done();
    }
  });
}

async function runCodeServer() {
  const install = ensureCodeServer({ log });
  if (install.installedMs > 0) log(`installed code-server in ${(install.installedMs / 1000).toFixed(0)} s`);
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} not found (install Debian's chromium, or set CHROMIUM_PATH)`);

  const home = join(work, 'home');
  for (const sub of ['', '.config', '.local/share', '.cache', 'user-data/User', 'extensions']) mkdirSync(join(home, sub), { recursive: true });
  // Keep the workbench from reaching for the network and from covering the editor with tips.
  const settings = {
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'telemetry.telemetryLevel': 'off',
    'workbench.enableExperiments': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'chat.disableAIFeatures': true,
    'security.workspace.trust.enabled': false,
  };
  writeFileSync(join(home, 'user-data/User/settings.json'), JSON.stringify(settings, null, 2));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const serverLog = [];
  const child = spawn(
    install.node,
    [
      install.codeServer,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', join(home, 'user-data'),
      '--extensions-dir', join(home, 'extensions'),
      // Without the smoke-test driver, newer workbenches ignore the test payload.
      '--vscode-option', 'enable-smoke-test-driver',
      workspace,
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_DATA_HOME: join(home, '.local/share'),
        XDG_CACHE_HOME: join(home, '.cache'),
        ...suiteEnv,
        // An empty gallery turns the marketplace off, so nothing is fetched from the internet.
        EXTENSIONS_GALLERY: '{}',
      },
    },
  );
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (d) => serverLog.push(String(d)));

  let browser;
  const deadline = Date.now() + timeoutMs;
  try {
    await waitForHealth(base, child, Math.min(deadline, Date.now() + 30_000));
    log(`code-server up at ${base} after ${elapsed()}`);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: screenshotDir ? 2 : 1 });
    const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
    const payload = [['extensionDevelopmentPath', remote(extensionPath)], ['skipWelcome', 'true']];
    if (screenshotDir) {
      const url = `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      await withTimeout(takeScreenshots(page, { url, workspace, outDir: screenshotDir, log }), deadline, 'screenshots');
      return 0;
    }
    payload.push(['extensionTestsPath', remote(suiteIndex)]);
    const url = `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const exit = new Promise((resolveExit) => {
      void page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    });
    await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
      // The host forwards console calls as (format, ...values).
      const text = format(...(Array.isArray(logArgs) ? logArgs : [logArgs]));
      for (const line of text.split('\n')) noteLine(line);
      // The suite's output is what a person reads; the host's own chatter only matters on failure.
      if (type === 'error' || text.includes('[suite]') || /^\s/.test(text) || /passing|failing|pending/.test(text)) console.log(text);
      else serverLog.push(`[host ${type}] ${text}\n`);
    });
    page.on('pageerror', (error) => serverLog.push(`[page error] ${error.message}\n`));
    await page.goto(url);
    log(`workbench loading (${elapsed()})`);
    const code = await withTimeout(exit, deadline, 'the test suite');
    if (code !== 0) log(`suite failed (exit ${code}); code-server log tail:\n${serverLog.join('').split('\n').slice(-40).join('\n')}`);
    return code;
  } catch (error) {
    log(`code-server log tail:\n${serverLog.join('').split('\n').slice(-40).join('\n')}`);
    throw error;
  } finally {
    await browser?.close().catch(() => undefined);
    await stopGroup(child);
  }
}

function withTimeout(promise, deadline, what) {
  return new Promise((resolveValue, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs / 1000} s`)), Math.max(0, deadline - Date.now()));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolveValue(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
