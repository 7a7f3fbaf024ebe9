// YAML with exact source positions. The engine reads the document tree and never re-serialises it;
// every position it reports is an offset into the original text.
import { withShortExcerpts } from './errorMessage';
import {
  Composer,
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Parser,
  Scalar,
  visit,
  YAMLMap,
  YAMLSeq,
  YAMLParseError,
} from 'yaml';
import type { Alias, CST, Node as YamlNode } from 'yaml';
import type { SyntaxProblem } from './api';
import type { Span } from './types';

export type { YamlNode };

export interface ParsedYaml {
  text: string;
  doc: Document.Parsed;
  errors: SyntaxProblem[];
  /** Parts of the document the engine left out, each with where and why (see `MAX_NESTING`). */
  notChecked: SyntaxProblem[];
  /** Every alias (`*name`) in the document, found in the same walk as duplicate keys. */
  aliases: Alias[];
}

/**
 * How deeply collections may nest. Real workflows stay below 15 levels. The YAML composer and
 * the engine's tree walks recurse once per level, and V8 aborts the whole process (not a
 * catchable error) when it compiles a regular expression with too little stack left: the YAML
 * library's line-unfolding expression is compiled to machine code on its second use, which for a
 * 1,000-deep `- - - … img` line happened at the bottom of a 1,000-level recursion.
 */
export const MAX_NESTING = 100;

/**
 * The YAML library's CST parser recurses only when it closes collections, and survives about
 * 2,000 levels; text that could nest deeper than this is blanked before it gets there.
 */
const MAX_TEXT_NESTING = 1000;

/**
 * The last few texts parsed, and their parses. A check of a document that follows its `uses:` reads the
 * document and the files it leads to twice (once to plan what to follow, once to judge): the second
 * reads share the first's parses. Nothing changes a parsed document after this module built it. Kept
 * small: each entry holds a whole document tree.
 */
const recentParses = new Map<string, ParsedYaml>();
const recentParsesLimit = 4;

export function parseYaml(text: string): ParsedYaml {
  let parsed = recentParses.get(text);
  if (parsed) return parsed;
  parsed = parseText(text);
  recentParses.set(text, parsed);
  if (recentParses.size > recentParsesLimit) recentParses.delete(recentParses.keys().next().value as string);
  return parsed;
}

function parseText(text: string): ParsedYaml {
  const tooDeepText = blankDeepText(text, MAX_TEXT_NESTING);
  const tokens = Array.from(new Parser().parse(tooDeepText.text));
  // The CST is walked with an explicit stack, so the nesting is bounded there, before the
  // document is composed by recursive code.
  const cuts = [...tooDeepText.cuts, ...pruneDeepNesting(tokens, MAX_NESTING)];
  // One entry, at the first place cut: a hostile file may have thousands.
  const first = cuts.length > 0 ? cuts.reduce((a, b) => Math.min(a, b)) : undefined;
  const notChecked: SyntaxProblem[] =
    first === undefined
      ? []
      : [
          {
            span: lineSpanAt(text, first),
            message: `collections nested deeper than ${MAX_NESTING} levels; what lies below this point is not checked`,
          },
        ];
  // The library's own duplicate-key check compares each key with every earlier one (quadratic: a
  // 10,000-job workflow took seconds); keys are checked below with a set per mapping instead.
  const composer = new Composer({ uniqueKeys: false, strict: false, prettyErrors: false, keepSourceTokens: false });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(
        new YAMLParseError(
          [next.range[0], next.range[1]],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
  }
  // compose(…, forceDoc = true) always yields a document, even for empty text.
  const parsed = doc as Document.Parsed;
  // The parser may point one past the end for an error at end of input; keep spans inside the text.
  const errors: SyntaxProblem[] = parsed.errors.map((e) => {
    const start = Math.min(Math.max(0, e.pos[0]), text.length);
    const message = withShortExcerpts(e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''));
    return { span: { start, end: Math.min(Math.max(e.pos[1], start), text.length) }, message };
  });
  const { duplicates, aliases } = duplicateKeysAndAliases(parsed);
  if (duplicates.length > 0) {
    errors.push(...duplicates);
    errors.sort((a, b) => a.span.start - b.span.start);
  }
  return { text, doc: parsed, errors, notChecked, aliases };
}

/**
 * Keys written twice in one mapping (GitHub rejects such a workflow; the analysis goes on with the
 * last value). Keys are equal as the YAML library defines it: the same scalar value and type. The
 * aliases are collected in the same walk, which is one of the costlier steps of an analysis.
 */
