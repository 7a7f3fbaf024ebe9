// Every fix the engine offers on the real corpus, applied: the result is valid YAML, only the intended
// part of the workflow changed, the text outside the edits is untouched, and the finding is gone.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { parseDocument } from 'yaml';
import { analyze, applyEdits, LineIndex, type Finding, type Fix, type TextEdit } from '../../server/src/engine';
import { corpusAbsent, corpusFiles } from './support/corpus';
import { ready } from './support/engine';

before(ready);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonMap = { [key: string]: Json };

function toJs(text: string): { value: JsonMap; errors: number } {
  const doc = parseDocument(text);
  return { value: doc.toJS({ maxAliasCount: -1 }) as JsonMap, errors: doc.errors.length };
}

const isMap = (v: Json | undefined): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Maps an offset of the original text into the fixed text; undefined when an edit replaced it. */
function mapOffset(edits: readonly TextEdit[], offset: number): number | undefined {
  let shift = 0;
  for (const e of edits) {
    if (e.end <= offset && !(e.start === e.end && e.start === offset)) shift += e.newText.length - (e.end - e.start);
    else if (e.start < offset || (e.start === offset && e.end > offset)) return undefined;
  }
  return offset + shift;
}

/** The fixed text rebuilt from the original around the edits: anything else means bytes moved. */
function rebuild(text: string, edits: readonly TextEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

const clone = (v: JsonMap): JsonMap => structuredClone(v);

/** The workflow as it should read after the fix, or a reason the fix cannot be judged that way. */
function expectedAfter(kind: Fix['kind'], finding: Finding, before: JsonMap, after: JsonMap): JsonMap | string {
  const ref = finding.reference;
  const job = ref.job;
  const jobs = before.jobs;
  if (kind === 'ignore') return before;
  if (!isMap(jobs) || job === undefined || !isMap(jobs[job])) return `no job for ${kind}`;
  const expected = clone(before);
  const expectedJobs = expected.jobs as JsonMap;
  const expectedJob = expectedJobs[job] as JsonMap;
  switch (kind) {
    case 'remove-step': {
      // Every step that uses the value goes (a matrix value may reach several steps).
      const steps = expectedJob.steps;
      if (!Array.isArray(steps) || ref.stepIndex === undefined) return 'no steps';
      const consumers = ref.kind === 'image' && ref.consumerSteps ? ref.consumerSteps : [ref.stepIndex];
      for (const i of [...new Set(consumers)].sort((a, b) => b - a)) steps.splice(i, 1);
      return expected;
    }
    case 'skip-step': {
      const steps = expectedJob.steps;
      const afterJob = isMap(after.jobs) ? after.jobs[job] : undefined;
      const afterSteps = isMap(afterJob) ? afterJob.steps : undefined;
      if (!Array.isArray(steps) || !Array.isArray(afterSteps) || ref.stepIndex === undefined) return 'no steps';
      const consumers = ref.kind === 'image' && ref.consumerSteps ? ref.consumerSteps : [ref.stepIndex];
      for (const i of new Set(consumers)) {
        const step = steps[i] as JsonMap;
        const newIf = (afterSteps[i] as JsonMap).if;
        if (typeof newIf !== 'string' || newIf === step.if || !newIf.includes('matrix.'))
          return `step ${i}'s if did not gain a matrix condition: ${JSON.stringify(newIf)}`;
        step.if = newIf;
      }
      return expected;
    }
    case 'remove-matrix-entry': {
      const list = ref.kind === 'image' ? ref.matrix?.list : undefined;
      const matrix = isMap(expectedJob.strategy) ? expectedJob.strategy.matrix : undefined;
      const afterJob = isMap(after.jobs) ? after.jobs[job] : undefined;
      const afterMatrix = isMap(afterJob) && isMap(afterJob.strategy) ? afterJob.strategy.matrix : undefined;
      if (!list || !isMap(matrix) || !isMap(afterMatrix)) return 'no matrix';
      const entries = matrix[list];
      if (!Array.isArray(entries)) return `no matrix list ${list}`;
      // Exactly one entry of that list is gone, whichever it is; the edit range says it held the value.
      for (let k = 0; k < entries.length; k++) {
        const candidate = entries.filter((_, i) => i !== k);
        if (isDeepStrictEqual(candidate, afterMatrix[list])) {
          matrix[list] = candidate;
          return expected;
        }
      }
      return `no single entry of matrix.${list} was removed`;
    }
    case 'remove-job': {
      delete expectedJobs[job];
      for (const other of Object.values(expectedJobs)) {
        if (!isMap(other)) continue;
        if (other.needs === job) delete other.needs;
        else if (Array.isArray(other.needs)) {
          other.needs = other.needs.filter((n) => n !== job);
          if (other.needs.length === 0) delete other.needs;
        }
      }
      return expected;
    }
    default:
      return `no judgement for ${kind}`;
  }
}

/** The finding after the fix: same rule and reference text at the mapped place. */
function survivor(findings: Finding[], finding: Finding, edits: readonly TextEdit[]): Finding | undefined {
  const start = mapOffset(edits, finding.span.start);
  const end = mapOffset(edits, finding.span.end);
  if (start === undefined || end === undefined) return undefined;
  return findings.find(
    (f) =>
      f.rule === finding.rule &&
      f.reference.text === finding.reference.text &&
      f.span.start === start &&
      f.span.end === end,
  );
}

const corpus = corpusFiles();

test('every fix on every corpus file leaves valid YAML in which only the intended part changed', {
  skip: corpusAbsent,
}, (t) => {
  const applied: Record<string, number> = {};
  const problems: string[] = [];
  const started = performance.now();
  for (const file of corpus ?? []) {
    const path = `.github/workflows/${file.name.split('/').pop()}`;
    const original = analyze(file.text, { path });
    const before = toJs(file.text);
    const lines = new LineIndex(file.text);
    for (const finding of original.findings) {
      for (const fix of finding.fixes) {
        const where = `${file.name}:${lines.positionAt(finding.span.start).line + 1} ${finding.rule} ${fix.kind} "${fix.title}"`;
        const edits = [...fix.edits].sort((a, b) => a.start - b.start);
        const fixed = applyEdits(file.text, fix.edits);
        applied[fix.kind] = (applied[fix.kind] ?? 0) + 1;
        if (fixed !== rebuild(file.text, edits)) problems.push(`${where}: text outside the edits changed`);
        if (fixed === file.text) problems.push(`${where}: the fix changes nothing`);
        if (fix.kind === 'ignore' && edits.some((e) => e.start !== e.end || !e.newText.includes('#')))
          problems.push(`${where}: ignore does more than add a comment`);

        const after = toJs(fixed);
        if (before.errors === 0 && after.errors > 0) {
          problems.push(`${where}: the result has YAML errors`);
          continue;
        }
        const expected = expectedAfter(fix.kind, finding, before.value, after.value);
        if (typeof expected === 'string') problems.push(`${where}: ${expected}`);
        else if (!isDeepStrictEqual(after.value, expected))
          problems.push(`${where}: more than the intended part changed`);

        const reanalysed = analyze(fixed, { path });
        if (fix.kind === 'ignore' || fix.kind.startsWith('remove-')) {
          if (survivor(reanalysed.findings, finding, edits)) problems.push(`${where}: the finding is still reported`);
        }
        if (fix.kind === 'remove-job' && reanalysed.findings.some((f) => f.reference.job === finding.reference.job)) {
          problems.push(`${where}: findings still name the removed job`);
        }
      }
    }
  }
  t.diagnostic(`fixes applied per kind: ${JSON.stringify(applied)} in ${Math.round(performance.now() - started)} ms`);
  assert.ok(Object.keys(applied).length > 0, 'the corpus offered no fix at all');
  assert.deepEqual(problems, []);
});

const workflowPath = '.github/workflows/ci.yml';

test('ignore on a line of a run: | script leaves the script unchanged', {}, () => {
  // The line ends inside `sh -c "…"`: text appended there becomes part of the argument, not a comment.
  const text = [
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: |',
    '          docker run alpine:3.12 sh -c "',
    '            echo hi"',
    '',
  ].join('\n');
  const finding = analyze(text, { path: workflowPath }).findings.find((f) => f.rule === 'unpinned-image');
  assert.ok(finding, 'unpinned-image on alpine:3.12');
  const fix = finding.fixes.find((f) => f.kind === 'ignore');
  if (!fix) return; // not offering the fix there is a correct answer too
  assert.deepEqual(toJs(applyEdits(text, fix.edits)).value, toJs(text).value);
});

test('remove-step on a matrix image used by two steps makes the finding go away', {}, () => {
  const step = [
    '      - uses: uraimo/run-on-arch-action@v3',
    '        with:',
    '          base_image: ${{ matrix.base_image }}',
  ];
  const text = [
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    strategy:',
    '      matrix:',
    '        base_image: ["--platform=linux/loong64 ghcr.io/loong64/debian:trixie"]',
    '    steps:',
    '      - run: echo',
    ...step,
    ...step,
    '',
  ].join('\n');
  const finding = analyze(text, { path: workflowPath }).findings.find((f) => f.rule === 'community-image');
  assert.ok(finding, 'community-image on the matrix value');
  assert.equal(finding.related?.length, 2);
  const fix = finding.fixes.find((f) => f.kind === 'remove-step');
  if (!fix) return; // not offering it is acceptable; offering a fix that leaves the finding is not
  const fixed = applyEdits(text, fix.edits);
  assert.deepEqual(
    analyze(fixed, { path: workflowPath }).findings.filter((f) => f.rule === 'community-image'),
    [],
  );
});
