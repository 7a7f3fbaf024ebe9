// The values an expression can give without knowing its run-time inputs: `cond && 'redis:7' || ''`
// gives 'redis:7' or '', `inputs.x || 'node:latest'` gives the input or 'node:latest'. Each string
// literal that can be the result is a candidate image; other results are run-time values.
import { data, type Expr, Lexer, Parser } from '@actions/expressions';
import { knownContexts } from './matrix';

export type ResultCandidate =
  /** A string literal, with its offsets (quotes excluded) in the expression text. */
  { kind: 'literal'; text: string; start: number; end: number } | { kind: 'runtime' };

interface Position {
  line: number;
  column: number;
}
interface TokenShape {
  lexeme: string;
  range: { start: Position; end: Position };
}

function parse(expression: string): Expr | undefined {
  try {
    return new Parser(new Lexer(expression).lex().tokens, knownContexts, []).parse();
  } catch {
    return undefined;
  }
}

/** The candidates for the result of `expression`, or undefined when it cannot be parsed. */
export function resultCandidates(expression: string): ResultCandidate[] | undefined {
  const expr = parse(expression);
  if (!expr) return undefined;
  const lineStarts = [0];
  for (let i = 0; i < expression.length; i++) if (expression[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: Position) => (lineStarts[p.line] ?? 0) + p.column;
  const runtime: ResultCandidate[] = [{ kind: 'runtime' }];
  const visitor = {
    visitLiteral(literal: { literal: data.ExpressionData; token: TokenShape }): ResultCandidate[] {
      // Falsy literals (null, false, '') are never an image; numbers and true are no image either.
      if (!(literal.literal instanceof data.StringData) || literal.literal.value === '') return [];
      const start = offset(literal.token.range.start) + 1;
      const end = offset(literal.token.range.end) - 1;
      return [{ kind: 'literal', text: literal.literal.value, start, end }];
    },
    visitLogical(logical: { operator: TokenShape; args: Expr[] }): ResultCandidate[] {
      // `a && b` is `b` when `a` holds, else the falsy `a`; `a || b` is the first truthy argument.
      if (logical.operator.lexeme === '&&') return logical.args[logical.args.length - 1].accept(visitor);
      return logical.args.flatMap((arg) => arg.accept(visitor));
    },
    visitGrouping(grouping: { group: Expr }): ResultCandidate[] {
      return grouping.group.accept(visitor);
    },
    visitUnary: () => [],
    visitBinary: () => [],
    visitContextAccess: () => runtime,
    visitIndexAccess: () => runtime,
    visitFunctionCall: () => runtime,
  };
  return expr.accept(visitor);
}