function duplicateKeysAndAliases(doc: Document.Parsed): { duplicates: SyntaxProblem[]; aliases: Alias[] } {
  const found: SyntaxProblem[] = [];
  const aliases: Alias[] = [];
  visit(doc, {
    Alias(_key, alias) {
      aliases.push(alias);
    },
    Map(_key, map) {
      const items = map.items;
      if (items.length < 2) return;
      // Most mappings are small: comparing with each earlier key allocates nothing (this runs on every keystroke).
      if (items.length <= 8) {
        for (let i = 1; i < items.length; i++) {
          const key = items[i].key;
          if (!isScalar(key) || Number.isNaN(key.value)) continue;
          for (let j = 0; j < i; j++) {
            const earlier = items[j].key;
            if (isScalar(earlier) && earlier.value === key.value) {
              const at = key.range?.[0] ?? 0;
              found.push({ span: { start: at, end: at + 1 }, message: 'Map keys must be unique' });
              break;
            }
          }
        }
        return;
      }
      const seen = new Set<unknown>();
      for (const pair of items) {
        const key = pair.key;
        if (!isScalar(key) || Number.isNaN(key.value)) continue;
        const id = key.value;
        if (seen.has(id)) {
          const at = key.range?.[0] ?? 0;
          found.push({ span: { start: at, end: at + 1 }, message: 'Map keys must be unique' });
        } else seen.add(id);
      }
    },
  });
  return { duplicates: found, aliases };
}

/** From `offset` to the end of its line (at most 200 characters): where a problem found at a point is shown. */
export function lineSpanAt(text: string, offset: number): Span {
  const nl = text.indexOf('\n', offset);
  return { start: offset, end: Math.max(offset, Math.min(nl < 0 ? text.length : nl, offset + 200)) };
}

const [HASH, CR, SPACE, TAB, DASH, QUESTION, COLON, OPEN_SQUARE, CLOSE_SQUARE, OPEN_CURLY, CLOSE_CURLY] = [
  ...'#\r \t-?:[]{}',
].map((c) => c.charCodeAt(0));

/**
 * An upper bound of the nesting at every character (indentation levels, `- `, `? `, `: `
 * indicators, open flow brackets), linear in the text; from where it passes `limit`, the rest of
 * that line is replaced by spaces, so offsets stay those of the original text.
 */
function blankDeepText(text: string, limit: number): { text: string; cuts: number[] } {
  const cuts: number[] = [];
  const blanks: Span[] = [];
  const indents: number[] = [];
  let flow = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let i = lineStart;
    while (i < lineEnd && text.charCodeAt(i) === 32) i++;
    // Character codes, not one-character strings: this loop reads every character on every keystroke.
    if (i < lineEnd && text.charCodeAt(i) !== HASH && text.charCodeAt(i) !== CR) {
      const indent = i - lineStart;
      while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
      let depth = indents.length + flow;
      for (; i < lineEnd; i++) {
        const c = text.charCodeAt(i);
        if (c === OPEN_SQUARE || c === OPEN_CURLY) {
          flow++;
          depth++;
        } else if (c === CLOSE_SQUARE || c === CLOSE_CURLY) flow = Math.max(0, flow - 1);
        else if (c === DASH || c === QUESTION || c === COLON) {
          const next = i + 1 === lineEnd ? SPACE : text.charCodeAt(i + 1);
          if (next === SPACE || next === TAB || next === CR) depth++;
        }
        if (depth > limit) {
          cuts.push(i);
          blanks.push({ start: i, end: lineEnd });
          break;
        }
      }
    }
    lineStart = lineEnd + 1;
  }
  if (blanks.length === 0) return { text, cuts };
  let out = '';
  let pos = 0;
  for (const b of blanks) {
    out += text.slice(pos, b.start) + text.slice(b.start, b.end).replace(/[^\r]/g, ' ');
    pos = b.end;
  }
  return { text: out + text.slice(pos), cuts };
}

/**
 * Replaces every collection nested deeper than `limit` by an empty scalar, walking the CST with an
 * explicit stack. Returns the offsets of the collections cut.
 */
