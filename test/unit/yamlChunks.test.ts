// A workflow parsed job by job and joined must read exactly as the parse of the whole text: every node's
// kind, fields and range, the syntax errors, the aliases. Proved on every corpus file and test
// workflow, on thousands of edits of them (typing in the header, in a job, after the jobs, deleting
// lines), and on layouts written to slip past the layout check.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isDocument, isNode, isPair } from 'yaml';
import { parseByJobs, workflowLayout } from '../../server/src/engine/yamlChunks';
import { type ParsedYaml, parseWhole } from '../../server/src/engine/yamlParse';
import { parseYaml } from '../../server/src/engine/yamlSource';
import { corpusAbsent, corpusFiles, yamlFilesUnder } from './support/corpus';
import { projectRoot } from './support/engine';

/** The first place two parsed values differ, as a path and both sides, or undefined when equal. */
function difference(a: unknown, b: unknown, path: string, seen = new Set<unknown>()): string | undefined {
  if (Object.is(a, b)) return undefined;
  const structured = (v: unknown) => isNode(v) || isPair(v) || isDocument(v) || Array.isArray(v);
  if (!structured(a) || !structured(b)) {
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
      try {
        assert.deepEqual(a, b);
        return undefined;
      } catch {
        return `${path}: ${JSON.stringify(a)?.slice(0, 80)} != ${JSON.stringify(b)?.slice(0, 80)}`;
      }
    }
    return `${path}: ${String(a).slice(0, 80)} != ${String(b).slice(0, 80)}`;
  }
  if (seen.has(a)) return undefined;
  seen.add(a);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: another kind of node`;
  const ao = a as unknown as Record<string, unknown>;
  const bo = b as unknown as Record<string, unknown>;
  // The schema and options are the library's settings, equal by construction; comments are never read.
  const skip = new Set(['schema', 'options', 'directives', 'comment', 'commentBefore', 'spaceBefore', 'errors']);
  const names = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const name of names) {
    if (skip.has(name)) continue;
    const found = difference(ao[name], bo[name], `${path}.${name}`, seen);
    if (found) return found;
  }
  return undefined;
}

function parsesDiffer(text: string): { joined: boolean; problem?: string } {
  const joined = parseByJobs(text);
  if (!joined) return { joined: false };
  const whole: ParsedYaml = parseWhole(text);
  const problem =
    difference(whole.doc, joined.doc, 'doc') ??
    difference(whole.errors, joined.errors, 'errors') ??
    difference(whole.notChecked, joined.notChecked, 'notChecked') ??
    difference(
      whole.aliases.map((a) => a.range),
      joined.aliases.map((a) => a.range),
      'aliases',
    );
  return { joined: true, problem };
}

function assertSame(text: string, label: string): boolean {
  const { joined, problem } = parsesDiffer(text);
  assert.equal(problem, undefined, `${label}: the joined parse differs at ${problem}`);
  return joined;
}

/** A small seeded generator, so a failure names an edit that can be made again. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function testWorkflows(): Array<{ name: string; text: string }> {
  return [...yamlFilesUnder(join(projectRoot(), 'test')), ...yamlFilesUnder(join(projectRoot(), 'examples'))].map(
    (name) => ({ name, text: readFileSync(name, 'utf8') }),
  );
}

test('every corpus workflow with jobs joins to the whole parse', { skip: corpusAbsent }, () => {
  const files = corpusFiles() ?? [];
  let joined = 0;
  for (const file of files) if (assertSame(file.text, file.name)) joined++;
  // Nearly all real workflows have the plain layout; only a few are parsed whole.
  assert.ok(joined >= files.length - 1, `only ${joined} of ${files.length} corpus files were parsed by jobs`);
});

test('edits of corpus workflows: every joined parse equals the whole parse', { skip: corpusAbsent }, () => {
  const next = random(7);
  const alphabet = ['a', ' ', ':', '#', '\n', '- ', '"', "'", '|', '{', '}', '&x ', '*x', '\t', '  b: 1\n', '\n  j:\n'];
  let joined = 0;
  let compared = 0;
  for (const file of corpusFiles() ?? []) {
    let text = file.text;
    // Typing: each edit builds on the last, so pieces are reused, moved, and parsed again.
    for (let i = 0; i < 60; i++) {
      const at = Math.floor(next() * text.length);
      const r = next();
      if (r < 0.7) text = text.slice(0, at) + alphabet[Math.floor(next() * alphabet.length)] + text.slice(at);
      else if (r < 0.85) {
        const lineStart = text.lastIndexOf('\n', at) + 1;
        const lineEnd = text.indexOf('\n', at);
        text = text.slice(0, lineStart) + (lineEnd < 0 ? '' : text.slice(lineEnd + 1));
      } else text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 3));
      compared++;
      if (assertSame(text, `${file.name} after edit ${i} at ${at}`)) joined++;
      // Now and then go back to the file as written: its pieces come from the cache, at their offsets.
      if (next() < 0.1) {
        text = file.text;
        assertSame(text, `${file.name} restored`);
      }
    }
  }
  // The test means something only if many edited texts were joined, not all parsed whole.
  assert.ok(joined > compared / 8, `only ${joined} of ${compared} edited texts were parsed by jobs`);
});

test('the test and example workflows join to the whole parse', () => {
  for (const file of testWorkflows()) assertSame(file.text, file.name);
});

test('typing in the header moves every job; the document given out before keeps its positions', () => {
  const jobs = Array.from(
    { length: 5 },
    (_, j) => `  job-${j}:\n    runs-on: ubuntu-24.04\n    container: debian:${j}\n`,
  );
  const before = `# a\non: push\njobs:\n${jobs.join('')}`;
  const first = parseByJobs(before);
  assert.ok(first, 'a plain workflow is parsed by jobs');
  const rangesBefore = JSON.stringify(first.doc.toJSON()) + JSON.stringify(first.doc.contents?.range);
  const offsets = (p: ParsedYaml) =>
    JSON.stringify(p.doc, (_k, v) => (v && typeof v === 'object' && 'range' in v ? v.range : v));
  const firstOffsets = offsets(first);
  const after = `# ab\non: push\njobs:\n${jobs.join('')}`;
  assertSame(after, 'typed in the header');
  assert.equal(JSON.stringify(first.doc.toJSON()) + JSON.stringify(first.doc.contents?.range), rangesBefore);
  assert.equal(offsets(first), firstOffsets, 'an earlier document changed when its pieces were reused');
  assertSame(before, 'back to the first text');
});

