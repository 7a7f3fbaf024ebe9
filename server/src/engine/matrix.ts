// Expands `strategy.matrix` into its combinations (axes, `exclude`, `include`, as GitHub does) and
// evaluates `${{ … }}` templates against each combination with GitHub's own expression evaluator,
// remembering which matrix scalar a value came from so findings can point at it.
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import type { Document } from 'yaml';
import { isMap, isScalar, isSeq } from 'yaml';
import type { Span } from './types';
import { itemSpan, mapEntries, nodeSpan, scalarText, seqItems, type YamlNode } from './yamlSource';

/** GitHub runs at most 256 jobs per matrix; more is an error there, and a bound here. */
export const MAX_COMBINATIONS = 256;

export interface MatrixEntry {
  /** `include`, or the axis name. */
  list: string;
  /** The list item, from its `-` to its end. */
  span: Span;
  index: number;
  /** How many items the list has. */
  count: number;
}

export interface MatrixScalarSource {
  path: string;
  node: YamlNode;
  span: Span;
  entry?: MatrixEntry;
}

export interface Combination {
  context: data.Dictionary;
  /** Flattened `path → value` pairs, for messages and conditions. */
  flat: Record<string, string>;
  /** The same pairs as expression literals (`'text'`, `1`, `true`), for `if:` conditions. */
  literals: Record<string, string>;
  /** Items that made this combination (one per axis, plus include items merged into it). */
  entries: MatrixEntry[];
}

export interface MatrixExpansion {
  combinations: Combination[];
  /** The matrix comes from an expression (e.g. `fromJSON(...)`): its values cannot be known offline. */
  dynamic: boolean;
  truncated: boolean;
  sources: Map<data.ExpressionData, MatrixScalarSource>;
}

const EMPTY: MatrixExpansion = { combinations: [], dynamic: false, truncated: false, sources: new Map() };

type Plain = string | number | boolean | null | Plain[] | { [k: string]: Plain };

interface Cell {
  data: data.ExpressionData;
  plain: Plain;
}

