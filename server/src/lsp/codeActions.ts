// Code actions: each engine fix as a quick fix on its diagnostic, "fix all" over the safe fixes, and
// "Trust publisher" which writes the publisher's pattern into the repository config file.
import { CodeAction, CodeActionKind, Diagnostic, Range, WorkspaceEdit } from 'vscode-languageserver';
import type { Analysis } from '../engine/api';
import { combineFixes } from '../engine/fixes';
import type { LineIndex } from '../engine/lineIndex';
import type { Finding, Fix, TextEdit } from '../engine/types';
import { diagnosticSource, isFindingData, lspEdits, toRange, trustPatternOf } from './convert';

export const fixAllKind = `${CodeActionKind.SourceFixAll}.workflow-provenance`;

/** One version of a document's text with its analysis; edits' offsets refer to this text. */
export interface DocumentSnapshot {
  uri: string;
  version: number | null;
  text: string;
  index: LineIndex;
  analysis: Analysis;
  /** The repository root that related locations in followed files are relative to. */
  followRoot?: string;
}

export interface CodeActionInput {
  snapshot: DocumentSnapshot;
  range: Range;
  /** The diagnostics the client sent as context. */
  diagnostics: Diagnostic[];
  /** Kinds the client asked for, when it restricted them. */
  only?: string[];
  /** The workspace edit that trusts `pattern`, or undefined when there is no config file to write. */
  trustEdit: (pattern: string) => WorkspaceEdit | undefined;
}

function wanted(only: string[] | undefined, kind: string): boolean {
  return !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
}

function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

function intersects(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']): boolean =>
    p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** The finding behind a diagnostic in the snapshot's analysis, or undefined when it is gone. */
function findingOf(snapshot: DocumentSnapshot, diagnostic: Diagnostic): Finding | undefined {
  const data = diagnostic.data;
  if (isFindingData(data) && data.version === snapshot.version) {
    const finding = snapshot.analysis.findings[data.index];
    if (finding && finding.rule === data.rule) return finding;
  }
  // The diagnostic was computed on an older version: find the same rule at the same place now.
  return snapshot.analysis.findings.find(
    (f) => f.rule === diagnostic.code && sameRange(toRange(snapshot.index, f.span), diagnostic.range),
  );
}

export function codeActions(input: CodeActionInput): CodeAction[] {
  const { snapshot } = input;
  const actions: CodeAction[] = [];
  if (wanted(input.only, CodeActionKind.QuickFix)) {
    const pairs: Array<{ finding: Finding; diagnostic?: Diagnostic }> = [];
    for (const diagnostic of input.diagnostics) {
      if (diagnostic.source !== diagnosticSource) continue;
      const finding = findingOf(snapshot, diagnostic);
      if (finding) pairs.push({ finding, diagnostic });
    }
    // Clients that send no context still get the fixes of the findings under the cursor.
    if (input.diagnostics.length === 0) {
      for (const finding of snapshot.analysis.findings) {
        if (intersects(toRange(snapshot.index, finding.span), input.range)) pairs.push({ finding });
      }
    }
    const trusted = new Set<string>();
    for (const { finding, diagnostic } of pairs) {
      for (const fix of finding.fixes) actions.push(quickFix(snapshot, fix, diagnostic));
      const pattern = trustPatternOf(snapshot.analysis, finding);
      if (pattern && !trusted.has(pattern)) {
        const edit = input.trustEdit(pattern);
        if (edit) {
          trusted.add(pattern);
          actions.push({
            title: `Trust publisher ${pattern}`,
            kind: CodeActionKind.QuickFix,
            diagnostics: diagnostic ? [diagnostic] : undefined,
            edit,
          });
        }
      }
    }
  }
  if (wanted(input.only, fixAllKind) && input.only) {
    const fixAll = fixAllAction(snapshot);
    if (fixAll) actions.push(fixAll);
  }
  return actions;
}

function quickFix(snapshot: DocumentSnapshot, fix: Fix, diagnostic: Diagnostic | undefined): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: diagnostic ? [diagnostic] : undefined,
    isPreferred: fix.preferred === true,
    edit: { changes: { [snapshot.uri]: lspEdits(snapshot.index, fix.edits) } },
  };
}

/** The edits of every safe fix that does not overlap another, one fix per finding (its preferred safe one). */
export function safeFixEdits(findings: readonly Finding[]): TextEdit[] {
  return combineFixes(findings, (finding) => {
    const safe = finding.fixes.filter((f) => f.safe === true);
    return safe.find((f) => f.preferred === true) ?? safe[0];
  }).edits;
}

function fixAllAction(snapshot: DocumentSnapshot): CodeAction | undefined {
  const edits = safeFixEdits(snapshot.analysis.findings);
  if (edits.length === 0) return undefined;
  return {
    title: 'Fix all safe workflow-provenance problems',
    kind: fixAllKind,
    edit: { changes: { [snapshot.uri]: lspEdits(snapshot.index, edits) } },
  };
}
