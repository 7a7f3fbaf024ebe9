// Installs code-server (a real VS Code: server, workbench and extension host) and the Node it needs,
// from the npm registry only, into .cache/code-server/. A finished install is reused while the
// versions written in its stamp file match.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// code-server 4.139.1 bundles VS Code 1.139.1 and declares `engines.node: 24`.
export const CODE_SERVER_VERSION = process.env.CODE_SERVER_VERSION ?? '4.139.1';
export const NODE_VERSION = process.env.CODE_SERVER_NODE_VERSION ?? '24.21.0';

const root = new URL('..', import.meta.url).pathname;
// CODE_SERVER_CACHE_DIR puts an install elsewhere (a trial of a fresh install beside the cached one).
export const cacheDir = process.env.CODE_SERVER_CACHE_DIR ?? join(root, '.cache/code-server');

// Native modules of VS Code that the tests never load, left unbuilt: each needs its own system
// libraries or time to compile. kerberos serves Kerberos proxy authentication (and needs Debian's
// libkrb5-dev); cpu-features only speeds up ssh2 for remote tunnels and is optional there.
const unneededNativeModules = new Set(['kerberos', 'cpu-features']);

/** The packages under `node_modules` that compile native code (a binding.gyp), but for the unneeded. */
function nativeModulesToBuild(dir) {
  const names = [];
  for (const name of readdirSync(join(dir, 'node_modules'))) {
    const scoped = name.startsWith('@')
      ? readdirSync(join(dir, 'node_modules', name)).map((n) => `${name}/${n}`)
      : [name];
    for (const pkg of scoped) {
      if (!unneededNativeModules.has(pkg) && existsSync(join(dir, 'node_modules', pkg, 'binding.gyp'))) names.push(pkg);
    }
  }
  return names;
}

function run(cmd, args, cwd, env) {
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited with ${result.status ?? result.signal}`);
  }
  return Date.now() - started;
}

/**
 * Returns the Node binary and code-server entry point, installing them first when the cache is
 * missing or was made for other versions.
 * @returns {{ node: string, codeServer: string, installedMs: number }}
 */
const dir = join(cacheDir, `${CODE_SERVER_VERSION}-node${NODE_VERSION}`);
const stampPath = join(dir, 'installed.json');
const stamp = { codeServer: CODE_SERVER_VERSION, node: NODE_VERSION, arch: process.arch };

/** True when a finished install of these versions is cached (nothing left to download or compile). */
export function codeServerInstalled() {
  return existsSync(stampPath) && readFileSync(stampPath, 'utf8') === JSON.stringify(stamp);
}

export function ensureCodeServer({ log = console.error } = {}) {
  // The `node` package on npm installs `node-linux-<arch>` from its postinstall; install that
  // platform package directly so no install script has to run.
  const nodeHome = join(dir, 'node/node_modules', `node-linux-${process.arch}`);
  const node = join(nodeHome, 'bin/node');
  const csHome = join(dir, 'cs/node_modules/code-server');
  const codeServer = join(csHome, 'out/node/entry.js');

  if (codeServerInstalled()) {
    return { node, codeServer, installedMs: 0 };
  }

  const started = Date.now();
  log(`[code-server] installing code-server ${CODE_SERVER_VERSION} and Node ${NODE_VERSION} into ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  // A package.json in each folder stops npm from walking up and installing into the repository.
  for (const sub of ['node', 'cs']) {
    mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, sub, 'package.json'), JSON.stringify({ name: `code-server-cache-${sub}`, private: true }));
  }

  const npmCli = ['--no-audit', '--no-fund', '--loglevel=error'];
  run(
    'npm',
    ['install', ...npmCli, '--no-save', '--ignore-scripts', `node-linux-${process.arch}@${NODE_VERSION}`],
    join(dir, 'node'),
    process.env,
  );

  // From here on npm and node-gyp run under Node 24, and compile native modules against its headers.
  const env = {
    ...process.env,
    PATH: `${join(nodeHome, 'bin')}:${process.env.PATH}`,
    npm_config_nodedir: nodeHome,
    // node-pty's build script calls npx, which would otherwise stop to ask.
    npm_config_yes: 'true',
  };
  // Its postinstall refuses to run as root, so do its steps here.
  run(
    'npm',
    ['install', ...npmCli, '--no-save', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`],
    join(dir, 'cs'),
    env,
  );
  run('npm', ['rebuild', ...npmCli, 'argon2'], join(dir, 'cs'), env);
  const vscodeDir = join(csHome, 'lib/vscode');
  run('npm', ['install', ...npmCli, '--omit=dev', '--ignore-scripts'], vscodeDir, env);
  run('npm', ['rebuild', ...npmCli, ...nativeModulesToBuild(vscodeDir)], vscodeDir, env);
  run('npm', ['install', ...npmCli, '--omit=dev'], join(vscodeDir, 'extensions'), env);
  const links = [
    ['bin/remote-cli/code-server', 'code-linux.sh'],
    ['bin/helpers/browser.sh', 'browser-linux.sh'],
  ];
  for (const [link, target] of links) {
    const at = join(vscodeDir, link);
    rmSync(at, { force: true });
    symlinkSync(target, at);
  }
  writeFileSync(stampPath, JSON.stringify(stamp));
  const installedMs = Date.now() - started;
  log(`[code-server] installed in ${(installedMs / 1000).toFixed(0)} s`);
  return { node, codeServer, installedMs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { node, codeServer } = ensureCodeServer();
  console.log(`${node} ${codeServer}`);
}