export function expandMatrix(doc: Document.Parsed, text: string, matrix: YamlNode | null): MatrixExpansion {
  if (!matrix) return EMPTY;
  if (isScalar(matrix)) return { ...EMPTY, dynamic: true, sources: new Map() };
  if (!isMap(matrix)) return EMPTY;
  const sources = new Map<data.ExpressionData, MatrixScalarSource>();
  let budget = 20000; // bounds work on hostile documents (deep or huge matrices)

  const toCell = (node: YamlNode | null, path: string, entry: MatrixEntry | undefined, depth: number): Cell => {
    budget--;
    if (!node || depth > 32 || budget < 0) return { data: new data.Null(), plain: null };
    if (isScalar(node)) {
      const v = node.value;
      if (v === null || v === undefined) return { data: new data.Null(), plain: null };
      // Every scalar is remembered, numbers and booleans too, so a value can be traced to its entry.
      const cell: Cell =
        typeof v === 'number'
          ? { data: new data.NumberData(v), plain: v }
          : typeof v === 'boolean'
            ? { data: new data.BooleanData(v), plain: v }
            : { data: new data.StringData(scalarText(node) ?? String(v)), plain: scalarText(node) ?? String(v) };
      sources.set(cell.data, { path, node, span: nodeSpan(node), entry });
      return cell;
    }
    if (isSeq(node)) {
      const arr = new data.Array();
      const plain: Plain[] = [];
      seqItems(doc, node).forEach((item, i) => {
        const c = toCell(item, `${path}[${i}]`, entry, depth + 1);
        arr.add(c.data);
        plain.push(c.plain);
      });
      return { data: arr, plain };
    }
    const dict = new data.Dictionary();
    const plain: { [k: string]: Plain } = {};
    for (const e of mapEntries(doc, node)) {
      const c = toCell(e.value, `${path}.${e.key}`, entry, depth + 1);
      dict.add(e.key, c.data);
      plain[e.key] = c.plain;
    }
    return { data: dict, plain };
  };

  interface Combo {
    values: Map<string, Cell>;
    original: Set<string>;
    entries: MatrixEntry[];
  }
  let combos: Combo[] = [{ values: new Map(), original: new Set(), entries: [] }];
  let truncated = false;
  let hasAxes = false;
  let includeNode: YamlNode | null = null;
  let excludeNode: YamlNode | null = null;

  for (const e of mapEntries(doc, matrix)) {
    if (e.key === 'include') {
      includeNode = e.value;
      continue;
    }
    if (e.key === 'exclude') {
      excludeNode = e.value;
      continue;
    }
    if (isScalar(e.value) && typeof e.value.value === 'string' && e.value.value.includes('${{')) {
      return { ...EMPTY, dynamic: true, sources };
    }
    const items = seqItems(doc, e.value);
    if (items.length === 0) continue;
    hasAxes = true;
    const cells = items.map((item, index) => {
      const entry: MatrixEntry = { list: e.key, span: itemSpan(text, item), index, count: items.length };
      return { cell: toCell(item, e.key, entry, 0), entry };
    });
    const next: Combo[] = [];
    for (const c of combos) {
      for (const { cell, entry } of cells) {
        if (next.length >= MAX_COMBINATIONS) {
          truncated = true;
          break;
        }
        const values = new Map(c.values);
        values.set(e.key, cell);
        next.push({ values, original: new Set([...c.original, e.key]), entries: [...c.entries, entry] });
      }
    }
    combos = next;
  }
  if (!hasAxes) combos = [];

  for (const ex of seqItems(doc, excludeNode)) {
    const pattern = toCell(ex, 'exclude', undefined, 0).plain;
    if (!pattern || typeof pattern !== 'object' || Array.isArray(pattern)) continue;
    combos = combos.filter((c) => !Object.entries(pattern).every(([k, v]) => c.values.has(k) && partialEqual(v, c.values.get(k)!.plain)));
  }

  const includes = seqItems(doc, includeNode);
  const originalCount = combos.length;
  includes.forEach((inc, index) => {
    if (!isMap(inc)) return;
    const entry: MatrixEntry = { list: 'include', span: itemSpan(text, inc), index, count: includes.length };
    const pairs = mapEntries(doc, inc).map((p) => ({ key: p.key, cell: toCell(p.value, p.key, entry, 0) }));
    let merged = false;
    for (let i = 0; i < originalCount; i++) {
      const c = combos[i];
      const clashes = pairs.some((p) => c.original.has(p.key) && !deepEqual(c.values.get(p.key)!.plain, p.cell.plain));
      if (clashes) continue;
      for (const p of pairs) if (!c.original.has(p.key)) c.values.set(p.key, p.cell);
      c.entries.push(entry);
      merged = true;
    }
    if (!merged) {
      if (combos.length >= MAX_COMBINATIONS) {
        truncated = true;
        return;
      }
      combos.push({ values: new Map(pairs.map((p) => [p.key, p.cell])), original: new Set(), entries: [entry] });
    }
  });

  const combinations = combos.map((c) => {
    const context = new data.Dictionary();
    const flat: Record<string, string> = {};
    const literals: Record<string, string> = {};
    for (const [k, cell] of c.values) {
      context.add(k, cell.data);
      flatten(k, cell.plain, flat, literals);
    }
    return { context, flat, literals, entries: c.entries };
  });
  return { combinations, dynamic: false, truncated, sources };
}

function flatten(prefix: string, v: Plain, out: Record<string, string>, literals: Record<string, string>): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(`${prefix}.${k}`, x, out, literals);
  } else if (!Array.isArray(v)) {
    out[prefix] = v === null ? '' : String(v);
    literals[prefix] = typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : v === null ? 'null' : String(v);
  }
}

function deepEqual(a: Plain, b: Plain): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ka = Object.keys(a);
  const ob = b as { [k: string]: Plain };
  const oa = a as { [k: string]: Plain };
  return ka.length === Object.keys(ob).length && ka.every((k) => deepEqual(oa[k], ob[k]));
}

// `exclude` matches when every field it names matches (objects match partially).
function partialEqual(pattern: Plain, value: Plain): boolean {
  if (pattern !== null && typeof pattern === 'object' && !Array.isArray(pattern)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const v = value as { [k: string]: Plain };
    return Object.entries(pattern).every(([k, p]) => k in v && partialEqual(p, v[k]));
  }
  return deepEqual(pattern, value);
}

export interface TemplatePart {
  /** Offsets in the template string. */
  start: number;
  end: number;
  /** The expression inside `${{ }}`, or undefined for literal text. */
  expression?: string;
}

