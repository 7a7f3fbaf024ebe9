// Bundles the three faces (CLI, language server, extension) and, with --tests, every test file.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const withTests = args.includes('--tests');
const production = args.includes('--production');
// `--filter TEXT --out DIR`: bundle only the test files whose path contains TEXT into DIR and leave
// dist/ and out/ alone, so several people can run their own tests at once.
const argValue = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const filter = argValue('--filter');
const privateOut = argValue('--out');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  loader: { '.md': 'text' },
};

// The CLI's Sigstore door (server/src/online/sigstore.ts) becomes a bundle of its own, next to the
// CLI's and required only when a signature is verified: an ordinary check neither reads nor compiles
// Sigstore's libraries, most of the CLI's code. Every import of that module is an `import()`.
const sigstoreEntry = 'server/src/online/sigstore.ts';
const sigstoreApart = {
  name: 'sigstore-apart',
  setup(b) {
    b.onResolve({ filter: /\/sigstore$/ }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      const { kind, resolveDir, importer } = args;
      const r = await b.resolve(args.path, { kind, resolveDir, importer, pluginData: 'resolving' });
      if (r.path !== join(root, sigstoreEntry)) return undefined;
      if (kind !== 'dynamic-import') throw new Error(`${importer} must load ${sigstoreEntry} with import()`);
      return { path: './sigstore.js', external: true };
    });
  },
};
/**
 * The CLI bundle at `outfile` and its Sigstore bundle beside it. Its `import()`s become `require`s: one
 * in web-tree-sitter would otherwise start Node's ES module loader on every run, for a built-in module.
 */
function buildCli(options, outfile) {
  const cli = { entryPoints: ['server/src/cli/main.ts'], outfile, plugins: [sigstoreApart] };
  return Promise.all([
    build({ ...options, ...cli, supported: { 'dynamic-import': false } }),
    build({ ...options, entryPoints: [sigstoreEntry], outfile: join(dirname(outfile), 'sigstore.js'), banner: {} }),
  ]);
}

// web-tree-sitter loads its runtime wasm and the bash grammar from files next to the bundle.
function copyWasm(outdir) {
  mkdirSync(outdir, { recursive: true });
  cpSync(join(root, 'node_modules/web-tree-sitter/web-tree-sitter.wasm'), join(outdir, 'web-tree-sitter.wasm'));
  cpSync(join(root, 'node_modules/tree-sitter-bash/tree-sitter-bash.wasm'), join(outdir, 'tree-sitter-bash.wasm'));
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

// `--package DIR`: the publishable npm package (server/package.json), minified bundles with the wasm
// files and rule pages they read at run time, and nothing else. `--release DIR`: the tree of a
// release of the GitHub Action and the pre-commit hook (scripts/release-action.mjs): the same
// package plus action.yml, its entry point and .pre-commit-hooks.yaml.
const packageOut = argValue('--package');
const releaseOut = argValue('--release');
async function buildPackage(out, extraEntries = []) {
  rmSync(out, { recursive: true, force: true });
  copyWasm(join(out, 'dist'));
  const bin = { ...common, sourcemap: false, minify: true, banner: { js: '#!/usr/bin/env node' } };
  const entries = [['server/src/lsp/main.ts', 'dist/server.js'], ...extraEntries];
  await Promise.all([
    buildCli(bin, join(out, 'dist/cli.js')),
    ...entries.map(([entry, outfile]) => build({ ...bin, entryPoints: [entry], outfile: join(out, outfile) })),
  ]);
  cpSync(join(root, 'docs/rules'), join(out, 'docs/rules'), { recursive: true });
  cpSync(join(root, 'server/README.md'), join(out, 'README.md'));
  cpSync(join(root, 'LICENSE'), join(out, 'LICENSE'));
  const readJson = (file) => JSON.parse(readFileSync(join(root, file), 'utf8'));
  const { '//': _comment, ...manifest } = readJson('server/package.json');
  writeFileSync(
    join(out, 'package.json'),
    `${JSON.stringify({ name: manifest.name, version: readJson('package.json').version, ...manifest }, null, 2)}\n`,
  );
}
if (packageOut) {
  await buildPackage(resolve(packageOut));
  process.exit(0);
}
if (releaseOut) {
  const out = resolve(releaseOut);
  await buildPackage(out, [['server/src/action/main.ts', 'dist/action.js']]);
  for (const file of ['action.yml', '.pre-commit-hooks.yaml']) cpSync(join(root, file), join(out, file));
  process.exit(0);
}

if (privateOut) {
  const entries = findTests(join(root, 'test')).filter((p) => !filter || p.includes(filter));
  await build({ ...common, entryPoints: entries, outdir: privateOut, outbase: 'test' });
  for (const p of entries)
    copyWasm(
      join(
        privateOut,
        p
          .slice(join(root, 'test').length + 1)
          .split('/')
          .slice(0, -1)
          .join('/'),
      ),
    );
  process.exit(0);
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
copyWasm(join(root, 'dist'));
const faces = [buildCli({ ...common, banner: { js: '#!/usr/bin/env node' } }, join(root, 'dist/cli.js'))];
const optional = [
  ['server/src/lsp/main.ts', 'dist/server.js', []],
  ['client/src/extension.ts', 'dist/extension.js', ['vscode']],
];
for (const [entry, outfile, external] of optional) {
  try {
    statSync(join(root, entry));
  } catch {
    continue;
  }
  faces.push(build({ ...common, entryPoints: [entry], outfile, external }));
}
await Promise.all(faces);

if (withTests) {
  rmSync(join(root, 'out'), { recursive: true, force: true });
  const entries = findTests(join(root, 'test'));
  // The extension-host suite runs inside VS Code, not under node --test.
  const nodeTests = entries.filter((p) => !p.includes('/test/vscode/'));
  await build({ ...common, entryPoints: nodeTests, outdir: 'out/test', outbase: 'test' });
  copyWasm(join(root, 'out/test'));
  for (const sub of new Set(
    nodeTests.map((p) =>
      p
        .slice(join(root, 'test').length + 1)
        .split('/')
        .slice(0, -1)
        .join('/'),
    ),
  )) {
    if (sub) copyWasm(join(root, 'out/test', sub));
  }
}
