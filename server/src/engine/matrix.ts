// Expands `strategy.matrix` into its combinations (axes, `exclude`, `include`, as GitHub does) and
// evaluates `${{ … }}` templates against each combination with GitHub's own expression evaluator,
// remembering which matrix scalar a value came from so findings can point at it.
import { errorMessage } from './errorMessage';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import type { Document } from 'yaml';
import { isMap, isScalar, isSeq, type Scalar } from 'yaml';
import type { SyntaxProblem } from './api';
import type { Span } from './types';
import { itemSpan, lineSpanAt, mapEntries, nodeSpan, scalarText, seqItems, type YamlNode } from './yamlSource';

/** GitHub runs at most 256 jobs per matrix. Beyond it, combinations are not built one by one. */
export const MAX_COMBINATIONS = 256;
/** Scalars read from one matrix: bounds memory on hostile documents. */
const MAX_MATRIX_SCALARS = 100_000;
/** Combinations looked at (kept or excluded) while expanding one matrix: bounds time. */
const MAX_EXPANSION_STEPS = 200_000;

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
  /** The whole matrix is an expression (e.g. `${{ fromJSON(needs.setup.outputs.matrix) }}`): its text. */
  dynamic?: string;
  /** Axes (and `include`) whose values come from an expression: name → the expression's text. */
  dynamicKeys: Map<string, string>;
  /** What was left out of the expansion, with where and why. */
  notChecked: SyntaxProblem[];
  sources: Map<data.ExpressionData, MatrixScalarSource>;
}

/** The expansion of a job without a matrix. */
export function noMatrix(): MatrixExpansion {
  return { combinations: [], dynamicKeys: new Map(), notChecked: [], sources: new Map() };
}

type Plain = string | number | boolean | null | Plain[] | { [k: string]: Plain };

interface Cell {
  data: data.ExpressionData;
  plain: Plain;
}

interface Axis {
  key: string;
  cells: Array<{ cell: Cell; entry: MatrixEntry }>;
}

function isExpression(node: YamlNode | null): node is Scalar {
  return isScalar(node) && typeof node.value === 'string' && node.value.includes('${{');
}

export function expandMatrix(doc: Document.Parsed, text: string, matrix: YamlNode | null): MatrixExpansion {
  const expansion = noMatrix();
  if (!matrix) return expansion;
  if (isExpression(matrix)) return { ...expansion, dynamic: String(matrix.value) };
  if (!isMap(matrix)) return expansion;
  const sources = expansion.sources;
  let scalars = 0;
  let scalarsCutAt: number | undefined;

  const toCell = (node: YamlNode | null, path: string, entry: MatrixEntry | undefined, depth: number): Cell => {
    if (!node || depth > 32) return { data: new data.Null(), plain: null };
    if (++scalars > MAX_MATRIX_SCALARS) {
      scalarsCutAt ??= nodeSpan(node).start;
      return { data: new data.Null(), plain: null };
    }
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

  const axes: Axis[] = [];
  let includeNode: YamlNode | null = null;
  let excludeNode: YamlNode | null = null;
  for (const e of mapEntries(doc, matrix)) {
    if (isExpression(e.value)) {
      expansion.dynamicKeys.set(e.key, String(e.value.value));
      continue;
    }
    if (e.key === 'include') includeNode = e.value;
    else if (e.key === 'exclude') excludeNode = e.value;
    else {
      const items = seqItems(doc, e.value);
      if (items.length === 0) continue;
      axes.push({
        key: e.key,
        cells: items.map((item, index) => {
          const entry: MatrixEntry = { list: e.key, span: itemSpan(text, item), index, count: items.length };
          return { cell: toCell(item, e.key, entry, 0), entry };
        }),
      });
    }
  }
  const excludes: Array<Array<[number, Plain]>> = [];
  for (const ex of seqItems(doc, excludeNode)) {
    const pattern = toCell(ex, 'exclude', undefined, 0).plain;
    if (!pattern || typeof pattern !== 'object' || Array.isArray(pattern)) continue;
    // A pattern naming a key that is no axis matches nothing.
    const fields = Object.entries(pattern).map(([k, v]): [number, Plain] => [axes.findIndex((a) => a.key === k), v]);
    if (fields.every(([axis]) => axis >= 0)) excludes.push(fields);
  }

  // `exclude` applies before any bound: the combinations are walked in GitHub's order (the last axis
  // turning fastest) and the excluded ones skipped, so a bound never hides a kept combination.
  let steps = 0;
  let stepsCut = false;
  const excluded = (at: number[]) => {
    steps++;
    return excludes.some((fields) =>
      fields.every(([axis, v]) => partialEqual(v, axes[axis].cells[at[axis]].cell.plain)),
    );
  };
  const kept: number[][] = [];
  let total = 0;
  if (axes.length > 0) {
    const at = axes.map(() => 0);
    for (;;) {
      if (steps >= MAX_EXPANSION_STEPS) {
        stepsCut = true;
        break;
      }
      if (!excluded(at)) {
        total++;
        if (kept.length < MAX_COMBINATIONS) kept.push([...at]);
      }
      let k = axes.length - 1;
      while (k >= 0 && ++at[k] === axes[k].cells.length) at[k--] = 0;
      if (k < 0) break;
    }
  }
  // Every value of every axis is checked, even when the combinations are cut: a value missing from
  // the kept ones gets one combination of its own (the first one GitHub would run with it).
  const seen = axes.map((a) => new Uint8Array(a.cells.length));
  for (const at of kept)
    at.forEach((v, axis) => {
      seen[axis][v] = 1;
    });
  axes.forEach((axis, a) => {
    axis.cells.forEach((_, v) => {
      if (seen[a][v] || steps >= MAX_EXPANSION_STEPS) return;
      const found = firstCombinationWith(axes, a, v, excluded, () => steps >= MAX_EXPANSION_STEPS);
      if (found) {
        kept.push(found);
        found.forEach((x, axis2) => {
          seen[axis2][x] = 1;
        });
      }
    });
  });

  interface Combo {
    values: Map<string, Cell>;
    original: Set<string>;
    entries: MatrixEntry[];
  }
  const combos: Combo[] = kept.map((at) => ({
    values: new Map(at.map((v, axis) => [axes[axis].key, axes[axis].cells[v].cell])),
    original: new Set(axes.map((a) => a.key)),
    entries: at.map((v, axis) => axes[axis].cells[v].entry),
  }));

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
    // An include item that matches no combination is a combination of its own; each is kept (their
    // number is bounded by the scalars read), so no include item is ever left out.
    if (!merged)
      combos.push({ values: new Map(pairs.map((p) => [p.key, p.cell])), original: new Set(), entries: [entry] });
    total += merged ? 0 : 1;
  });

  const at = lineSpanAt(text, nodeSpan(matrix).start);
  if (scalarsCutAt !== undefined) {
    expansion.notChecked.push({
      span: lineSpanAt(text, scalarsCutAt),
      message: `the matrix holds more than ${MAX_MATRIX_SCALARS} values; from here on its values are not checked`,
    });
  }
  if (stepsCut) {
    expansion.notChecked.push({
      span: at,
      message: `the matrix has too many combinations to walk (over ${MAX_EXPANSION_STEPS}); only the combinations walked and one per axis value reached are checked`,
    });
  } else if (total > MAX_COMBINATIONS) {
    expansion.notChecked.push({
      span: at,
      message: `the matrix makes ${total} combinations and GitHub runs at most ${MAX_COMBINATIONS}; the first ${MAX_COMBINATIONS}, every include item and every value of every axis are checked, not every combination of values beyond those`,
    });
  }

  expansion.combinations = combos.map((c) => {
    const context = new data.Dictionary();
    const flat: Record<string, string> = {};
    const literals: Record<string, string> = {};
    for (const [k, cell] of c.values) {
      context.add(k, cell.data);
      flatten(k, cell.plain, flat, literals);
    }
    return { context, flat, literals, entries: c.entries };
  });
  return expansion;
}

