// Parsing YAML text, or one stretch of it, into a document whose every position is an offset into
// the whole text. Nesting is bounded before the recursive composer sees it (see `MAX_NESTING`).
import { withShortExcerpts } from './errorMessage';
import { Composer, type Document, isScalar, Parser, visit, type YAMLMap, YAMLParseError } from 'yaml';
import type { Alias, CST } from 'yaml';
import type { SyntaxProblem } from './api';
import type { Span } from './types';

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

/** One stretch of text parsed on its own, with positions in the whole text. */
export interface ParsedStretch {
  doc: Document.Parsed;
  /** The YAML library's errors (duplicate keys are apart, in `duplicates`). */
  errors: SyntaxProblem[];
  /** Offsets where nesting deeper than the limits was cut. */
  cuts: number[];
  /** Keys written twice in one mapping, except in the stretch's root mapping when asked to leave it. */
  duplicates: SyntaxProblem[];
  aliases: Alias[];
}

/**
 * Parses `source`, the stretch of a text that starts at `start`, as a document of its own. The parser
 * counts from `start`, so every range in the document is an offset into the whole text. With `rootKeys: false` the root mapping's keys are
 * not checked for duplicates (the caller joins stretches and checks the joined mapping itself).
 * `levelsAbove` is how deeply the stretch's root will sit in the joined document, so that nesting is
 * cut exactly where it would be in the whole text.
 */
export function parseStretch(source: string, start: number, rootKeys: boolean, levelsAbove = 0): ParsedStretch {
  const end = start + source.length;
  const tooDeepText = blankDeepText(source, MAX_TEXT_NESTING - levelsAbove);
  const parser = new Parser();
  parser.offset = start;
  const tokens = Array.from(parser.parse(tooDeepText.text));
  // The CST is walked with an explicit stack, so the nesting is bounded there, before the
  // document is composed by recursive code.
  const cuts = [...tooDeepText.cuts.map((c) => c + start), ...pruneDeepNesting(tokens, MAX_NESTING - levelsAbove)];
  // The library's own duplicate-key check compares each key with every earlier one (quadratic: a
  // 10,000-job workflow took seconds); keys are checked below with a set per mapping instead.
  const composer = new Composer({ uniqueKeys: false, strict: false, prettyErrors: false, keepSourceTokens: false });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, end)) {
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
  // The parser may point one past the end for an error at end of input; keep spans inside the stretch.
  const errors: SyntaxProblem[] = parsed.errors.map((e) => {
    const at = Math.min(Math.max(start, e.pos[0]), end);
    const message = withShortExcerpts(e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''));
    return { span: { start: at, end: Math.min(Math.max(e.pos[1], at), end) }, message };
  });
  const found = duplicateKeysAndAliases(parsed, rootKeys);
  return { doc: parsed, errors, cuts, ...found };
}

/** The whole text parsed as one document. */
export function parseWhole(text: string): ParsedYaml {
  const { doc, errors, cuts, duplicates, aliases } = parseStretch(text, 0, true);
  if (duplicates.length > 0) {
    errors.push(...duplicates);
    errors.sort((a, b) => a.span.start - b.span.start);
  }
  return { text, doc, errors, notChecked: nestingNotChecked(text, cuts), aliases };
}

/** One entry, at the first place cut: a hostile file may have thousands. */
export function nestingNotChecked(text: string, cuts: readonly number[]): SyntaxProblem[] {
  if (cuts.length === 0) return [];
  const first = cuts.reduce((a, b) => Math.min(a, b));
  return [
    {
      span: lineSpanAt(text, first),
      message: `collections nested deeper than ${MAX_NESTING} levels; what lies below this point is not checked`,
    },
  ];
}

/**
 * Keys written twice in one mapping (GitHub rejects such a workflow; the analysis goes on with the
 * last value). Keys are equal as the YAML library defines it: the same scalar value and type. The
 * aliases are collected in the same walk, which is one of the costlier steps of an analysis.
 */
function duplicateKeysAndAliases(
  doc: Document.Parsed,
  rootKeys: boolean,
): { duplicates: SyntaxProblem[]; aliases: Alias[] } {
  const duplicates: SyntaxProblem[] = [];
  const aliases: Alias[] = [];
  visit(doc, {
    Alias(_key, alias) {
      aliases.push(alias);
    },
    Map(_key, map) {
      if (rootKeys || map !== doc.contents) duplicateKeys(map, duplicates);
    },
  });
  return { duplicates, aliases };
}

/** Adds to `found` each key of `map` written before in it. */
export function duplicateKeys(map: YAMLMap, found: SyntaxProblem[]): void {
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
