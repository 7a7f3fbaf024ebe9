// Fixes that stop using an image or action: skip or remove the step, the matrix entry or the job,
// saying in the title what a removal leaves reading nothing.
import { lineIndexOf } from './lineIndex';
import { isMap, isScalar, isSeq } from 'yaml';
import type { DocumentModel, JobModel, StepModel } from './extract';
import { lineStartOf, removeFlowItem, removeItem, removeLines } from './textEdits';
import type { Fix, ImageReference, Span, TextEdit } from './types';
import { anchorsUsedOutside, copiedByAlias, mapValue, nodeSpan, scalarText, seqItems, withDash } from './yamlSource';

/**
 * Facts about a document's jobs that removal fixes look up, gathered once per document: looking
 * them up job by job made a workflow with thousands of jobs quadratic.
 */
interface JobIndex {
  byId: Map<string, JobModel>;
  /** Jobs whose `needs:` names the key's job. */
  neededBy: Map<string, JobModel[]>;
  /** `needs.<id>…` / `steps.<id>…` expressions, keyed `needs:<id>` / `steps:<id>` (lower case). */
  readers: Map<string, ReaderLeft[]>;
}

const jobIndexes = new WeakMap<DocumentModel, JobIndex>();

function jobIndex(text: string, model: DocumentModel): JobIndex {
  let index = jobIndexes.get(model);
  if (index) return index;
  index = { byId: new Map(), neededBy: new Map(), readers: new Map() };
  for (const job of model.jobs) {
    if (!index.byId.has(job.id)) index.byId.set(job.id, job);
    const v = job.needs?.value;
    const names = isScalar(v)
      ? [scalarText(v)]
      : isSeq(v)
        ? seqItems(model.parsed.doc, v).map((i) => scalarText(i))
        : [];
    for (const name of new Set(names)) {
      if (name === undefined) continue;
      const list = index.neededBy.get(name) ?? [];
      list.push(job);
      index.neededBy.set(name, list);
    }
  }
  for (const m of text.matchAll(/\b(needs|steps)\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*'([^'\n]*)'\s*\])(?:\.[\w-]+)*/gi)) {
    const key = `${m[1].toLowerCase()}:${(m[2] ?? m[3]).toLowerCase()}`;
    const list = index.readers.get(key) ?? [];
    list.push({ offset: m.index ?? 0, expression: m[0] });
    index.readers.set(key, list);
  }
  jobIndexes.set(model, index);
  return index;
}

function jobOf(model: DocumentModel, ref: { job?: string }): JobModel | undefined {
  return ref.job === undefined ? undefined : jobIndex(model.parsed.text, model).byId.get(ref.job);
}

/** A GitHub expression string literal. */
function exprString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A YAML scalar for an `if:` value: plain when safe, double-quoted otherwise. */
function yamlScalar(s: string): string {
  return /: |\s#|^[\s'"&*!|>%@`{[]|[\r\n]/.test(s) ? JSON.stringify(s) : s;
}

/** A short name for the matrix entry an image comes from, e.g. `base_image=…/loong64/debian:trixie`. */
function entryLabel(ref: ImageReference): string {
  const m = ref.matrix;
  if (!m) return '';
  const key = m.path && m.combination[m.path] !== undefined ? m.path : Object.keys(m.combination)[0];
  if (!key) return '';
  const value = m.combination[key];
  const short = value.length > 40 ? `…${value.slice(-39)}` : value;
  return `${key.split('.').pop()}=${short}`;
}

function skipCondition(ref: ImageReference): string | undefined {
  const m = ref.matrix;
  if (!m) return undefined;
  const key = m.path && m.combination[m.path] !== undefined ? m.path : Object.keys(m.combination)[0];
  if (!key) return undefined;
  // Compare with a literal of the value's own type: `true != 'true'` holds in GitHub's expressions.
  return `matrix.${key} != ${m.literals?.[key] ?? exprString(m.combination[key])}`;
}

