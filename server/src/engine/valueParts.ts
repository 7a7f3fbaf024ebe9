// Values built from parts: literal text, `${{ … }}` expressions (matrix and env), shell variables, and
// parts known only at run time. Evaluated for one matrix combination, remembering which scalar of the
// file a value came from and by which sites it arrived.
import { data } from '@actions/expressions';
import type { Scalar } from 'yaml';
import { type EnvScope, envNamesIn, envValues, findVariable } from './envFlow';
import {
  type Combination,
  evaluateExpression,
  type MatrixExpansion,
  type MatrixScalarSource,
  noMatrix,
  splitTemplate,
} from './matrix';
import type { ScriptImageTemplate } from './shellImages';
import type { ShellPiece } from './shellWords';
import type { ImageSource, Span } from './types';
import { valueSpan } from './yamlSource';

/** A piece of a value to evaluate: text, a `${{ … }}` expression, or a part known only at run time. Offsets are in the node's text. */
export interface ValuePart {
  start: number;
  end: number;
  expression?: string;
  unknown?: string;
}

export type Evaluated =
  | {
      value: string;
      sources: Array<MatrixScalarSource | undefined>;
      sites: Array<{ span: Span; expression: string }>;
      structure?: data.ExpressionData;
    }
  | { unknown: string };

/** What a value is evaluated against: a matrix combination and the env variables in force. */
export interface ValueContext {
  combo: Combination | undefined;
  expansion: MatrixExpansion | undefined;
  scope: EnvScope | undefined;
}

const notInFile = 'is not set in this file (an earlier step or the runner sets it)';

/**
 * Evaluates the parts of a value written in `raw` (the text of `node`, in the document `text`); the
 * sites of the expressions and of the env values they read are returned, as the path by which it arrives.
 */
export function evaluateParts(
  text: string,
  raw: string,
  parts: readonly ValuePart[],
  context: ValueContext,
  node?: Scalar,
): Evaluated {
  let value = '';
  const sources: Array<MatrixScalarSource | undefined> = [];
  const sites: Array<{ span: Span; expression: string }> = [];
  let structure: data.ExpressionData | undefined;
  const expansion = context.expansion ?? noMatrix();
  for (const part of parts) {
    if (part.unknown !== undefined) return { unknown: part.unknown };
    if (part.expression === undefined) {
      value += raw.slice(part.start, part.end);
      continue;
    }
    const scope = context.scope;
    const env = scope ? envValues(scope, text, context.combo, expansion) : undefined;
    if (scope && env) {
      for (const name of envNamesIn(part.expression)) {
        const variable = findVariable(scope, name);
        if (!variable) return { unknown: `env.${name} ${notInFile}` };
        const why = env.unknown.get(variable.name);
        if (why) return { unknown: why };
        sites.push(...(env.sites.get(variable.name) ?? []));
      }
    }
    const r = evaluateExpression(part.expression, context.combo, expansion, env);
    if (!r.known) return { unknown: r.reason };
    if (r.structure) structure = r.structure;
    value += r.value;
    sources.push(r.source);
    if (node)
      sites.unshift({
        span: valueSpan(text, node, part.start, part.end).span,
        expression: raw.slice(part.start, part.end),
      });
  }
  return { value, sources, sites, structure };
}

/** The literal and expression parts of a template, with offsets shifted by `at`. */
export function templateParts(template: string, at: number): ValuePart[] {
  return splitTemplate(template).map((p) => ({ start: p.start + at, end: p.end + at, expression: p.expression }));
}

/** The parts of a shell word: its text (which may hold `${{ … }}`), env variables as `env.X`, the rest run-time. */
export function shellParts(script: string, image: ScriptImageTemplate, env: EnvScope): ValuePart[] {
  return image.pieces.flatMap((piece): ValuePart[] => {
    if (piece.kind === 'text') return templateParts(script.slice(piece.start, piece.end), piece.start);
    if (piece.kind === 'dynamic') return [{ start: piece.start, end: piece.end, unknown: piece.reason }];
    if (env.variables.has(piece.name))
      return [{ start: piece.start, end: piece.end, expression: `env['${piece.name}']` }];
    return [{ start: piece.start, end: piece.end, unknown: `$${piece.name} ${notInFile}` }];
  });
}

/** A shell value (a `--platform`) as a template: env variables become `${{ env.X }}`; undefined when any part is run-time. */
export function piecesTemplate(script: string, pieces: readonly ShellPiece[], env: EnvScope): string | undefined {
  let out = '';
  for (const piece of pieces) {
    if (piece.kind === 'text') out += script.slice(piece.start, piece.end);
    else if (piece.kind === 'variable' && env.variables.has(piece.name)) out += `\${{ env['${piece.name}'] }}`;
    else return undefined;
  }
  return out;
}

/** The platform a value asks for in one combination: undefined unless it is known and reads as one. */
export function platformIn(text: string, platform: string | undefined, context: ValueContext): string | undefined {
  if (platform === undefined) return undefined;
  const r = platform.includes('${{')
    ? evaluateParts(text, platform, templateParts(platform, 0), context)
    : { value: platform };
  if ('unknown' in r) return undefined;
  const p = r.value.trim();
  return isPlatform(p) ? p : undefined;
}

/** `os/arch[/variant]` (or an architecture alone), possibly several separated by commas. */
function isPlatform(p: string): boolean {
  return /^[a-z0-9_.-]+(?:\/[a-z0-9_.-]+){0,2}(?:\s*,\s*[a-z0-9_.-]+(?:\/[a-z0-9_.-]+){0,2})*$/i.test(p);
}

/** The image an object value names: a `container:` or `services:` mapping's `image`. */
export function structureImage(
  value: data.ExpressionData,
  source: ImageSource,
): { value: string; cell?: data.ExpressionData } | undefined {
  if (source !== 'container' && source !== 'service') return undefined;
  if (!(value instanceof data.Dictionary)) return undefined;
  const cell = value.get('image');
  if (!cell || !cell.primitive) return undefined;
  return { value: cell.coerceString(), cell };
}