/** Splits `a-${{ matrix.x }}-b` into literal and expression parts. */
export function splitTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let pos = 0;
  while (pos < template.length) {
    const open = template.indexOf('${{', pos);
    if (open < 0) break;
    const close = findClose(template, open + 3);
    if (close < 0) break;
    if (open > pos) parts.push({ start: pos, end: open });
    parts.push({ start: open, end: close + 2, expression: template.slice(open + 3, close).trim() });
    pos = close + 2;
  }
  if (pos < template.length) parts.push({ start: pos, end: template.length });
  return parts;
}

// `}}` ends an expression unless it is inside a single-quoted string literal.
function findClose(s: string, from: number): number {
  let inString = false;
  for (let i = from; i < s.length - 1; i++) {
    const c = s[i];
    if (c === "'") {
      if (inString && s[i + 1] === "'") {
        i++;
        continue;
      }
      inString = !inString;
    } else if (!inString && c === '}' && s[i + 1] === '}') return i;
  }
  return -1;
}

export const knownContexts = ['matrix', 'github', 'env', 'vars', 'secrets', 'inputs', 'needs', 'steps', 'runner', 'job', 'jobs', 'strategy'];

class TracingEvaluator extends Evaluator {
  unknownContext: string | undefined;
  constructor(
    expr: ConstructorParameters<typeof Evaluator>[0],
    context: data.Dictionary,
    private readonly known: ReadonlySet<string>,
  ) {
    super(expr, context);
  }
  override visitContextAccess(access: Parameters<Evaluator['visitContextAccess']>[0]): data.ExpressionData {
    const name = access.name.lexeme;
    if (!this.known.has(name.toLowerCase())) {
      this.unknownContext ??= name;
      return new data.Null();
    }
    return super.visitContextAccess(access);
  }
}

const matrixOnly: ReadonlySet<string> = new Set(['matrix']);
const withEnv: ReadonlySet<string> = new Set(['matrix', 'env']);

const parsedCache = new Map<string, ReturnType<Parser['parse']> | null>();

function parseExpression(expression: string): ReturnType<Parser['parse']> | undefined {
  let expr = parsedCache.get(expression);
  if (expr === undefined) {
    try {
      const lexed = new Lexer(expression).lex();
      expr = new Parser(lexed.tokens, knownContexts, []).parse();
    } catch {
      expr = null;
    }
    if (parsedCache.size > 2000) parsedCache.clear();
    parsedCache.set(expression, expr);
  }
  return expr ?? undefined;
}

export type EvaluatedExpression =
  /** `structure` is set when the value is an object or an array (`value` is then empty, never 'Object'). */
  | { known: true; value: string; source?: MatrixScalarSource; structure?: data.ExpressionData }
  | { known: false; reason: string };

/** Values of the `env` context known from the file, with where each is written. */
export interface KnownEnv {
  values: data.Dictionary;
  sources: Map<data.ExpressionData, MatrixScalarSource>;
}

/** Evaluates one expression against a matrix combination (and, when given, the `env` context). */
export function evaluateExpression(expression: string, combination: Combination | undefined, expansion: MatrixExpansion, env?: KnownEnv): EvaluatedExpression {
  const expr = parseExpression(expression);
  if (!expr) return { known: false, reason: `cannot parse expression '${expression}'` };
  const ctx = new data.Dictionary();
  ctx.add('matrix', combination ? combination.context : new data.Dictionary());
  if (env) ctx.add('env', env.values);
  const ev = new TracingEvaluator(expr, ctx, env ? withEnv : matrixOnly);
  let result: data.ExpressionData;
  try {
    result = ev.evaluate();
  } catch (e) {
    return { known: false, reason: e instanceof Error ? e.message : String(e) };
  }
  if (ev.unknownContext) return { known: false, reason: `the value comes from '${ev.unknownContext}', known only when the workflow runs` };
  if (!combination && /\bmatrix\b/.test(expression)) return { known: false, reason: 'the job has no matrix the value could come from' };
  const source = expansion.sources.get(result) ?? env?.sources.get(result);
  if (!result.primitive) return { known: true, value: '', source, structure: result };
  return { known: true, value: result.coerceString(), source };
}

/** The dotted path a `matrix.a.b` expression names, or undefined for anything more complex. */
export function matrixPathOf(expression: string): string | undefined {
  const m = /^matrix((?:\.[A-Za-z_][\w-]*)+)$/.exec(expression.trim());
  return m ? m[1].slice(1) : undefined;
}

