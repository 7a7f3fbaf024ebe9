// Fixes are text edits computed from source spans; the document is never re-serialised, so
// comments, quoting and layout outside the edited part survive.
import { isMap, isScalar, isSeq } from 'yaml';
import type { ImageProvenance, ResolvedAction, ResolvedImage } from './api';
import type { DocumentModel, JobModel, StepModel } from './extract';
import { isCommit, isDigest, isRefName } from './factShapes';
import type { ActionReference, Finding, Fix, FixKind, ImageReference, ParsedImage, Span, TextEdit } from './types';
import { anchorsUsedOutside, copiedByAlias, mapValue, nodeSpan, scalarText, seqItems, withDash } from './yamlSource';

export const SUPPRESS_MARK = 'workflow-provenance: ignore';
const SUPPRESS_RE = /workflow-provenance:\s*ignore\[([^\]]*)\]/;

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let floor = Infinity;
  for (const e of sorted) {
    if (e.end > floor) continue; // overlapping edit: keep the later-starting one, skip this
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
    floor = e.start;
  }
  return out;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEndOf(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

/** Removes whole lines covering `span`, when nothing else shares them; else undefined. */
function removeLines(text: string, span: Span): TextEdit | undefined {
  const start = lineStartOf(text, span.start);
  if (text.slice(start, span.start).trim() !== '') return undefined;
  const lastLineEnd = lineEndOf(text, Math.max(span.start, span.end - 1));
  const after = text.slice(span.end, lastLineEnd).trim();
  if (after !== '' && !after.startsWith('#')) return undefined;
  const end = lastLineEnd < text.length ? lastLineEnd + 1 : lastLineEnd;
  return withBlankLayout(text, start, end);
}

const isBlank = (line: string): boolean => line.trim() === '';

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * Widens the removal of the whole lines [start, end) so the blank lines around it read as a person would
 * leave them: a block set off by blank lines takes one side's blank lines with it, so no double gap (or a
 * gap under its parent key, or at the end of its list) is left behind.
 */
function withBlankLayout(text: string, start: number, end: number): TextEdit {
  const blockIndent = indentOf(text.slice(start, lineEndOf(text, start)));
  // The blank lines right after the block.
  let after = end;
  while (after < text.length && isBlank(text.slice(after, lineEndOf(text, after)))) {
    const next = lineEndOf(text, after);
    if (next >= text.length) {
      after = text.length;
      break;
    }
    after = next + 1;
  }
  // The blank lines right before it.
  let before = start;
  while (before > 0) {
    const prev = lineStartOf(text, before - 1);
    if (!isBlank(text.slice(prev, before))) break;
    before = prev;
  }
  const blankAfter = after > end;
  const blankBefore = before < start;
  if (!blankAfter && !blankBefore) return { start, end, newText: '' };
  // What surrounds the gap: the parent (or an earlier sibling) above, a sibling (or the parent's end) below.
  const above = before > 0 ? text.slice(lineStartOf(text, before - 1), before - 1) : undefined;
  const below = after < text.length ? text.slice(after, lineEndOf(text, after)) : undefined;
  const firstChild = above === undefined || indentOf(above) < blockIndent;
  const lastChild = below === undefined || indentOf(below) < blockIndent;
  if (blankAfter && (blankBefore || firstChild)) return { start, end: after, newText: '' };
  if (blankBefore && lastChild) return { start: before, end, newText: '' };
  return { start, end, newText: '' };
}

/** Removes one item of a flow sequence `[a, b]` with its comma. */
function removeFlowItem(text: string, span: Span): TextEdit {
  const end = span.end;
  const tail = /^\s*,\s*/.exec(text.slice(end));
  if (tail) return { start: span.start, end: end + tail[0].length, newText: '' };
  let start = span.start;
  const head = /\s*,\s*$/.exec(text.slice(Math.max(0, start - 64), start));
  if (head) start -= head[0].length;
  return { start, end, newText: '' };
}

