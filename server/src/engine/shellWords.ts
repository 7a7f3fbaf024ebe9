// What a shell word says: its literal text when it has one, else the pieces it is made of (text, the
// variables it expands, and parts only the running shell knows), each with its offsets in the script.
import type * as TreeSitter from 'web-tree-sitter';

type SyntaxNode = TreeSitter.Node;

/** A shell variable's assignments in the script: only a single assignment, made before its use, resolves. */
export interface VariableFacts {
  /** Offset of the first assignment. */
  at: number;
  count: number;
  /** The assigned value, when it is one literal word. */
  value?: { start: number; end: number };
  /** The assigned word, kept while the tree lives, to read a value built from pieces. */
  valueNode?: SyntaxNode;
  /** Every literal value assigned (all of them, when each assignment is one literal word). */
  literals: Array<{ start: number; end: number }>;
}

export interface WordContext {
  script: string;
  variables: Map<string, VariableFacts>;
}

/**
 * One piece of a shell word. `text` is `script.slice(start, end)` (it may hold `${{ … }}` for the engine);
 * `variable` is a shell variable the script does not set (the step's environment, or the runner's);
 * `dynamic` is a part only the running shell knows (a command's output, a loop variable…).
 */
export type ShellPiece =
  | { kind: 'text'; start: number; end: number }
  | { kind: 'variable'; name: string; start: number; end: number }
  | { kind: 'dynamic'; reason: string; start: number; end: number };

/** The span of a word whose value is its own text (quotes excluded), or undefined when it expands anything. */
export function literalSpan(node: SyntaxNode): { start: number; end: number } | undefined {
  switch (node.type) {
    case 'word':
    case 'number':
      return { start: node.startIndex, end: node.endIndex };
    case 'raw_string':
      return node.endIndex - node.startIndex >= 2 ? { start: node.startIndex + 1, end: node.endIndex - 1 } : undefined;
    case 'string': {
      const parts = node.namedChildren;
      if (parts.length === 0) return { start: node.startIndex + 1, end: node.startIndex + 1 };
      if (parts.length === 1 && parts[0].type === 'string_content')
        return { start: parts[0].startIndex, end: parts[0].endIndex };
      return undefined;
    }
    default:
      return undefined;
  }
}

/** What a command word says, quotes removed, when it is knowable without running the shell. */
export function literalText(node: SyntaxNode, state: WordContext): string | undefined {
  if (node.type === 'concatenation') {
    let text = '';
    for (const part of node.namedChildren) {
      const piece = literalText(part, state);
      if (piece === undefined) return undefined;
      text += piece;
    }
    return text;
  }
  const span = literalSpan(node);
  return span && state.script.slice(span.start, span.end);
}

/** The variable a word expands to as a whole: `$x`, `${x}`, `"$x"`, `"${x}"`. */
export function wholeVariable(node: SyntaxNode): string | undefined {
  if (node.type === 'string') {
    const parts = node.namedChildren;
    return parts.length === 1 ? wholeVariable(parts[0]) : undefined;
  }
  // Exactly `$` name or `${` name `}`: anything more (`${#x}`, `${!x}`, `${x:-y}`) computes another value.
  const plain =
    (node.type === 'simple_expansion' && node.childCount === 2) || (node.type === 'expansion' && node.childCount === 3);
  const name = node.child(1);
  return plain && name?.type === 'variable_name' ? name.text : undefined;
}

const MAX_DEPTH = 8;

/** The pieces of a word, following variables the script assigned once before `at` into their values. */
export function wordPieces(node: SyntaxNode, context: WordContext, depth = 0): ShellPiece[] {
  const span = literalSpan(node);
  if (span) return span.end > span.start ? [{ kind: 'text', ...span }] : [];
  const whole = { start: node.startIndex, end: node.endIndex };
  if (depth > MAX_DEPTH) return [{ kind: 'dynamic', reason: 'a value built from too many variables', ...whole }];
  switch (node.type) {
    case 'concatenation':
      return node.namedChildren.flatMap((part) => wordPieces(part, context, depth + 1));
    case 'string':
      return node.namedChildren.flatMap((part) =>
        part.type === 'string_content'
          ? [{ kind: 'text' as const, start: part.startIndex, end: part.endIndex }]
          : wordPieces(part, context, depth + 1),
      );
    case 'simple_expansion':
    case 'expansion': {
      const name = wholeVariable(node);
      if (name === undefined) return [{ kind: 'dynamic', reason: `'${node.text}' is computed by the shell`, ...whole }];
      const facts = context.variables.get(name);
      if (!facts) return [{ kind: 'variable', name, ...whole }];
      if (facts.count === 1 && facts.at < node.startIndex) {
        if (facts.value) return [{ kind: 'text', ...facts.value }];
        if (facts.valueNode) return wordPieces(facts.valueNode, context, depth + 1);
      }
      return [{ kind: 'dynamic', reason: `$${name} is set by the script as it runs`, ...whole }];
    }
    case 'command_substitution':
      return [{ kind: 'dynamic', reason: 'the output of a command', ...whole }];
    default:
      return [{ kind: 'dynamic', reason: `'${node.text}' is known only when the script runs`, ...whole }];
  }
}
