// The npm package as a user gets it: built into its folder, `npm pack`ed, installed with
// `npm install -g ./workflow-provenance-<v>.tgz --offline` into a fresh prefix, and both commands run
// from an unrelated folder: the CLI, the language server over a real JSON-RPC client, and the language
// server inside Neovim's own built-in LSP client.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { LspClient, repositoryRoot, uriOf } from '../lsp/lspClient';
import { packageFiles } from './packageFiles';

const root = repositoryRoot();
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const work = mkdtempSync(join(tmpdir(), 'wp-package-'));
const packageDir = join(work, 'package');
const prefix = join(work, 'prefix');
const project = join(work, 'project');
const tarball = `workflow-provenance-${version}.tgz`;
after(() => rmSync(work, { recursive: true, force: true }));

// npm started by this test must not inherit `npm test`'s own settings (npm_* variables), and gets an
// empty cache of its own: the offline install has to work from the tarball alone.
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_'))),
  PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
  npm_config_cache: join(work, 'npm-cache'),
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  XDG_CACHE_HOME: join(work, 'xdg-cache'),
};

function run(program: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(program, args, { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 120000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The seed, as the bundled example has it: a community LoongArch image handed to run-on-arch through a matrix.
const workflow = readFileSync(join(root, 'examples/.github/workflows/release.yml'), 'utf8');
const seedImage = 'ghcr.io/loong64/debian:trixie';
const seedLine = workflow.split('\n').findIndex((l) => l.includes(`--platform=linux/loong64 ${seedImage}`));
const seedStart = workflow.split('\n')[seedLine].indexOf(seedImage);
const seed = { line: seedLine, start: seedStart, end: seedStart + seedImage.length };
const workflowPath = join(project, '.github/workflows/release.yml');

test('npm pack: the two bundles, their wasm files and the rule pages; no runtime dependencies', (t) => {
  const built = run(process.execPath, [join(root, 'scripts/build.mjs'), '--package', packageDir], root);
  assert.equal(built.code, 0, built.stderr);
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(manifest.name, 'workflow-provenance');
  assert.equal(manifest.version, version);
  assert.equal(manifest.private, undefined, 'a private package cannot be published');
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies']) {
    assert.equal(manifest[field], undefined, `${field} in the published manifest`);
  }
  assert.deepEqual(manifest.bin, {
    'workflow-provenance': 'dist/cli.js',
    'workflow-provenance-language-server': 'dist/server.js',
  });

  const packed = run('npm', ['pack'], packageDir);
  assert.equal(packed.code, 0, packed.stderr);
  assert.equal(packed.stdout.trim().split('\n').pop(), tarball);
  const listing = run('tar', ['-tzf', join(packageDir, tarball)], work)
    .stdout.trim()
    .split('\n')
    .sort();
  assert.deepEqual(
    listing,
    packageFiles(root)
      .map((f) => `package/${f}`)
      .sort(),
  );
  const size = statSync(join(packageDir, tarball)).size;
  t.diagnostic(`packed ${tarball}: ${(size / 1024).toFixed(0)} KiB, ${listing.length} files`);
});

test('npm install -g --offline into a fresh prefix puts both commands on PATH', () => {
  mkdirSync(prefix);
  const installed = run('npm', ['install', '-g', `./${tarball}`, '--offline', '--prefix', prefix], packageDir);
  assert.equal(installed.code, 0, installed.stderr);
  for (const command of ['workflow-provenance', 'workflow-provenance-language-server']) {
    assert.ok(existsSync(join(prefix, 'bin', command)), `${command} not in ${prefix}/bin`);
  }
  // Nothing but the package itself: no dependency was fetched or linked.
  assert.deepEqual(listFolder(join(prefix, 'lib/node_modules')), ['workflow-provenance']);
  assert.equal(existsSync(join(prefix, 'lib/node_modules/workflow-provenance/node_modules')), false);
});

function listFolder(dir: string): string[] {
  return spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
}

test('the installed CLI checks a project from its own folder', (t) => {
  mkdirSync(join(project, '.github/workflows'), { recursive: true });
  writeFileSync(workflowPath, workflow);
  const v = run('workflow-provenance', ['--version'], project);
  assert.equal(v.stdout.trim(), version);
  const r = run('workflow-provenance', ['check', '--offline', '.'], project);
  assert.equal(r.code, 1, r.stderr);
  const at = `.github/workflows/release.yml:${seed.line + 1}:${seed.start + 1}:`;
  assert.match(
    r.stdout,
    new RegExp(
      `^${at.replace(/\./g, '\\.')} warning community-image: ghcr\\.io/loong64/debian:trixie is a community image`,
      'm',
    ),
  );
  t.diagnostic(`${r.stdout.split('\n').find((l) => l.includes('community-image'))}`);
  // Sigstore's code lies in a bundle of its own, loaded for a trust root: this one is read by it, and refused.
  writeFileSync(join(project, 'not-a-root.json'), 'not a trust root\n');
  const refused = run('workflow-provenance', ['check', '--offline', '--trusted-root', 'not-a-root.json', '.'], project);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /^not-a-root\.json: cannot use as a Sigstore trust root: /m);
  // Started without a transport, the server says how it is meant to run instead of a stack trace.
  const bare = run('workflow-provenance-language-server', [], project);
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /^Usage: workflow-provenance-language-server --stdio/);
});