function removeItem(text: string, span: Span): TextEdit {
  return removeLines(text, span) ?? removeFlowItem(text, span);
}

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
    const names = isScalar(v) ? [scalarText(v)] : isSeq(v) ? seqItems(model.parsed.doc, v).map((i) => scalarText(i)) : [];
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
function stepsOf(model: DocumentModel, ref: { job?: string; stepIndex?: number; consumerSteps?: number[] }): { steps: StepModel[]; siblings: StepModel[] } | undefined {
  if (ref.stepIndex === undefined) return undefined;
  const siblings = ref.job === undefined ? model.actionSteps : jobOf(model, ref)?.steps;
  if (!siblings) return undefined;
  const indexes = ref.consumerSteps && ref.consumerSteps.length > 0 ? ref.consumerSteps : [ref.stepIndex];
  const steps = [...new Set(indexes)].sort((a, b) => a - b).map((i) => siblings[i]).filter((s): s is StepModel => s !== undefined);
  return steps.length > 0 ? { steps, siblings } : undefined;
}

function skipStep(text: string, model: DocumentModel, ref: ImageReference): Fix | undefined {
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
      const old = (scalarText(step.ifNode) ?? '').trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1').trim();
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

function removeStep(text: string, model: DocumentModel, ref: { job?: string; stepIndex?: number; consumerSteps?: number[] }): Fix | undefined {
  const found = stepsOf(model, ref);
  if (!found || found.siblings.length <= found.steps.length) return undefined;
  if (found.steps.some((s) => anchorsUsedOutside(model.parsed.doc, s.span))) return undefined;
  const names = found.steps.map((s) => scalarText(mapScalar(model, s, 'name')) ?? scalarText(mapScalar(model, s, 'uses')) ?? `step ${s.index + 1}`);
  const matrixNote = (ref as ImageReference).matrix ? ' (for every matrix entry)' : '';
  const what = names.length > 1 ? `the ${names.length} steps ${names.map((n) => `'${n}'`).join(', ')}` : `the step '${names[0]}'`;
  // Later steps of the same job may read a removed step's outputs or outcome through `steps.<id>`.
  const job = ref.job === undefined ? undefined : jobOf(model, ref);
  const scope = job ? job.span : { start: found.siblings[0].span.start, end: found.siblings[found.siblings.length - 1].span.end };
  const ids = found.steps.map((s) => scalarText(mapScalar(model, s, 'id'))).filter((id): id is string => !!id);
  const left = ids.flatMap((id) => readersLeft(model, 'steps', id, (o) => o >= scope.start && o < scope.end, found.steps.map((s) => s.span)));
  return { title: `Remove ${what}${matrixNote}${breakNote(text, left)}`, kind: 'remove-step', edits: found.steps.map((s) => removeItem(text, s.span)) };
}

function mapScalar(model: DocumentModel, step: StepModel, key: string) {
  return mapValue(model.parsed.doc, step.node, key);
}

function removeMatrixEntry(text: string, model: DocumentModel, ref: ImageReference): Fix | undefined {
  const m = ref.matrix;
  if (!m?.entrySpan || (m.listSize ?? 0) < 2 || anchorsUsedOutside(model.parsed.doc, m.entrySpan)) return undefined;
  // An entry of an anchored list is also an entry of every alias of that list: not only this matrix's.
  if (copiedByAlias(model.parsed.doc, m.entrySpan)) return undefined;
  return { title: `Remove the matrix entry ${entryLabel(ref)}`, kind: 'remove-matrix-entry', edits: [removeItem(text, m.entrySpan)] };
}

function removeJob(text: string, model: DocumentModel, ref: { job?: string }): Fix | undefined {
  const job = jobOf(model, ref);
  if (!job || model.jobs.length < 2 || anchorsUsedOutside(model.parsed.doc, job.span)) return undefined;
  const own = removeLines(text, job.span);
  if (!own) return undefined;
  const edits: TextEdit[] = [own];
  for (const other of jobIndex(text, model).neededBy.get(job.id) ?? []) {
    if (other === job || !other.needs) continue;
    const v = other.needs.value;
    const needsSpan = { start: nodeSpan(other.needs.keyNode).start, end: v ? nodeSpan(v).end : nodeSpan(other.needs.keyNode).end };
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
        for (const i of hit) edits.push(v.flow ? removeFlowItem(text, nodeSpan(i)) : removeItem(text, withDash(text, nodeSpan(i))));
      }
    }
  }
  // Readers in other jobs: anywhere in the jobs but the removed one (its span is excluded below).
  const jobsFrom = model.jobs[0].span.start;
  const jobsTo = model.jobs[model.jobs.length - 1].span.end;
  const left = readersLeft(model, 'needs', job.id, (o) => o >= jobsFrom && o < jobsTo, [job.span]);
  return { title: `Remove the job '${job.id}' (and it from other jobs' needs)${breakNote(text, left)}`, kind: 'remove-job', edits };
}

