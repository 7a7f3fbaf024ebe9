// The engine runs on every keystroke, so it meets broken, half-typed and hostile text: it must never
// throw, never report a range outside the document, and never blow up on aliases or deep nesting.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, applyEdits, LineIndex, type Analysis } from '../../server/src/engine';
import { corpusFiles, loongArchWorkflow, rangeProblems } from './support/corpus';
import { ready } from './support/engine';

before(ready);

// Set FUZZ_SEED to replay or explore; FUZZ_MUTANTS to run more (the default keeps the test near 20 s).
const baseSeed = Number(process.env.FUZZ_SEED ?? 0x5eed);
const mutantTotal = Number(process.env.FUZZ_MUTANTS ?? 3000);

/** mulberry32: a small, well-known 32-bit generator; enough to make mutations reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

// Characters that mean something to YAML, to expressions or to the shell, plus text that breaks naive
// offset arithmetic: tabs, NUL, CR, astral characters and lone surrogates.
const insertions = ['{', '}', '[', ']', '"', "'", ':', ': ', '- ', '-', '#', ' #', '&a ', '*a', '&', '*', '|', '>', '|-\n', '${{', '}}', '${{ matrix.x }}', '\t', '\0', '\r', '\n', '\r\n', ' ', '😀', '\ud800', '\udfff', '\\', '<<: *a', '? ', '---\n', '...\n', '%YAML 1.2\n', '!!str ', 'docker run ', '@sha256:', '--platform=linux/arm64 ', 'ghcr.io/x/y:z'];

interface Mutant {
  text: string;
  steps: string[];
}

function mutate(source: string, random: () => number): Mutant {
  const pick = (n: number) => Math.floor(random() * n);
  let text = source;
  const steps: string[] = [];
  const count = 1 + pick(4);
  for (let k = 0; k < count; k++) {
    const lines = text.split('\n');
    const op = pick(6);
    if (op === 0 && lines.length > 1) {
      const i = pick(lines.length);
      lines.splice(i, 1);
      steps.push(`delete line ${i + 1}`);
    } else if (op === 1) {
      const i = pick(lines.length);
      lines.splice(i, 0, lines[i]);
      steps.push(`duplicate line ${i + 1}`);
    } else if (op === 2 && lines.length > 1) {
      const i = pick(lines.length);
      const j = pick(lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      steps.push(`swap lines ${i + 1} and ${j + 1}`);
    } else if (op === 3 && random() < 0.3) {
      const at = pick(text.length + 1);
      steps.push(`truncate at ${at}`);
      text = text.slice(0, at);
      continue;
    } else {
      const at = pick(text.length + 1);
      const what = insertions[pick(insertions.length)];
      steps.push(`insert ${JSON.stringify(what)} at ${at}`);
      text = text.slice(0, at) + what + text.slice(at);
      continue;
    }
    text = lines.join('\n');
  }
  return { text, steps };
}

/** Analyses and checks one document: what went wrong (if anything) and whether it had YAML errors. */
function probe(text: string): { problem?: string; broken: boolean } {
  let analysis: Analysis;
  try {
    analysis = analyze(text, { path: '.github/workflows/fuzz.yml' });
  } catch (error) {
    return { problem: `threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, broken: false };
  }
  const problems = rangeProblems(analysis, text.length);
  for (const f of analysis.findings) {
    for (const fix of f.fixes) {
      try {
        applyEdits(text, fix.edits);
      } catch (error) {
        problems.push(`applying ${fix.kind} threw ${String(error)}`);
      }
    }
  }
  return { problem: problems.length > 0 ? problems.slice(0, 5).join('; ') : undefined, broken: analysis.syntaxErrors.length > 0 };
}

const corpus = corpusFiles();

test('fuzz: mutated corpus files never throw and every range stays inside the document', { skip: !corpus && 'corpus absent' }, (t) => {
  const files = corpus ?? [];
  const perFile = Math.ceil(mutantTotal / files.length);
  const failures: string[] = [];
  let ran = 0;
  let withSyntaxErrors = 0;
  const started = performance.now();
  for (const file of files) {
    const seed = (baseSeed ^ hash(file.name)) >>> 0;
    const random = prng(seed);
    for (let i = 0; i < perFile; i++) {
      const mutant = mutate(file.text, random);
      const { problem, broken } = probe(mutant.text);
      ran++;
      if (broken) withSyntaxErrors++;
      if (problem === undefined) continue;
      if (failures.length < 8) {
        const saved = join(tmpdir(), `workflow-provenance-fuzz-${seed}-${i}.yml`);
        writeFileSync(saved, mutant.text);
        failures.push(`${file.name} seed=${seed} mutant #${i} (${mutant.steps.join(', ')}; saved as ${saved}): ${problem}`);
      }
    }
  }
  t.diagnostic(`${ran} mutants of ${files.length} files (${withSyntaxErrors} with YAML errors) in ${Math.round(performance.now() - started)} ms, base seed ${baseSeed}`);
  assert.deepEqual(failures, [], `base seed ${baseSeed}`);
});
