// Environment variables as a workflow sets them: workflow, job and step `env:` maps, nearest wins. Their
// values reach `${{ env.X }}` and the shell variables of `run:` scripts; a value taken from a matrix
// (`DOCKER_CONTAINER: ${{ matrix.BUILD_PROP[2] }}`) stays traced to the matrix scalar that holds it.
import { data } from '@actions/expressions';
import type { Document } from 'yaml';
import { isScalar } from 'yaml';
import {
  type Combination,
  evaluateExpression,
  type KnownEnv,
  type MatrixExpansion,
  type MatrixScalarSource,
  splitTemplate,
} from './matrix';
import type { Span } from './types';
import { mapEntries, nodeSpan, scalarText, valueSpan, type YamlNode } from './yamlSource';

export interface EnvVariable {
  name: string;
  /** The value as written, or null for a mapping, a sequence or an empty value. */
  node: YamlNode | null;
}

/** The variables in force at one place, by exact name (the shell's names are case-sensitive). */
export interface EnvScope {
  variables: ReadonlyMap<string, EnvVariable>;
}

export const noEnv: EnvScope = { variables: new Map() };

/** `outer` with the `env:` map `node` laid over it. */
export function envScope(doc: Document.Parsed, outer: EnvScope, node: YamlNode | null): EnvScope {
  const entries = mapEntries(doc, node);
  if (entries.length === 0) return outer;
  const variables = new Map(outer.variables);
  for (const e of entries) variables.set(e.key, { name: e.key, node: e.value });
  return { variables };
}

/** A `${{ … }}` site inside an env value: the path by which a matrix value reaches the variable. */
export interface EnvSite {
  span: Span;
  expression: string;
}

/** The env context for one matrix combination: known values, the ones set only at run time, and their sites. */
export interface EnvValues extends KnownEnv {
  /** Why a variable cannot be known offline, by name. */
  unknown: Map<string, string>;
  sites: Map<string, EnvSite[]>;
}

// One evaluation per scope and combination: many image sites of a job read the same variables.
const evaluated = new WeakMap<EnvScope, Map<Combination | undefined, EnvValues>>();

/** Evaluates every variable of `scope` for `combo`. Values may use the matrix; run-time contexts make them unknown. */
export function envValues(
  scope: EnvScope,
  text: string,
  combo: Combination | undefined,
  expansion: MatrixExpansion,
): EnvValues {
  let byCombo = evaluated.get(scope);
  if (!byCombo) {
    byCombo = new Map();
    evaluated.set(scope, byCombo);
  }
  const cached = byCombo.get(combo);
  if (cached) return cached;
  const out: EnvValues = { values: new data.Dictionary(), sources: new Map(), unknown: new Map(), sites: new Map() };
  for (const variable of scope.variables.values()) {
    const node = variable.node;
    if (!isScalar(node)) {
      out.unknown.set(variable.name, `env.${variable.name} is not a single value`);
      continue;
    }
    const raw = scalarText(node) ?? '';
    const parts = splitTemplate(raw);
    let value = '';
    let source: MatrixScalarSource | undefined;
    let unknown: string | undefined;
    const sites: EnvSite[] = [];
    for (const part of parts) {
      if (part.expression === undefined) {
        value += raw.slice(part.start, part.end);
        continue;
      }
      const r = evaluateExpression(part.expression, combo, expansion);
      if (!r.known) {
        unknown = `env.${variable.name} is set from an expression whose ${r.reason.replace(/^the value comes/, 'value comes')}`;
        break;
      }
      value += r.value;
      source = r.source;
      sites.push({
        span: valueSpan(text, node, part.start, part.end).span,
        expression: raw.slice(part.start, part.end),
      });
    }
    if (unknown) {
      out.unknown.set(variable.name, unknown);
      continue;
    }
    const cell = new data.StringData(value);
    out.values.add(variable.name, cell);
    // Where the text is written: the matrix scalar when the value is exactly one, else the env value itself.
    const whole = parts.length === 1 && parts[0].expression !== undefined;
    if (whole && source) out.sources.set(cell, source);
    else if (sites.length === 0) out.sources.set(cell, { path: `env.${variable.name}`, node, span: nodeSpan(node) });
    if (sites.length > 0) out.sites.set(variable.name, sites);
  }
  byCombo.set(combo, out);
  return out;
}

const ENV_ACCESS = /\benv\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*'([^']*)'\s*\])/g;

/** The env variables an expression reads (`env.X`, `env['X']`). */
export function envNamesIn(expression: string): string[] {
  return [...expression.matchAll(ENV_ACCESS)].map((m) => m[1] ?? m[2]);
}

/** The variable of `scope` an expression names, matched as GitHub does: without regard to case. */
export function findVariable(scope: EnvScope, name: string): EnvVariable | undefined {
  const exact = scope.variables.get(name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  for (const v of scope.variables.values()) if (v.name.toLowerCase() === lower) return v;
  return undefined;
}