/** The steps a reference is used in: every consumer of a matrix value, else its own step. */
function stepsOf(
  model: DocumentModel,
  ref: { job?: string; stepIndex?: number; consumerSteps?: number[] },
): { steps: StepModel[]; siblings: StepModel[] } | undefined {
  if (ref.stepIndex === undefined) return undefined;
  const siblings = ref.job === undefined ? model.actionSteps : jobOf(model, ref)?.steps;
  if (!siblings) return undefined;
  const indexes = ref.consumerSteps && ref.consumerSteps.length > 0 ? ref.consumerSteps : [ref.stepIndex];
  const steps = [...new Set(indexes)]
    .sort((a, b) => a - b)
    .map((i) => siblings[i])
    .filter((s): s is StepModel => s !== undefined);
  return steps.length > 0 ? { steps, siblings } : undefined;
}

export function skipStep(text: string, model: DocumentModel, ref: ImageReference): Fix | undefined {
  const found = stepsOf(model, ref);
  const cond = skipCondition(ref);
  if (!found || !cond) return undefined;
  const edits: TextEdit[] = [];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  for (const step of found.steps) {
    // Inside `{ … }` braces and commas end a plain scalar: the condition is quoted there.
    const flow = isMap(step.node) && step.node.flow === true;
    const scalar = (v: string) => (flow ? JSON.stringify(v) : yamlScalar(v));
    if (step.ifNode !== undefined) {
      if (!step.ifNode || !isScalar(step.ifNode)) return undefined;
      const old = (scalarText(step.ifNode) ?? '')
        .trim()
        .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1')
        .trim();
      const combined = old ? `\${{ (${old}) && ${cond} }}` : `\${{ ${cond} }}`;
      const span = nodeSpan(step.ifNode);
      edits.push({ start: span.start, end: span.end, newText: scalar(combined) });
    } else if (flow) {
      const open = nodeSpan(step.node).start;
      if (text[open] !== '{') return undefined;
      edits.push({ start: open + 1, end: open + 1, newText: ` if: ${scalar(`\${{ ${cond} }}`)},` });
    } else {
      const start = nodeSpan(step.node).start;
      const column = start - lineStartOf(text, start);
      edits.push({ start, end: start, newText: `if: ${scalar(`\${{ ${cond} }}`)}${eol}${' '.repeat(column)}` });
    }
  }
  const which = found.steps.length > 1 ? `${found.steps.length} steps` : 'this step';
  return { title: `Skip ${which} for the matrix entry ${entryLabel(ref)}`, kind: 'skip-step', edits };
}

export function removeStep(
  text: string,
  model: DocumentModel,
  ref: { job?: string; stepIndex?: number; consumerSteps?: number[] },
): Fix | undefined {
  const found = stepsOf(model, ref);
  if (!found || found.siblings.length <= found.steps.length) return undefined;
  if (found.steps.some((s) => anchorsUsedOutside(model.parsed.doc, s.span))) return undefined;
  const names = found.steps.map(
    (s) => scalarText(mapScalar(model, s, 'name')) ?? scalarText(mapScalar(model, s, 'uses')) ?? `step ${s.index + 1}`,
  );
  const matrixNote = (ref as ImageReference).matrix ? ' (for every matrix entry)' : '';
  const what =
    names.length > 1 ? `the ${names.length} steps ${names.map((n) => `'${n}'`).join(', ')}` : `the step '${names[0]}'`;
  // Later steps of the same job may read a removed step's outputs or outcome through `steps.<id>`.
  const job = ref.job === undefined ? undefined : jobOf(model, ref);
  const scope = job
    ? job.span
    : { start: found.siblings[0].span.start, end: found.siblings[found.siblings.length - 1].span.end };
  const ids = found.steps.map((s) => scalarText(mapScalar(model, s, 'id'))).filter((id): id is string => !!id);
  const left = ids.flatMap((id) =>
    readersLeft(
      model,
      'steps',
      id,
      (o) => o >= scope.start && o < scope.end,
      found.steps.map((s) => s.span),
    ),
  );
  return {
    title: `Remove ${what}${matrixNote}${breakNote(text, left)}`,
    kind: 'remove-step',
    edits: found.steps.map((s) => removeItem(text, s.span)),
  };
}