interface ReaderLeft {
  offset: number;
  expression: string;
}

/**
 * Places inside `within` but outside `removed` that read `needs.<id>…` or `steps.<id>…` (the
 * contexts are case-insensitive, as GitHub's are): what a removal would leave reading nothing.
 */
function readersLeft(model: DocumentModel, context: 'needs' | 'steps', id: string, within: (offset: number) => boolean, removed: readonly Span[]): ReaderLeft[] {
  const all = jobIndex(model.parsed.text, model).readers.get(`${context}:${id.toLowerCase()}`) ?? [];
  return all.filter((r) => within(r.offset) && !removed.some((s) => r.offset >= s.start && r.offset < s.end));
}

/** What a removal leaves broken, for the fix's title (the first three places). */
function breakNote(text: string, left: readonly ReaderLeft[]): string {
  if (left.length === 0) return '';
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  const places = left.slice(0, 3).map((r) => `${r.expression} on line ${lineOf(r.offset)}`);
  const more = left.length > 3 ? ` and ${left.length - 3} more` : '';
  return `; breaks ${places.join(', ')}${more}, which will read nothing`;
}

function switchOfficial(text: string, ref: ImageReference, prov: ImageProvenance | undefined): Fix | undefined {
  const image = ref.parsed;
  if (!image || !ref.editable || !prov?.officialAlternative || prov.officialSupportsPlatform === false) return undefined;
  if (text.slice(ref.span.start, ref.span.end) !== ref.text) return undefined;
  const tagPart = ref.text.slice(image.nameEnd, image.digestStart);
  const newText = `${prov.officialAlternative}${tagPart}`;
  const platformNote = ref.platform ? `, which publishes ${ref.platform}` : '';
  return {
    title: `Switch to the official image ${newText}${platformNote}`,
    kind: 'switch-official',
    edits: [{ start: ref.span.start, end: ref.span.end, newText }],
  };
}

/** Adds `rule` to the suppression comment on the finding's line (creating the comment). */
function ignoreFix(text: string, finding: Finding): Fix | undefined {
  const anchor = finding.reference.commentAt ?? finding.span.start;
  const lineEnd = lineEndOf(text, anchor);
  const lineStart = lineStartOf(text, anchor);
  const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
  if (finding.reference.commentAt === undefined) {
    if (/\\\s*$/.test(line)) return undefined; // a shell continuation line: a comment would end the command
    // The comment must land after the reference's own line has ended (not inside a multi-line quoted value).
    if (lineEndOf(text, Math.max(finding.span.start, finding.span.end - 1)) !== lineEnd) return undefined;
  }
  const title = `Ignore ${finding.rule} on this line`;
  const m = SUPPRESS_RE.exec(line);
  if (m) {
    const at = lineStart + m.index + m[0].length - 1;
    const sep = m[1].trim() ? ',' : '';
    return { title, kind: 'ignore', edits: [{ start: at, end: at, newText: `${sep}${finding.rule}` }] };
  }
  const end = lineStart + line.length;
  return { title, kind: 'ignore', edits: [{ start: end, end, newText: ` # ${SUPPRESS_MARK}[${finding.rule}]` }] };
}

/**
 * One fix per finding (the one `pick` chooses), identical fixes once, and none that overlaps a fix
 * already taken: the edits of "fix all", "pin all" and `check --fix`, sorted, with how many fixes they hold.
 */