function pruneDeepNesting(tokens: CST.Token[], limit: number): number[] {
  const cut: number[] = [];
  type Slot = { holder: { value?: CST.Token; key?: CST.Token | null }; field: 'value' | 'key'; depth: number };
  const stack: Slot[] = [];
  for (const t of tokens) if (t.type === 'document') stack.push({ holder: t, field: 'value', depth: 0 });
  while (stack.length > 0) {
    const { holder, field, depth } = stack.pop() as Slot;
    const token = holder[field];
    if (!token || (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection'))
      continue;
    if (depth >= limit) {
      cut.push(token.offset);
      holder[field] = { type: 'scalar', offset: token.offset, indent: token.indent, source: '' };
      continue;
    }
    for (const item of token.items as CST.CollectionItem[]) {
      if (item.key) stack.push({ holder: item, field: 'key', depth: depth + 1 });
      if (item.value) stack.push({ holder: item, field: 'value', depth: depth + 1 });
    }
  }
  return cut;
}

interface AnchorDef {
  offset: number;
  node: YamlNode;
}

// Anchors of a document, collected once: `Alias.resolve` searches the whole document on every call,
// which made alias-heavy documents quadratic.
const anchorIndex = new WeakMap<Document.Parsed, Map<string, AnchorDef[]>>();

function anchorsOf(doc: Document.Parsed): Map<string, AnchorDef[]> {
  let index = anchorIndex.get(doc);
  if (!index) {
    const found = new Map<string, AnchorDef[]>();
    visit(doc, {
      Node(_key, node) {
        const anchor = (node as { anchor?: string }).anchor;
        if (anchor && (isMap(node) || isSeq(node) || isScalar(node))) {
          const list = found.get(anchor) ?? [];
          list.push({ offset: node.range?.[0] ?? 0, node });
          found.set(anchor, list);
        }
      },
    });
    index = found;
    anchorIndex.set(doc, index);
  }
  return index;
}

const aliasIndex = new WeakMap<Document.Parsed, Array<{ source: string; offset: number }>>();

function aliasesOf(doc: Document.Parsed): Array<{ source: string; offset: number }> {
  let aliases = aliasIndex.get(doc);
  if (!aliases) {
    const found: Array<{ source: string; offset: number }> = [];
    visit(doc, {
      Alias(_key, node) {
        found.push({ source: node.source, offset: node.range?.[0] ?? 0 });
      },
    });
    aliases = found;
    aliasIndex.set(doc, aliases);
  }
  return aliases;
}

/** True when an anchor defined inside `span` is used by an alias outside it (removing the span would break it). */
export function anchorsUsedOutside(doc: Document.Parsed, span: Span): boolean {
  const inside = new Set<string>();
  for (const [name, defs] of anchorsOf(doc))
    if (defs.some((d) => d.offset >= span.start && d.offset < span.end)) inside.add(name);
  if (inside.size === 0) return false;
  return aliasesOf(doc).some((a) => inside.has(a.source) && (a.offset < span.start || a.offset >= span.end));
}

/**
 * True when `span` lies inside an anchored node that an alias copies elsewhere: editing there
 * changes every copy (removing a list item from `&platforms [...]` shrinks each `*platforms`).
 */
export function copiedByAlias(doc: Document.Parsed, span: Span): boolean {
  const around = new Set<string>();
  for (const [name, defs] of anchorsOf(doc)) {
    if (defs.some((d) => d.node.range && d.node.range[0] <= span.start && span.end <= d.node.range[1]))
      around.add(name);
  }
  return around.size > 0 && aliasesOf(doc).some((a) => around.has(a.source));
}

/** Follows an alias to its anchor (a bounded number of hops; aliases are never expanded recursively). */
export function deref(doc: Document.Parsed, node: unknown): YamlNode | null {
  let n = node;
  for (let hops = 0; hops < 8 && isAlias(n); hops++) {
    // An alias names the closest anchor of that name before it.
    const at = n.range?.[0] ?? Infinity;
    const defs = anchorsOf(doc).get(n.source);
    let target: YamlNode | undefined;
    for (const d of defs ?? []) if (d.offset < at) target = d.node;
    if (!target) return null;
    n = target;
  }
  if (isMap(n) || isSeq(n) || isScalar(n)) return n;
  return null;
}

export interface MapEntry {
  key: string;
  keyNode: Scalar;
  value: YamlNode | null;
}

export function mapEntries(doc: Document.Parsed, node: YamlNode | null): MapEntry[] {
  if (!isMap(node)) return [];
  const out: MapEntry[] = [];
  for (const pair of (node as YAMLMap).items) {
    if (!isScalar(pair.key)) continue;
    const key = pair.key.value;
    if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean') continue;
    out.push({ key: String(key), keyNode: pair.key, value: deref(doc, pair.value) });
  }
  return out;
}

/** The last entry with that key (YAML with duplicate keys: the last one wins, as for GitHub). */
export function mapGet(doc: Document.Parsed, node: YamlNode | null, key: string): MapEntry | undefined {
  if (!isMap(node)) return undefined;
  const items = (node as YAMLMap).items;
  for (let i = items.length - 1; i >= 0; i--) {
    const k = items[i].key;
    if (isScalar(k) && String(k.value) === key) return { key, keyNode: k, value: deref(doc, items[i].value) };
  }
  return undefined;
}

export function mapValue(doc: Document.Parsed, node: YamlNode | null, key: string): YamlNode | null {
  return mapGet(doc, node, key)?.value ?? null;
}

export function seqItems(doc: Document.Parsed, node: YamlNode | null): YamlNode[] {
  if (!isSeq(node)) return [];
  const out: YamlNode[] = [];
  for (const item of (node as YAMLSeq).items) {
    const n = deref(doc, item);
    if (n) out.push(n);
  }
  return out;
}

/** The scalar's value as a string (numbers and booleans as written in YAML), or undefined. */
export function scalarText(node: YamlNode | null): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return node.source ?? String(v);
  return undefined;
}

/** A block sequence item's span from its `-` (so removing it removes the dash too). */
export function withDash(text: string, span: Span): Span {
  let i = span.start - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  return i >= 0 && text[i] === '-' ? { start: i, end: span.end } : span;
}

export function itemSpan(text: string, node: YamlNode): Span {
  return withDash(text, nodeSpan(node));
}

export function nodeSpan(node: YamlNode): Span {
  const r = node.range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

/**
 * Maps offsets in a scalar's value to offsets in the file. Returns undefined when the value is not
 * written verbatim in the source (escapes, folding), so callers fall back to the whole scalar.
 */
export type OffsetMap = (valueOffset: number) => number;

const mapperCache = new WeakMap<Scalar, OffsetMap | null>();

function scalarOffsetMap(text: string, node: Scalar): OffsetMap | undefined {
  const cached = mapperCache.get(node);
  if (cached !== undefined) return cached ?? undefined;
  const made = makeOffsetMap(text, node);
  mapperCache.set(node, made ?? null);
  return made;
}

function makeOffsetMap(text: string, node: Scalar): OffsetMap | undefined {
  const value = typeof node.value === 'string' ? node.value : scalarText(node);
  const r = node.range;
  if (value === undefined || !r) return undefined;
  const [start, end] = r;
  switch (node.type) {
    case 'PLAIN':
      return text.slice(start, end) === value ? (o) => start + o : undefined;
    case 'QUOTE_SINGLE':
    case 'QUOTE_DOUBLE':
      return text.slice(start + 1, end - 1) === value ? (o) => start + 1 + o : undefined;
    case 'BLOCK_LITERAL':
      return blockLiteralMap(text, start, end, value);
    default:
      return undefined;
  }
}

// A literal block scalar keeps its lines; each value line sits in the source after a fixed indentation.
function blockLiteralMap(text: string, start: number, end: number, value: string): OffsetMap | undefined {
  const headerEnd = text.indexOf('\n', start);
  if (headerEnd < 0 || headerEnd >= end) return value === '' ? () => start : undefined;
  const lineStarts: number[] = [];
  const lineEnds: number[] = [];
  let pos = headerEnd + 1;
  while (pos <= end && pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0 || nl > end) nl = Math.min(end, text.length);
    lineStarts.push(pos);
    lineEnds.push(nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
    if (nl >= end) break;
    pos = nl + 1;
  }
  const valueLines = value.split('\n');
  let indent = -1;
  for (let k = 0; k < valueLines.length && k < lineStarts.length; k++) {
    const v = valueLines[k];
    if (v.trim() === '') continue;
    const src = text.slice(lineStarts[k], lineEnds[k]);
    if (!src.endsWith(v)) return undefined;
    indent = src.length - v.length;
    break;
  }
  if (indent < 0) indent = 0;
  const valueLineStarts: number[] = [];
  let acc = 0;
  for (let k = 0; k < valueLines.length; k++) {
    valueLineStarts.push(acc);
    acc += valueLines[k].length + 1;
    const v = valueLines[k];
    if (v === '' || k >= lineStarts.length) continue;
    if (text.slice(lineStarts[k] + indent, lineEnds[k]) !== v) return undefined;
  }
  return (o: number) => {
    let lo = 0;
    let hi = valueLineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (valueLineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    if (lo >= lineStarts.length) return end;
    return Math.min(lineStarts[lo] + indent + (o - valueLineStarts[lo]), lineEnds[lo]);
  };
}

/** Span of a part of a scalar's value in the file, or the scalar's own span when it cannot be mapped. */
export function valueSpan(text: string, node: Scalar, from: number, to: number): { span: Span; exact: boolean } {
  const map = scalarOffsetMap(text, node);
  if (map) {
    const s = map(from);
    const e = to === from ? s : map(to - 1) + 1;
    return { span: { start: s, end: e }, exact: true };
  }
  return { span: nodeSpan(node), exact: false };
}