test('layouts the job-by-job parse must leave to the whole parse', () => {
  const job = (id: string) => `  ${id}:\n    runs-on: x\n`;
  const cases: Record<string, string> = {
    'no job': 'on: push\njobs:\n',
    'a document start after a key': `on: push\n---\njobs:\n${job('a')}${job('b')}`,
    'a second document': `on: push\njobs:\n${job('a')}${job('b')}---\nx: 1\n`,
    'a directive': `%YAML 1.2\n---\non: push\njobs:\n${job('a')}${job('b')}`,
    'jobs twice': `jobs:\n${job('a')}${job('b')}jobs:\n${job('c')}${job('d')}`,
    'a flow mapping of jobs': 'jobs: {a: {runs-on: x}, b: {runs-on: y}}\n',
    'a quoted job id': `on: push\njobs:\n${job('a')}  "b":\n    runs-on: x\n`,
    'a job with its value on the line': `on: push\njobs:\n${job('a')}  b: {runs-on: x}\n`,
    'an odd indentation after the jobs': `on: push\njobs:\n${job('a')}${job('b')} c: 1\n`,
    'a tab': `on: push\njobs:\n${job('a')}\t${job('b')}`,
    'jobs at column 0': 'on: push\njobs:\na:\n  runs-on: x\nb:\n  runs-on: y\n',
  };
  for (const [name, text] of Object.entries(cases)) {
    assert.equal(workflowLayout(text) && parseByJobs(text) ? name : undefined, undefined, `${name} was joined`);
    // And the parse the engine uses is the whole parse's.
    assert.equal(difference(parseWhole(text).doc, parseYaml(text).doc, 'doc'), undefined, name);
  }
});

test('constructs that end a job early are parsed whole and report the whole parse errors', () => {
  const texts = [
    // A heredoc line at column 0 ends the block scalar: the whole parse's error is kept.
    'on: push\njobs:\n  a:\n    steps:\n      - run: |\n          cat <<EOF\nfoo\nEOF\n  b:\n    runs-on: x\n',
    // A quoted scalar running on into the next job.
    'on: push\njobs:\n  a:\n    name: "one\n  b:\n    runs-on: x\n  c:\n    runs-on: y\n',
    // A flow mapping left open.
    'on: push\njobs:\n  a:\n    with: {x: 1,\n  b:\n    runs-on: x\n  c:\n    runs-on: y\n',
    // An alias to an anchor of another job (allowed, and resolved across jobs).
    'on: push\njobs:\n  a:\n    env: &e {X: 1}\n    runs-on: x\n  b:\n    env: *e\n    runs-on: y\n',
    // The same job twice: a duplicate key, and the same text in two places.
    'on: push\njobs:\n  a:\n    runs-on: x\n  a:\n    runs-on: x\n',
    // A duplicate top-level key, one before and one after the jobs.
    'on: push\njobs:\n  a:\n    runs-on: x\n  b:\n    runs-on: y\non: pull_request\n',
  ];
  for (const text of texts) {
    assertSame(text, text.slice(0, 60));
    assert.deepEqual(parseYaml(text).errors, parseWhole(text).errors);
  }
});

test('nesting inside a job is cut where the whole parse cuts it', () => {
  for (const depth of [97, 98, 99, 100, 101, 102]) {
    const text = `on: push\njobs:\n  a:\n    runs-on: x\n  b:\n    steps: ${'['.repeat(depth)}x${']'.repeat(depth)}\n`;
    assertSame(text, `${depth} levels`);
    assert.deepEqual(parseYaml(text).notChecked, parseWhole(text).notChecked, `${depth} levels`);
  }
});

test('a workflow of thousands of jobs is parsed whole, and still reads the same', () => {
  const jobs = (count: number) =>
    `on: push\njobs:\n${Array.from({ length: count }, (_, j) => `  j${j}:\n    runs-on: x\n`).join('')}`;
  assert.ok(parseByJobs(jobs(1000)), 'a thousand jobs are parsed by jobs');
  assert.equal(parseByJobs(jobs(1001)), undefined, 'more are parsed whole');
  assertSame(jobs(1000), '1000 jobs');
  assert.equal(difference(parseYaml(jobs(1001)).doc, parseWhole(jobs(1001)).doc, 'doc'), undefined);
});

test('line ends written as CRLF join like LF', { skip: corpusAbsent }, () => {
  let joined = 0;
  for (const file of corpusFiles() ?? []) {
    const text = file.text.replace(/\r?\n/g, '\r\n');
    if (assertSame(text, `${file.name} with CRLF`)) joined++;
  }
  assert.ok(joined >= (corpusFiles()?.length ?? 0) - 1, `only ${joined} CRLF files were parsed by jobs`);
});