export function combineFixes(findings: readonly Finding[], pick: (finding: Finding) => Fix | undefined): { edits: TextEdit[]; count: number } {
  const accepted: TextEdit[] = [];
  const seen = new Set<string>();
  let count = 0;
  for (const finding of findings) {
    const fix = pick(finding);
    if (!fix || fix.edits.length === 0) continue;
    const key = JSON.stringify(fix.edits);
    if (seen.has(key)) continue;
    seen.add(key);
    const overlaps = fix.edits.some((e) => accepted.some((a) => (e.start < a.end && a.start < e.end) || (e.start === e.end && e.start === a.start)));
    if (overlaps) continue;
    accepted.push(...fix.edits);
    count++;
  }
  return { edits: accepted.sort((a, b) => a.start - b.start), count };
}

/** The pin fix of a finding (digest or commit), for pinning a whole file. */
export function pinFixOf(finding: Finding): Fix | undefined {
  return finding.fixes.find((f) => f.kind === 'pin-digest' || f.kind === 'pin-action');
}

/** Rules silenced for a reference: a comment on its own line, or where its suppression comment goes. */
export function suppressedFor(text: string, ref: { span: Span; commentAt?: number }): string[] {
  const own = suppressedRules(text, ref.span.start);
  return ref.commentAt === undefined ? own : [...own, ...suppressedRules(text, ref.commentAt)];
}

/**
 * Other tools' suppression comments, mapped to our rules that check the same thing: zizmor's audit
 * names (`# zizmor: ignore[unpinned-images]`) and ratchet's `# ratchet:exclude`, which leaves every
 * reference on its line unpinned on purpose.
 */
export const foreignSuppressions: Readonly<Record<string, readonly string[]>> = {
  'zizmor:unpinned-images': ['unpinned-image', 'mutable-tag'],
  'zizmor:unpinned-uses': ['unpinned-action'],
  'ratchet:exclude': ['unpinned-image', 'mutable-tag', 'stale-digest', 'unpinned-action', 'action-ref-mismatch'],
};

const ZIZMOR_RE = /#.*?zizmor:\s*ignore\[([^\]]*)\]/;
const RATCHET_RE = /#.*?ratchet:exclude\b/;

/** Rules silenced on the line holding `offset`: ours by id, and those other tools' comments name. */
export function suppressedRules(text: string, offset: number): string[] {
  const line = text.slice(lineStartOf(text, offset), lineEndOf(text, offset));
  const out: string[] = [];
  const own = SUPPRESS_RE.exec(line);
  if (own) out.push(...own[1].split(',').map((s) => s.trim()).filter(Boolean));
  const zizmor = ZIZMOR_RE.exec(line);
  if (zizmor) for (const audit of zizmor[1].split(',')) out.push(...(foreignSuppressions[`zizmor:${audit.trim()}`] ?? []));
  if (RATCHET_RE.test(line)) out.push(...foreignSuppressions['ratchet:exclude']);
  return out;
}

/**
 * `name:tag` → `name:tag@<digest>`, replacing a digest already written. A reference with neither tag
 * nor digest gets `:latest` spelled out, so the pinned text still says which tag it follows.
 */
export function pinnedImageText(text: string, parsed: ParsedImage, digest: string): string {
  const head = text.slice(0, parsed.digestStart);
  return `${head}${parsed.tag === undefined && parsed.digest === undefined ? ':latest' : ''}@${digest}`;
}

function pinDigest(text: string, ref: ImageReference, resolved: ResolvedImage | undefined): Fix | undefined {
  const image = ref.parsed;
  if (!image || !resolved || !ref.editable || text.slice(ref.span.start, ref.span.end) !== ref.text) return undefined;
  // What is written into the workflow must be a digest and nothing else (it may come from a cache file).
  if (!isDigest(resolved.digest)) return undefined;
  if (image.digest === resolved.digest) return undefined;
  const head = ref.text.slice(0, image.digestStart);
  const newText = pinnedImageText(ref.text, image, resolved.digest);
  const cached = resolved.fromCache ? ' (cached)' : '';
  return {
    title: `Pin ${head} to its current digest ${resolved.digest.slice(0, 19)}…${cached}`,
    kind: 'pin-digest',
    edits: [{ start: ref.span.start, end: ref.span.end, newText }],
    safe: true,
  };
}

