// Runs the extension-host test suite (test/vscode/suite) inside a real VS Code.
//
//   node scripts/vscode-test.mjs                   code-server from npm, driven by Debian chromium (offline)
//   node scripts/vscode-test.mjs --electron        desktop VS Code via @vscode/test-electron
//                                                  (VSCODE_EXECUTABLE_PATH, or its download when online)
//   --screenshots DIR  after the suite passes, photograph the squiggle, hover, quick-fix menu and
//                      Problems panel into DIR (code-server only); --no-suite skips the suite
//   --extension-path DIR  load the extension from DIR instead of the repository (an unpacked .vsix)
//   --timeout SECONDS (default 180), --grep TEXT (only tests whose title matches), --keep (keep the temp folder)
//
// Expects dist/extension.js and dist/server.js (npm run build); bundles only the suite itself.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { ensureCodeServer } from './install-code-server.mjs';
import { bundleForNode } from './nodeBundle.mjs';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const electron = args.includes('--electron') || (process.env.VSCODE_EXECUTABLE_PATH ?? '') !== '';
const screenshotDir = option('--screenshots') ? resolve(option('--screenshots')) : undefined;
const timeoutMs = Number(option('--timeout') ?? 180) * 1000;
const keep = args.includes('--keep');
const extensionPath = option('--extension-path') ? resolve(option('--extension-path')) : root;
const grep = option('--grep');
const skipSuite = args.includes('--no-suite');
const suiteEnv = grep ? { WORKFLOW_PROVENANCE_SUITE_GREP: grep } : {};
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const log = (message) => console.error(`[vscode-test] ${message}`);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

// Nothing may leave the machine while the editor runs: the extension looks images and actions up online
// by default, and the workspace names ghcr.io, Docker Hub and GitHub. The code-server route installs
// first (from the npm registry), then runs again inside a network namespace of its own that holds only
// loopback, where the registry, code-server, chromium and the language server all live. Where no
// namespace can be made (not root, no iproute2) or on the Electron route, look-ups are turned off
// instead and the provenance hover test, which needs them, is skipped with a line saying so.
const isolated = process.env.WORKFLOW_PROVENANCE_TEST_NETNS === '1';
if (!electron && !isolated && !skipSuite) {
  ensureCodeServer({ log });
  const probe = spawnSync('unshare', ['--net', 'ip', 'link', 'set', 'lo', 'up'], { stdio: 'ignore' });
  if (probe.status === 0) {
    log('running inside a network namespace with loopback only');
    const child = spawnSync(
      'unshare',
      ['--net', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, ...process.argv.slice(1)],
      { stdio: 'inherit', env: { ...process.env, WORKFLOW_PROVENANCE_TEST_NETNS: '1' } },
    );
    process.exit(child.status ?? 1);
  }
  log('no network namespace here (needs root and iproute2): online look-ups stay off');
}
if (isolated) {
  const outside = Object.entries(networkInterfaces()).filter(([, addresses]) =>
    (addresses ?? []).some((a) => !a.internal),
  );
  if (outside.length > 0)
    throw new Error(`the test namespace has a network besides loopback: ${outside.map(([n]) => n)}`);
}

for (const file of ['dist/extension.js', 'dist/server.js']) {
  if (!existsSync(join(extensionPath, file))) log(`warning: ${file} is missing; run npm run build first`);
}

const work = mkdtempSync(join(tmpdir(), 'wp-vscode-'));
// The suite may edit, save or add config files; it works on a copy of the fixture workspace.
const workspace = join(work, 'workspace');
cpSync(join(root, 'test/vscode/workspace'), workspace, { recursive: true });

const suiteDir = join(root, '.test-tmp/vscode-suite');
const suiteIndex = join(suiteDir, 'index.js');
await bundleForNode(root, 'test/vscode/suite/index.ts', suiteIndex, {
  sourcemap: 'inline',
  external: ['vscode'],
  // Mocha's parallel mode resolves worker files at run time; the suite runs serially.
  logOverride: { 'require-resolve-not-external': 'silent' },
});

