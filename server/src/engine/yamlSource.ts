// YAML with exact source positions. The engine reads the document tree and never re-serialises it;
// every position it reports is an offset into the original text.
import { type Document, isAlias, isMap, isScalar, isSeq, type Scalar, visit, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import type { Span } from './types';
import { parseByJobs } from './yamlChunks';
import { type ParsedYaml, parseWhole } from './yamlParse';

export { lineSpanAt, MAX_NESTING, type ParsedYaml } from './yamlParse';
export type { YamlNode };

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
  parsed = parseByJobs(text) ?? parseWhole(text);
  recentParses.set(text, parsed);
  if (recentParses.size > recentParsesLimit) recentParses.delete(recentParses.keys().next().value as string);
  return parsed;
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
