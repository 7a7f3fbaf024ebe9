// A workflow is parsed job by job, and the parse of a job whose text has not changed is reused: a
// keystroke re-parses the job it lands in, not the whole file. The pieces are joined into one document
// that reads exactly as the parse of the whole text would (tested against it on every corpus file and
// on mutations of them). Whenever a text is not plainly laid out, or a piece has a syntax error, the
// caller parses the whole text instead, so errors are always the whole parse's own.
//
// Parsed pieces are never changed once built: a piece reused at another offset is copied with its
// ranges moved, so a document handed out earlier keeps its positions.
import { Alias, type Document, isAlias, isMap, isPair, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { SyntaxProblem } from './api';
import { duplicateKeys, type ParsedStretch, type ParsedYaml, parseStretch } from './yamlParse';

/** Where the pieces of a workflow lie: the text before the first job, each job, and what follows the jobs. */
export interface WorkflowLayout {
  header: { start: number; end: number };
  jobs: Array<{ start: number; end: number }>;
  trailer?: { start: number; end: number };
}

// Real workflows have at most a few hundred jobs. Each piece keeps a document of its own, so a file of
// thousands of tiny jobs (a hostile one) is parsed whole instead of filling the cache with them.
const maxJobs = 1000;

const [HASH, CR, SPACE] = [...'#\r '].map((c) => c.charCodeAt(0));
const JOBS_LINE = /^jobs:[ \t]*(?:#.*)?\r?$/gm;
// GitHub's job ids: a letter or `_`, then letters, digits, `-` and `_`. Only a key alone on its line.
const JOB_KEY = /^[A-Za-z_][A-Za-z0-9_-]*[ \t]*:[ \t]*(?:#.*)?\r?$/;
// Document markers and directives at the start of a line: only a `---` opening the document is taken.
const DOCUMENT_MARKS = /^(?:---|\.\.\.|%)/gm;

/**
 * The layout of a workflow whose `jobs:` is a block mapping at the top level, every job starting with
 * its id alone on a line at one indentation, or undefined for anything else (the whole text is then
 * parsed at once). Comment and blank lines never start a piece.
 */
export function workflowLayout(text: string): WorkflowLayout | undefined {
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  JOBS_LINE.lastIndex = 0;
  const jobsLine = JOBS_LINE.exec(text);
  if (!jobsLine || JOBS_LINE.exec(text)) return undefined;
  DOCUMENT_MARKS.lastIndex = 0;
  for (let mark = DOCUMENT_MARKS.exec(text); mark; mark = DOCUMENT_MARKS.exec(text)) {
    const opening =
      text.startsWith('---', mark.index) &&
      mark.index < jobsLine.index &&
      !/\S/.test(text.slice(0, mark.index).replace(/^[ \t]*#.*$/gm, ''));
    if (!opening) return undefined;
  }
  const starts: number[] = [];
  let indent = -1;
  let trailer = -1;
  let pos = text.indexOf('\n', jobsLine.index) + 1;
  while (pos > 0 && pos < text.length) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0) lineEnd = text.length;
    let i = pos;
    while (i < lineEnd && text.charCodeAt(i) === SPACE) i++;
    const c = i < lineEnd ? text.charCodeAt(i) : -1;
    if (c === -1 || c === HASH || (c === CR && i + 1 === lineEnd)) {
      pos = lineEnd + 1;
      continue;
    }
    const column = i - pos;
    if (indent < 0) {
      if (column === 0) return undefined;
      indent = column;
    }
    if (column === indent) {
      if (!JOB_KEY.test(text.slice(i, lineEnd))) return undefined;
      starts.push(pos);
    } else if (column < indent) {
      if (column !== 0) return undefined;
      trailer = pos;
      break;
    }
    pos = lineEnd + 1;
  }
  if (starts.length === 0 || starts.length > maxJobs) return undefined;
  const jobsEnd = trailer < 0 ? text.length : trailer;
  return {
    header: { start: 0, end: starts[0] },
    jobs: starts.map((start, k) => ({ start, end: k + 1 < starts.length ? starts[k + 1] : jobsEnd })),
    ...(trailer < 0 ? {} : { trailer: { start: trailer, end: text.length } }),
  };
}

type PieceKind = 'header' | 'job' | 'trailer';

interface Piece extends ParsedStretch {
  kind: PieceKind;
  /** The offset in its text where this parse starts. */
  base: number;
  /** Whether the piece can be joined: no syntax error, nothing cut, and the shape its kind needs. */
  joinable: boolean;
  /** The last join that used this piece, so one piece object never appears twice in a document. */
  usedBy: number;
}

// The pieces of the last few texts joined, keyed by their text, each with how many of those texts used
// it: typing keeps the pieces of the text before, and a piece no recent text uses is dropped (a parsed
// piece takes about 15 bytes of heap per character of its text).
const textsKept = 4;
const cache = new Map<string, { piece: Piece; texts: number; key: string }>();
const recentTexts: string[][] = [];
let joins = 0;

/** Keeps the pieces `used` by the text just joined, and drops those only older texts used. */
function keepPieces(used: string[]): void {
  for (const key of used) (cache.get(key) as { texts: number }).texts++;
  recentTexts.push(used);
  if (recentTexts.length <= textsKept) return;
  for (const key of recentTexts.shift() as string[]) {
    const cached = cache.get(key);
    if (cached && --cached.texts === 0) cache.delete(key);
  }
}

function shapeFits(kind: PieceKind, stretch: ParsedStretch): boolean {
  if (stretch.errors.length > 0 || stretch.cuts.length > 0) return false;
  const root = stretch.doc.contents;
  if (!isMap(root) || root.items.length === 0 || !root.range) return false;
  if (kind === 'job') return root.items.length === 1 && isScalar(root.items[0].key);
  if (kind === 'trailer') return true;
  const last = root.items[root.items.length - 1];
  const value = last.value;
  return (
    isScalar(last.key) && last.key.value === 'jobs' && (value === null || (isScalar(value) && value.value === null))
  );
}

function pieceAt(text: string, kind: PieceKind, start: number, end: number, used: string[]): Piece {
  const key = text.slice(start, end);
  const cached = cache.get(key);
  if (cached && cached.piece.kind === kind && cached.piece.usedBy !== joins) {
    if (cached.piece.base !== start) cached.piece = moved(cached.piece, start - cached.piece.base);
    cached.piece.usedBy = joins;
    // The cache's own copy of the key, not this slice of the whole text.
    used.push(cached.key);
    return cached.piece;
  }
  // A slice of a string keeps the whole string alive: a piece kept for later keystrokes gets a copy of
  // its own text (a new string of one more character, flattened, then sliced), so it does not hold every
  // full text it was cut from.
  const own = ` ${key}`.slice(1);
  // A job's mapping sits one level below the document's root mapping.
  const stretch = parseStretch(own, start, false, kind === 'job' ? 1 : 0);
  const made: Piece = { ...stretch, kind, base: start, joinable: shapeFits(kind, stretch), usedBy: joins };
  // A text met twice in one document keeps its first parse in the cache.
  if (!cached) {
    cache.set(own, { piece: made, texts: 0, key: own });
    used.push(own);
  }
  return made;
}

/**
 * The workflow parsed piece by piece and joined, or undefined when it cannot be (the caller then parses
 * the whole text). The pieces parsed are kept either way: the next keystroke may mend the one that failed.
 */
export function parseByJobs(text: string): ParsedYaml | undefined {
  const layout = workflowLayout(text);
  if (!layout) return undefined;
  joins++;
  const used: string[] = [];
  try {
    const header = pieceAt(text, 'header', layout.header.start, layout.header.end, used);
    if (!header.joinable) return undefined;
    const jobs: Piece[] = [];
    for (const stretch of layout.jobs) {
      const job = pieceAt(text, 'job', stretch.start, stretch.end, used);
      if (!job.joinable) return undefined;
      jobs.push(job);
    }
    const trailer = layout.trailer && pieceAt(text, 'trailer', layout.trailer.start, layout.trailer.end, used);
    if (trailer && !trailer.joinable) return undefined;
    return join(text, header, jobs, trailer);
  } finally {
    keepPieces(used);
  }
}

function join(text: string, header: Piece, jobs: Piece[], trailer: Piece | undefined): ParsedYaml {
  const headerRoot = header.doc.contents as YAMLMap;
  const schema = header.doc.schema;
  const jobsPair = headerRoot.items[headerRoot.items.length - 1];
  const jobsMap = new YAMLMap(schema);
  for (const job of jobs) jobsMap.items.push((job.doc.contents as YAMLMap).items[0]);
  const firstJob = (jobs[0].doc.contents as YAMLMap).range as [number, number, number];
  const lastJob = (jobs[jobs.length - 1].doc.contents as YAMLMap).range as [number, number, number];
  jobsMap.range = [firstJob[0], lastJob[1], lastJob[2]];
  const root = new YAMLMap(schema);
  root.items = headerRoot.items.slice(0, -1);
  root.items.push(new Pair(jobsPair.key, jobsMap));
  const trailerRoot = trailer?.doc.contents as YAMLMap | undefined;
  if (trailerRoot) root.items.push(...trailerRoot.items);
  // A block mapping's range runs to the end of its last value, then to the end of the comments after it.
  const rootEnd = trailerRoot?.range ?? [0, jobsMap.range[2], jobsMap.range[2]];
  root.range = [(headerRoot.range as [number, number, number])[0], rootEnd[1], rootEnd[2]];

  const errors: SyntaxProblem[] = [];
  duplicateKeys(root, errors);
  duplicateKeys(jobsMap, errors);
  const aliases = [...header.aliases];
  for (const piece of [header, ...jobs, ...(trailer ? [trailer] : [])]) {
    errors.push(...piece.duplicates);
    if (piece !== header) aliases.push(...piece.aliases);
  }
  errors.sort((a, b) => a.span.start - b.span.start);

  const doc = documentWith(header.doc, root);
  doc.range = [(header.doc.range as number[])[0], rootEnd[2], text.length];
  return { text, doc, errors, notChecked: [], aliases };
}

/** A document of `doc`'s settings holding `contents`; `doc` itself is left as it was. */
function documentWith(doc: Document.Parsed, contents: unknown): Document.Parsed {
  const own = doc.contents;
  doc.contents = null;
  const made = doc.clone() as Document.Parsed;
  doc.contents = own;
  made.contents = contents as Document.Parsed['contents'];
  return made;
}

/** A copy of `piece` with every position moved by `delta`; the piece itself is not changed. */
function moved(piece: Piece, delta: number): Piece {
  const aliases: Alias[] = [];
  const copy = (node: unknown): unknown => copyNode(node, delta, aliases);
  const doc = documentWith(piece.doc, copy(piece.doc.contents));
  if (piece.doc.range) doc.range = shift(piece.doc.range, delta);
  return {
    ...piece,
    doc,
    base: piece.base + delta,
    aliases,
    duplicates: piece.duplicates.map((d) => ({ ...d, span: { start: d.span.start + delta, end: d.span.end + delta } })),
  };
}

function shift(range: readonly number[], delta: number): [number, number, number] {
  return [range[0] + delta, range[1] + delta, range[2] + delta];
}

/** Copies a node's own fields but its items and range (a node's fields hold no other node). */
function copyFields(from: object, to: object): void {
  for (const name in from) {
    if (name === 'items' || name === 'range') continue;
    (to as Record<string, unknown>)[name] = (from as Record<string, unknown>)[name];
  }
}

function copyNode(node: unknown, delta: number, aliases: Alias[]): unknown {
  let made: Scalar | Alias | YAMLMap | YAMLSeq;
  if (isScalar(node)) made = new Scalar(node.value);
  else if (isAlias(node)) {
    made = new Alias(node.source);
    aliases.push(made);
  } else if (isMap(node)) {
    const map = new YAMLMap(node.schema);
    for (const pair of node.items) map.items.push(copyNode(pair, delta, aliases) as Pair);
    made = map;
  } else if (isSeq(node)) {
    const seq = new YAMLSeq(node.schema);
    for (const item of node.items) seq.items.push(copyNode(item, delta, aliases));
    made = seq;
  } else if (isPair(node)) return new Pair(copyNode(node.key, delta, aliases), copyNode(node.value, delta, aliases));
  else return node;
  copyFields(node as object, made);
  const range = (node as { range?: readonly number[] }).range;
  if (range) made.range = shift(range, delta);
  return made;
}