// A real registry and Sigstore trust root for the provenance hover, handed to the extension through
// user settings (registryUrls, sigstoreTrustedRoots) the way a user would configure them.
const fixtureModule = join(suiteDir, 'provenance-fixture.cjs');
await bundleForNode(root, 'test/vscode/provenanceFixture.ts', fixtureModule);
const { startProvenanceFixture } = (await import(fixtureModule)).default;
const fixture = skipSuite
  ? { skipped: 'no suite' }
  : isolated
    ? await startProvenanceFixture(work)
    : { skipped: 'online look-ups are off outside a network namespace' };
/** User settings every route writes before the editor starts. */
const userSettings = isolated ? {} : { 'workflowProvenance.online': false };
if ('skipped' in fixture) log(`provenance hover test skipped: ${fixture.skipped}`);
else {
  Object.assign(userSettings, fixture.settings);
  suiteEnv.WORKFLOW_PROVENANCE_SIGNED_SUBJECT = fixture.subject;
  writeFileSync(
    join(workspace, '.github/workflows/signed-image.yml'),
    `on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container: ${fixture.image}\n    steps:\n      - run: echo hi\n`,
  );
}

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
  if (electron && screenshotDir) throw new Error('--screenshots needs the code-server route (drop --electron)');
  if (electron) exitCode = await runElectron();
  else exitCode = await runCodeServer();
} catch (error) {
  log(`error: ${error instanceof Error ? error.stack : String(error)}`);
  exitCode = 1;
} finally {
  if (!('skipped' in fixture)) await fixture.stop();
  if (keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
if (!skipSuite) {
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
  mkdirSync(join(work, 'user-data/User'), { recursive: true });
  writeFileSync(join(work, 'user-data/User/settings.json'), JSON.stringify(userSettings, null, 2));
  try {
    const run = runTests({
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || undefined,
      extensionDevelopmentPath: extensionPath,
      extensionTestsPath: suiteIndex,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--user-data-dir',
        join(work, 'user-data'),
      ],
      extensionTestsEnv: suiteEnv,
    });
    // test-electron keeps VS Code's process to itself: on time-out the harness can only exit with
    // a failure and leave that window to the caller's process supervisor.
    return await withTimeout(run, Date.now() + timeoutMs, 'the test suite');
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
  if (!existsSync(chromiumPath))
    throw new Error(`${chromiumPath} not found (install Debian's chromium, or set CHROMIUM_PATH)`);

  const home = join(work, 'home');
  for (const sub of ['', '.config', '.local/share', '.cache', 'user-data/User', 'extensions'])
    mkdirSync(join(home, sub), { recursive: true });
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
    'editor.minimap.enabled': false,
    'window.commandCenter': false,
    'workbench.layoutControl.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...userSettings,
  };
  writeFileSync(join(home, 'user-data/User/settings.json'), JSON.stringify(settings, null, 2));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const serverLog = [];
  const child = spawn(
    install.node,
    [
      install.codeServer,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir',
      join(home, 'user-data'),
      '--extensions-dir',
      join(home, 'extensions'),
      // Without the smoke-test driver, newer workbenches ignore the test payload.
      '--vscode-option',
      'enable-smoke-test-driver',
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
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
    const workbenchUrl = (payload) =>
      `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const development = [
      ['extensionDevelopmentPath', remote(extensionPath)],
      ['skipWelcome', 'true'],
    ];

    let code = 0;
    if (!skipSuite) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const exit = new Promise((resolveExit) => {
        void page.exposeFunction('codeAutomationExit', (value) => resolveExit(Number(value)));
      });
      await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
        // The host forwards console calls as (format, ...values).
        const text = format(...(Array.isArray(logArgs) ? logArgs : [logArgs]));
        for (const line of text.split('\n')) noteLine(line);
        // Mocha's report is indented; the workbench's own chatter (offline gallery and sign-in
        // errors) is kept for the failure log only.
        if (text.includes('[suite]') || /^\s/.test(text)) console.log(text);
        else serverLog.push(`[host ${type}] ${text}\n`);
      });
      page.on('pageerror', (error) => serverLog.push(`[page error] ${error.message}\n`));
      await page.goto(workbenchUrl([...development, ['extensionTestsPath', remote(suiteIndex)]]));
      log(`workbench loading (${elapsed()})`);
      code = await withTimeout(exit, deadline, 'the test suite');
      await page.close();
      if (code !== 0)
        log(
          `suite failed (exit ${code}); code-server log tail:\n${serverLog.join('').split('\n').slice(-40).join('\n')}`,
        );
    }
    if (screenshotDir && code === 0) {
      // A fresh window on the same server, with the extension loaded and no tests running.
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
      await withTimeout(takeScreenshots(page, workbenchUrl(development)), deadline, 'screenshots');
    }
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
    const timer = setTimeout(
      () => reject(new Error(`${what} did not finish within ${timeoutMs / 1000} s`)),
      Math.max(0, deadline - Date.now()),
    );
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

/**
 * Drives the workbench like a person: opens the example workflow, waits for the squiggle, then
 * photographs it, its hover, the quick-fix menu and the Problems panel. Throws when any of them
 * does not show what it should, so this doubles as a test of what a user sees.
 */
async function takeScreenshots(page, url) {
  mkdirSync(screenshotDir, { recursive: true });
  const shot = async (name, clip) => {
    const path = join(screenshotDir, name);
    await page.screenshot({ path, clip });
    log(`saved ${path}`);
  };
  const box = async (selector) => {
    const b = await page.locator(selector).first().boundingBox();
    if (!b) throw new Error(`${selector} is not on screen`);
    return b;
  };
  const union = (...boxes) => {
    const x = Math.min(...boxes.map((b) => b.x));
    const y = Math.min(...boxes.map((b) => b.y));
    const right = Math.max(...boxes.map((b) => b.x + b.width));
    const bottom = Math.max(...boxes.map((b) => b.y + b.height));
    return { x, y, width: right - x, height: bottom - y };
  };

  await page.goto(url);
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 30_000 });
  log(`workbench up (${elapsed()})`);
  // Quick Open, the way a person opens a file.
  await page
    .locator('.monaco-workbench')
    .click({ position: { x: 640, y: 400 } })
    .catch(() => undefined);
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.type('loong64-container.yml');
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.keyboard.press('Enter');
  const squiggle = page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error').first();
  await squiggle.waitFor({ timeout: 30_000 });
  // Let the status bar settle on its counts.
  await page.waitForTimeout(1500);
  const editor = await box('.part.editor');
  const lines = { ...editor, height: Math.min(editor.height, 260) };
  await shot('squiggle.png', lines);

  const s = await squiggle.boundingBox();
  if (!s) throw new Error('the squiggle has no box');
  await page.mouse.move(s.x + Math.min(20, s.width / 2), s.y + s.height / 2);
  const hover = page.locator('.monaco-hover:not(.hidden)').first();
  await hover.waitFor({ timeout: 15_000 });
  await page.waitForTimeout(500);
  const hoverText = await hover.innerText();
  if (!/official/i.test(hoverText)) throw new Error(`the hover does not mention the official image:\n${hoverText}`);
  await shot('hover.png', union(lines, await hover.boundingBox()));

  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  await page.mouse.click(s.x + Math.min(20, s.width / 2), s.y + s.height / 2);
  await page.keyboard.press('Control+.');
  const menu = page.locator('.action-widget').first();
  await menu.waitFor({ timeout: 15_000 });
  await page.waitForTimeout(500);
  const menuText = await menu.innerText();
  if (!/debian/i.test(menuText)) throw new Error(`the quick-fix menu offers no switch to debian:\n${menuText}`);
  await shot('quick-fix.png', union(lines, await menu.boundingBox()));
  await page.keyboard.press('Escape');

  await page.keyboard.press('Control+Shift+M');
  const rows = page.locator('.markers-panel .monaco-list-row');
  await rows.first().waitFor({ timeout: 15_000 });
  await page.waitForTimeout(800);
  if ((await rows.count()) < 2) throw new Error('the Problems panel lists fewer than two entries');
  await shot('problems.png');
}