/** The first combination, in GitHub's order, with value `value` on axis `axis` that is not excluded. */
function firstCombinationWith(
  axes: Axis[],
  axis: number,
  value: number,
  excluded: (at: number[]) => boolean,
  outOfTime: () => boolean,
): number[] | undefined {
  const at = axes.map((_, i) => (i === axis ? value : 0));
  for (;;) {
    if (outOfTime()) return undefined;
    if (!excluded(at)) return at;
    let k = axes.length - 1;
    for (; k >= 0; k--) {
      if (k === axis) continue;
      if (++at[k] < axes[k].cells.length) break;
      at[k] = 0;
    }
    if (k < 0) return undefined;
  }
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

export const knownContexts = [
  'matrix',
  'github',
  'env',
  'vars',
  'secrets',
  'inputs',
  'needs',
  'steps',
  'runner',
  'job',
  'jobs',
  'strategy',
];

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
export function evaluateExpression(
  expression: string,
  combination: Combination | undefined,
  expansion: MatrixExpansion,
  env?: KnownEnv,
): EvaluatedExpression {
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
    return { known: false, reason: errorMessage(e) };
  }
  if (ev.unknownContext)
    return { known: false, reason: `the value comes from '${ev.unknownContext}', known only when the workflow runs` };
  const runtime = runtimeMatrixReason(expression, combination, expansion);
  if (runtime) return { known: false, reason: runtime };
  if (!combination && /\bmatrix\b/.test(expression))
    return { known: false, reason: 'the job has no matrix the value could come from' };
  const source = expansion.sources.get(result) ?? env?.sources.get(result);
  if (!result.primitive) return { known: true, value: '', source, structure: result };
  return { known: true, value: result.coerceString(), source };
}

/** Why a `matrix.*` value read by `expression` is known only at run time, if it is. */
function runtimeMatrixReason(
  expression: string,
  combination: Combination | undefined,
  expansion: MatrixExpansion,
): string | undefined {
  if (!/\bmatrix\b/.test(expression)) return undefined;
  if (expansion.dynamic) return `the matrix is computed when the workflow runs (${expansion.dynamic.trim()})`;
  if (expansion.dynamicKeys.size === 0) return undefined;
  for (const m of expression.matchAll(/\bmatrix\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*'([^']*)'\s*\])/g)) {
    const key = m[1] ?? m[2];
    const axis = expansion.dynamicKeys.get(key);
    if (axis) return `the matrix's '${key}' values are computed when the workflow runs (${axis.trim()})`;
    // A key no written axis or include item gives may come from an include computed at run time.
    const include = expansion.dynamicKeys.get('include');
    if (include && !combination?.context.get(key))
      return `'matrix.${key}' may come from an include computed when the workflow runs (${include.trim()})`;
  }
  return undefined;
}