test('the installed language server answers an LSP client over stdio', async () => {
  const client = await LspClient.start({
    workspace: project,
    command: [join(prefix, 'bin/workflow-provenance-language-server')],
    settings: { online: false },
    env,
  });
  try {
    const uri = uriOf(workflowPath);
    await client.open(uri, workflow);
    const published = await client.diagnostics(
      uri,
      (p) => p.diagnostics.some((d) => d.code === 'community-image'),
      20000,
    );
    const d = published.diagnostics.find((x) => x.code === 'community-image');
    assert.deepEqual(d?.range, {
      start: { line: seed.line, character: seed.start },
      end: { line: seed.line, character: seed.end },
    });
    // The rule link leads to the page shipped in the package.
    const page = fileURLToPath(d?.codeDescription?.href ?? 'file:///missing');
    assert.ok(page.startsWith(join(prefix, 'lib/node_modules/workflow-provenance/docs/rules/')), page);
    assert.ok(existsSync(page), `${page} is not in the package`);
  } finally {
    await client.stop();
  }
});

test("Neovim's built-in LSP client shows the seed diagnostic at its range", (t) => {
  if (spawnSync('nvim', ['--version'], { stdio: 'ignore' }).status !== 0) {
    t.skip('skipped: nvim is not installed (apt-get install -y neovim)');
    return;
  }
  const out = join(work, 'nvim-diagnostics.json');
  const home = join(work, 'nvim-home');
  const r = run(
    'nvim',
    ['--headless', '--clean', '-n', '-c', `luafile ${join(root, 'test/package/neovim-client.lua')}`],
    project,
    {
      HOME: home,
      XDG_CONFIG_HOME: join(home, 'config'),
      XDG_DATA_HOME: join(home, 'data'),
      XDG_STATE_HOME: join(home, 'state'),
      XDG_CACHE_HOME: join(home, 'cache'),
      WP_FILE: workflowPath,
      WP_ROOT: project,
      WP_SERVER: 'workflow-provenance-language-server',
      WP_OUT: out,
    },
  );
  assert.ok(existsSync(out), `nvim wrote nothing (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as {
    arrived: boolean;
    filetype: string;
    diagnostics: Array<{
      lnum: number;
      col: number;
      end_lnum: number;
      end_col: number;
      severity: number;
      code?: string;
      source?: string;
      message: string;
    }>;
  };
  assert.equal(result.arrived, true, 'no diagnostic arrived in Neovim');
  const seen = result.diagnostics.find((d) => d.code === 'community-image');
  assert.ok(seen, JSON.stringify(result.diagnostics));
  // Neovim counts lines and columns from 0, as LSP does; severity 2 is WARN.
  assert.deepEqual(
    { lnum: seen.lnum, col: seen.col, end_lnum: seen.end_lnum, end_col: seen.end_col, severity: seen.severity },
    { lnum: seed.line, col: seed.start, end_lnum: seed.line, end_col: seed.end, severity: 2 },
  );
  assert.match(seen.message, /ghcr\.io\/loong64\/debian:trixie is a community image/);
  t.diagnostic(`nvim (${result.filetype}): ${JSON.stringify(seen)}`);
});