/** `owner/repo@v4` → `owner/repo@<commit> # v4.2.2`, replacing a version comment already there. */
function pinAction(text: string, ref: ActionReference, resolved: ResolvedAction | undefined): Fix | undefined {
  if (!resolved) return undefined;
  const commit = resolved.commentTagCommit && ref.commentVersion && /^[0-9a-f]{40}$/.test(ref.ref) ? resolved.commentTagCommit : resolved.commit;
  const tag = /^[0-9a-f]{40}$/.test(ref.ref) ? ref.commentVersion : resolved.bestTag ?? ref.ref;
  if (commit === ref.ref) return undefined;
  // The commit and tag name are written into the file: each must be exactly that and nothing more.
  if (!isCommit(commit) || (resolved.bestTag !== undefined && !isRefName(resolved.bestTag))) return undefined;
  const edits: TextEdit[] = [{ start: ref.refSpan.start, end: ref.refSpan.end, newText: commit }];
  const lineEnd = lineEndOf(text, ref.span.end);
  const rest = text.slice(ref.span.end, lineEnd);
  const hash = /\s#/.exec(rest);
  if (tag) {
    if (hash) {
      const commentStart = ref.span.end + hash.index + hash[0].length - 1;
      const end = ref.span.end + rest.replace(/\r$/, '').length;
      const old = text.slice(commentStart, end);
      const kept = old.replace(/^#\s*v?\d[\w.+-]*/, '').trimEnd();
      edits.push({ start: commentStart, end, newText: `# ${tag}${kept ? ` ${kept.replace(/^\s*/, '')}` : ''}` });
    } else {
      const end = ref.span.end + rest.replace(/\r$/, '').length;
      edits.push({ start: end, end, newText: ` # ${tag}` });
    }
  }
  const cached = resolved.fromCache ? ' (cached)' : '';
  return { title: `Pin ${ref.owner}/${ref.repo} to commit ${commit.slice(0, 12)}${tag ? ` (${tag})` : ''}${cached}`, kind: 'pin-action', edits, safe: true };
}

// Removing a job walks every other job's `needs:`; many findings share a job, so it is done once.
const fixMemo = new WeakMap<DocumentModel, Map<string, Fix | undefined>>();

function memoized(model: DocumentModel, key: string, make: () => Fix | undefined): Fix | undefined {
  let memo = fixMemo.get(model);
  if (!memo) fixMemo.set(model, (memo = new Map()));
  if (!memo.has(key)) memo.set(key, make());
  const fix = memo.get(key);
  // Each finding gets its own copy: `preferred` is set per finding.
  return fix && { ...fix, edits: [...fix.edits] };
}

export interface FixFacts {
  provenance?: ImageProvenance;
  resolvedImage?: ResolvedImage;
  resolvedAction?: ResolvedAction;
}

export function buildFixes(text: string, model: DocumentModel, finding: Finding, kinds: readonly FixKind[], facts: FixFacts): Fix[] {
  const prov = facts.provenance;
  const fixes: Fix[] = [];
  const ref = finding.reference;
  for (const kind of kinds) {
    let fix: Fix | undefined;
    switch (kind) {
      case 'switch-official':
        if (ref.kind === 'image') fix = switchOfficial(text, ref, prov);
        break;
      case 'remove-step':
        fix = removeStep(text, model, ref);
        break;
      case 'skip-step':
        if (ref.kind === 'image') fix = skipStep(text, model, ref);
        break;
      case 'remove-matrix-entry':
        if (ref.kind === 'image') fix = removeMatrixEntry(text, model, ref);
        break;
      case 'remove-job':
        fix = memoized(model, `remove-job:${ref.job}`, () => removeJob(text, model, ref));
        break;
      case 'ignore':
        fix = ignoreFix(text, finding);
        break;
      case 'pin-digest':
        if (ref.kind === 'image') fix = pinDigest(text, ref, facts.resolvedImage);
        break;
      case 'pin-action':
        if (ref.kind === 'action') fix = pinAction(text, ref, facts.resolvedAction);
        break;
    }
    if (fix) fixes.push(fix);
  }
  const preferred = fixes.find((f) => f.kind === 'pin-digest' || f.kind === 'pin-action' || f.kind === 'switch-official') ?? fixes.find((f) => f.kind !== 'ignore');
  if (preferred) preferred.preferred = true;
  return fixes;
}
