// The engine's half of `npm run bench`: times `analyze` against `yaml`'s `parseDocument` alone (the
// floor) on every corpus file and on a generated 10,000-line workflow. scripts/bench.mjs bundles this
// file and runs it in a child process; its last line is `RATIO key=value ...` for bench.mjs to merge.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import { analyze, loadEngine } from '../server/src/engine';
import { sharedCorpusDir } from './sharedCorpus.mjs';

interface Sample {
  name: string;
  lines: number;
  text: string;
}

interface Timing {
  name: string;
  lines: number;
  parseMs: number;
  engineMs: number;
  findings: number;
}

type Mode = 'steady' | 'edit';

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const corpusDir = argValue('--corpus') ?? sharedCorpusDir(__dirname) ?? '../shared/corpus';
const runs = Number(argValue('--runs') ?? 15);
const warmup = Number(argValue('--warmup') ?? 5);
const writeGenerated = argValue('--write-generated');

// The same options the engine passes (server/src/engine/yamlSource.ts), so the floor is the engine's own parse.
const parseOptions = { uniqueKeys: false, strict: false, prettyErrors: false, keepSourceTokens: false } as const;

function findWorkflows(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findWorkflows(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/**
 * A large workflow of the shapes real ones have: jobs with matrices, containers and services, pinned
 * and unpinned actions, and multi-line scripts with `docker run`. Some scripts repeat across jobs (as
 * `cargo test` does in real files) and some are unique to their job; padded to exactly `targetLines`.
 */
export function generateWorkflow(targetLines: number): string {
  const head = [
    'name: generated',
    'on:',
    '  push:',
    '    branches: [main]',
    '  pull_request:',
    'permissions:',
    '  contents: read',
    'jobs:',
  ];
  const jobs: string[] = [];
  const bases = [
    'debian:bookworm',
    'ubuntu:24.04',
    'ghcr.io/loong64/debian:trixie',
    'quay.io/pypa/manylinux_2_28_x86_64',
    'someuser/tool:1.2',
    'alpine:latest',
  ];
  const tail = ['# end of generated workflow'];
  let total = head.length + tail.length;
  for (let j = 0; ; j++) {
    const base = bases[j % bases.length];
    const job = `  build-${j}:
    name: Build ${j} (\${{ matrix.target }})
    runs-on: \${{ matrix.os }}
${j > 0 ? `    needs: [build-${j - 1}]\n` : ''}    container:
      image: ${base}
      options: --cpus 2
    services:
      db:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
        options: >-
          --health-cmd pg_isready
          --health-interval 10s
      cache:
        image: redis:7-alpine
    strategy:
      fail-fast: false
      matrix:
        os: [ubuntu-24.04, ubuntu-24.04-arm]
        target: [x86_64, aarch64]
        include:
          - target: riscv64
            os: ubuntu-24.04
            image: --platform=linux/riscv64 riscv64/debian:trixie
          - target: s390x
            os: ubuntu-24.04
            image: "quay.io/pypa/manylinux_2_28_s390x"
    env:
      CARGO_TERM_COLOR: always
      JOB_INDEX: ${j}
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Cache
        uses: actions/cache@v4
        with:
          path: ~/.cargo
          key: cargo-${j}-\${{ hashFiles('**/Cargo.lock') }}
      - name: Test
        run: |
          set -euo pipefail
          cargo test --workspace --locked
          cargo clippy -- -D warnings
      - name: Build in a container
        run: |
          set -euo pipefail
          echo "job ${j} for \${{ matrix.target }}"
          docker run --rm \\
            -v "$PWD:/src" -w /src \\
            -e JOB_INDEX=${j} \\
            ${base} \\
            sh -c "make -j${(j % 8) + 1} all"
          for py in 3.10 3.11 3.12; do
            docker run --rm python:$py-slim python -c "print(${j})"
          done
      - name: Cross build
        if: matrix.target != 'x86_64'
        run: |
          docker build -t local/cross-${j} .
          docker run --rm local/cross-${j} ./build.sh --target \${{ matrix.target }}
          if [ -n "\${RELEASE:-}" ]; then
            docker pull ghcr.io/example/uploader:${j % 3 === 0 ? 'main' : 'v2'} && docker run --rm ghcr.io/example/uploader:v2 upload
          fi
      - name: Emulated
        run: >
          docker run --rm --platform linux/arm64
          arm64v8/ubuntu:24.04 uname -m
      - uses: docker://alpine:3.20
        with:
          args: echo ${j}
      - uses: addnab/docker-run-action@v3
        with:
          image: alpine:3.12
          options: -v \${{ github.workspace }}:/work
          run: |
            cd /work
            ./check.sh ${j}
      - name: Upload
        uses: actions/upload-artifact@v4
        with:
          name: build-${j}-\${{ matrix.target }}
          path: target/release/
`;
    const jobLines = lineCount(job);
    if (total + jobLines > targetLines) break;
    jobs.push(job);
    total += jobLines;
  }
  const padding = Array.from({ length: targetLines - total }, (_, i) => `# padding ${i}`);
  return [...head, ...jobs.join('').trimEnd().split('\n'), ...padding, ...tail].join('\n') + '\n';
}

/**
 * A workflow of `count` small jobs, each needing the one before and reading its output: the shape
 * that made removal fixes and duplicate-key checks cost jobs × jobs.
 */
export function generateJobs(count: number): string {
  const lines = ['on: push', 'jobs:'];
  for (let j = 0; j < count; j++) {
    lines.push(
      `  job-${j}:`,
      '    runs-on: ubuntu-24.04',
      ...(j > 0 ? [`    needs: [job-${j - 1}]`, `    if: needs.job-${j - 1}.outputs.ok == 'true'`] : []),
      `    container: ${j % 2 ? 'someuser/tool' : 'debian'}:${j}`,
      '    outputs:',
      '      ok: ${{ steps.check.outputs.ok }}',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - id: check',
      `        run: docker run --rm alpine:3.20 echo ${j}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Time of one analysis per job count: linear cost keeps the per-job figure flat. */
function jobScaling(): void {
  console.log('');
  console.log('cost in jobs: one analysis of a workflow of N small jobs (each needs the previous one)');
  for (const count of [1000, 2000, 4000]) {
    const text = generateJobs(count);
    const t0 = nowMs();
    const analysis = analyze(text, { path: '.github/workflows/jobs.yml' });
    const ms = nowMs() - t0;
    console.log(
      `  ${String(count).padStart(5)} jobs  ${(text.length / 1e6).toFixed(1).padStart(5)} MB  ${(ms / 1000).toFixed(2).padStart(7)} s  ${(ms / count).toFixed(2).padStart(6)} ms/job  ${analysis.findings.length} findings`,
    );
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Where "edit" mode types: before the job key nearest the middle of the file, so the job above it
 * changes and every job below it moves (the engine reuses the parse of unchanged jobs, and a job that
 * moved must be given new positions). A file without such a job key is edited at its end.
 */
function editPoint(text: string): { at: number; indent: string } {
  const jobs = /^jobs:[ \t]*$/m.exec(text);
  if (!jobs) return { at: text.length, indent: '' };
  const keys = [...text.slice(jobs.index).matchAll(/^( +)[A-Za-z_][\w-]*:[ \t]*(?:#.*)?$/gm)];
  const indent = keys[0]?.[1] ?? '';
  const candidates = keys.filter((k) => k[1] === indent).map((k) => jobs.index + (k.index ?? 0));
  if (candidates.length === 0) return { at: text.length, indent: '' };
  const middle = text.length / 2;
  const at = candidates.reduce((best, c) => (Math.abs(c - middle) < Math.abs(best - middle) ? c : best));
  return { at, indent };
}

/**
 * In "edit" mode run `i` analyses the text with a comment line whose digits change every run, typed in
 * the middle of the file (`editPoint`), so the YAML is new every time while every `run:` script is
 * unchanged; "steady" re-analyses the same text.
 */
function variant(text: string, mode: Mode, i: number, point: { at: number; indent: string }): string {
  if (mode === 'steady') return text;
  const line = `${point.indent}# edited ${String(i).padStart(6, '0')}\n`;
  if (point.at === text.length) return `${text}${text.endsWith('\n') ? '' : '\n'}${line}`;
  return text.slice(0, point.at) + line + text.slice(point.at);
}

function timeSample(sample: Sample, mode: Mode): Timing {
  const parseTimes: number[] = [];
  const engineTimes: number[] = [];
  let findings = 0;
  const point = editPoint(sample.text);
  for (let i = 0; i < warmup + runs; i++) {
    const text = variant(sample.text, mode, i, point);
    // Parse and engine alternate on the same text, so drift in the machine's speed hits both alike.
    const t0 = nowMs();
    parseDocument(text, parseOptions);
    const t1 = nowMs();
    const analysis = analyze(text, { path: sample.name });
    const t2 = nowMs();
    findings = analysis.findings.length;
    if (i >= warmup) {
      parseTimes.push(t1 - t0);
      engineTimes.push(t2 - t1);
    }
  }
  return {
    name: sample.name,
    lines: sample.lines,
    parseMs: median(parseTimes),
    engineMs: median(engineTimes),
    findings,
  };
}

const fmt = (ms: number): string => ms.toFixed(2).padStart(8);
const ratio = (engine: number, parse: number): string => (engine / parse).toFixed(2);

function report(mode: Mode, label: string, timings: Timing[]): { parse: number; engine: number } {
  const width = Math.max(...timings.map((t) => t.name.length));
  console.log(`  ${'file'.padEnd(width)}  lines  parse ms  engine ms  ratio  findings`);
  for (const t of timings) {
    console.log(
      `  ${t.name.padEnd(width)}  ${String(t.lines).padStart(5)}  ${fmt(t.parseMs)}  ${fmt(t.engineMs)}   ${ratio(t.engineMs, t.parseMs).padStart(5)}  ${String(t.findings).padStart(8)}`,
    );
  }
  const parse = timings.reduce((s, t) => s + t.parseMs, 0);
  const engine = timings.reduce((s, t) => s + t.engineMs, 0);
  const lines = timings.reduce((s, t) => s + t.lines, 0);
  console.log(
    `  ${`${label} total (${mode})`.padEnd(width)}  ${String(lines).padStart(5)}  ${fmt(parse)}  ${fmt(engine)}   ${ratio(engine, parse).padStart(5)}`,
  );
  return { parse, engine };
}

async function main(): Promise<void> {
  const t0 = nowMs();
  await loadEngine(__dirname);
  console.log(`engine load (shell parser wasm): ${(nowMs() - t0).toFixed(1)} ms`);

  let corpus: Sample[] = [];
  try {
    corpus = findWorkflows(corpusDir).map((p) => {
      const text = readFileSync(p, 'utf8');
      return { name: relative(corpusDir, p), lines: lineCount(text), text };
    });
  } catch {
    console.log(`corpus: ${corpusDir} is absent; timing only the generated workflow`);
  }
  const generatedText = generateWorkflow(10_000);
  const generated: Sample = { name: 'generated-10000-lines.yml', lines: lineCount(generatedText), text: generatedText };
  const scripts = (generatedText.match(/^\s+run: [|>]/gm) ?? []).length;
  if (writeGenerated) writeFileSync(writeGenerated, generatedText);
  console.log(
    `generated workflow: ${generated.lines} lines, ${(generatedText.match(/^  build-\d+:/gm) ?? []).length} jobs, ${scripts} run scripts`,
  );

  // The first analysis of each file, before any script is cached and before the JIT has warmed up.
  let coldMs = 0;
  for (const s of [...corpus, generated]) {
    const c0 = nowMs();
    analyze(s.text, { path: s.name });
    coldMs += nowMs() - c0;
  }
  console.log(`first analysis of every file (cold cache, one run each): ${coldMs.toFixed(1)} ms`);
  // Whole-set passes before any timing, so the first file measured does not pay for the JIT's warm-up.
  for (let i = 0; i < warmup; i++) {
    for (const s of [...corpus, generated]) {
      parseDocument(s.text, parseOptions);
      analyze(s.text, { path: s.name });
    }
  }
  console.log(`median of ${runs} runs after ${warmup} warm-up runs; parse = yaml parseDocument alone (the floor)`);

  const totals: Record<Mode, { parse: number; engine: number }> = {
    steady: { parse: 0, engine: 0 },
    edit: { parse: 0, engine: 0 },
  };
  for (const mode of ['steady', 'edit'] as const) {
    console.log('');
    console.log(
      mode === 'steady'
        ? 'mode steady: the same text re-analysed, as between two keystrokes that change nothing (shell parses cached)'
        : 'mode edit: a comment line typed in the middle of the file changes every run (YAML new, unchanged jobs and scripts reused)',
    );
    const all: Timing[] = [];
    if (corpus.length > 0) {
      const timings = corpus.map((s) => timeSample(s, mode));
      const sums = report(mode, 'corpus', timings);
      console.log(
        `corpus ${mode}: parse ${sums.parse.toFixed(2)} ms, engine ${sums.engine.toFixed(2)} ms, engine/parse ${ratio(sums.engine, sums.parse)}`,
      );
      all.push(...timings);
    }
    const big = timeSample(generated, mode);
    report(mode, 'generated', [big]);
    console.log(
      `generated ${mode}: parse ${big.parseMs.toFixed(2)} ms, engine ${big.engineMs.toFixed(2)} ms, engine/parse ${ratio(big.engineMs, big.parseMs)}`,
    );
    all.push(big);
    totals[mode] = { parse: all.reduce((s, t) => s + t.parseMs, 0), engine: all.reduce((s, t) => s + t.engineMs, 0) };
    console.log(
      `all files ${mode}: parse ${totals[mode].parse.toFixed(2)} ms, engine ${totals[mode].engine.toFixed(2)} ms, engine/parse ${ratio(totals[mode].engine, totals[mode].parse)}`,
    );
  }
  console.log('');
  console.log(
    `engine/parse (sum of medians, corpus + generated): steady ${ratio(totals.steady.engine, totals.steady.parse)}, edit ${ratio(totals.edit.engine, totals.edit.parse)} (target <= 1.30)`,
  );
  jobScaling();
  console.log(`RATIO engine_vs_parse=${ratio(totals.edit.engine, totals.edit.parse)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