function mapScalar(model: DocumentModel, step: StepModel, key: string) {
  return mapValue(model.parsed.doc, step.node, key);
}

export function removeMatrixEntry(text: string, model: DocumentModel, ref: ImageReference): Fix | undefined {
  const m = ref.matrix;
  if (!m?.entrySpan || (m.listSize ?? 0) < 2 || anchorsUsedOutside(model.parsed.doc, m.entrySpan)) return undefined;
  // An entry of an anchored list is also an entry of every alias of that list: not only this matrix's.
  if (copiedByAlias(model.parsed.doc, m.entrySpan)) return undefined;
  return {
    title: `Remove the matrix entry ${entryLabel(ref)}`,
    kind: 'remove-matrix-entry',
    edits: [removeItem(text, m.entrySpan)],
  };
}

export function removeJob(text: string, model: DocumentModel, ref: { job?: string }): Fix | undefined {
  const job = jobOf(model, ref);
  if (!job || model.jobs.length < 2 || anchorsUsedOutside(model.parsed.doc, job.span)) return undefined;
  const own = removeLines(text, job.span);
  if (!own) return undefined;
  const edits: TextEdit[] = [own];
  for (const other of jobIndex(text, model).neededBy.get(job.id) ?? []) {
    if (other === job || !other.needs) continue;
    const v = other.needs.value;
    const needsSpan = {
      start: nodeSpan(other.needs.keyNode).start,
      end: v ? nodeSpan(v).end : nodeSpan(other.needs.keyNode).end,
    };
    if (isScalar(v) && scalarText(v) === job.id) {
      const e = removeLines(text, needsSpan);
      if (e) edits.push(e);
    } else if (isSeq(v)) {
      const items = seqItems(model.parsed.doc, v);
      const hit = items.filter((i) => scalarText(i) === job.id);
      if (hit.length === 0) continue;
      if (hit.length === items.length) {
        const e = removeLines(text, needsSpan);
        if (e) edits.push(e);
      } else {
        for (const i of hit)
          edits.push(v.flow ? removeFlowItem(text, nodeSpan(i)) : removeItem(text, withDash(text, nodeSpan(i))));
      }
    }
  }
  // Readers in other jobs: anywhere in the jobs but the removed one (its span is excluded below).
  const jobsFrom = model.jobs[0].span.start;
  const jobsTo = model.jobs[model.jobs.length - 1].span.end;
  const left = readersLeft(model, 'needs', job.id, (o) => o >= jobsFrom && o < jobsTo, [job.span]);
  return {
    title: `Remove the job '${job.id}' (and it from other jobs' needs)${breakNote(text, left)}`,
    kind: 'remove-job',
    edits,
  };
}

interface ReaderLeft {
  offset: number;
  expression: string;
}

/**
 * Places inside `within` but outside `removed` that read `needs.<id>…` or `steps.<id>…` (the
 * contexts are case-insensitive, as GitHub's are): what a removal would leave reading nothing.
 */
function readersLeft(
  model: DocumentModel,
  context: 'needs' | 'steps',
  id: string,
  within: (offset: number) => boolean,
  removed: readonly Span[],
): ReaderLeft[] {
  const all = jobIndex(model.parsed.text, model).readers.get(`${context}:${id.toLowerCase()}`) ?? [];
  return all.filter((r) => within(r.offset) && !removed.some((s) => r.offset >= s.start && r.offset < s.end));
}

/** What a removal leaves broken, for the fix's title (the first three places). */
function breakNote(text: string, left: readonly ReaderLeft[]): string {
  if (left.length === 0) return '';
  const places = left
    .slice(0, 3)
    .map((r) => `${r.expression} on line ${lineIndexOf(text).positionAt(r.offset).line + 1}`);
  const more = left.length > 3 ? ` and ${left.length - 3} more` : '';
  return `; breaks ${places.join(', ')}${more}, which will read nothing`;
}
