// Problems: what stopped a file from being checked (unreadable, not YAML, a bad policy file), shown
// as text lines, annotations or SARIF notifications, and always making the exit status 2.
import { LineIndex } from '../engine';
import { workflowCommand } from './github';
import { printable, printablePath } from './printable';
import { repositoryPath } from './reportPaths';

export interface Problem {
  path: string;
  text?: string;
  offset?: number;
  message: string;
}

export function problemPosition(p: Problem): { line: number; column: number } | undefined {
  if (p.text === undefined || p.offset === undefined) return undefined;
  const pos = new LineIndex(p.text).positionAt(p.offset);
  return { line: pos.line + 1, column: pos.character + 1 };
}

export function problemLine(p: Problem): string {
  const at = problemPosition(p);
  return `${printablePath(p.path)}${at ? `:${at.line}:${at.column}` : ''}: ${printable(p.message)}`;
}

/** A problem as an annotation; a file outside the repository is named in the message instead. */
export function problemCommand(p: Problem, root: string): string {
  const file = repositoryPath(p.path, root);
  const at = file ? problemPosition(p) : undefined;
  const message = file ? p.message : `${p.path}: ${p.message}`;
  return workflowCommand({
    severity: 'error',
    file,
    line: at?.line,
    column: at?.column,
    title: 'workflow-provenance',
    message,
  });
}
