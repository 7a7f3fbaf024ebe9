// Every conversion from the engine's shapes to LSP's: offsets to positions, findings to diagnostics
// (with enough data attached for code actions to be rebuilt without re-analysing), edits to LSP edits.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  Diagnostic,
  DiagnosticRelatedInformation,
  DiagnosticSeverity,
  Range,
  TextEdit as LspTextEdit,
} from 'vscode-languageserver';
import type { Analysis, SyntaxProblem } from '../engine/api';
import type { Finding, Fix, Severity, Span, TextEdit } from '../engine/types';
import type { LineIndex } from '../engine/lineIndex';

export const diagnosticSource = 'workflow-provenance';
export const yamlSyntaxCode = 'yaml-syntax';
/** A part of the file the checker left out (nesting too deep, a matrix cut, an internal error). */
export const notCheckedCode = 'not-checked';
export const configProblemCode = 'config';

/** Carried in `Diagnostic.data`: the finding's fixes, valid for the document version they were computed on. */
export interface FindingData {
  version: number | null;
  rule: string;
  /** Index of the finding in the analysis, to find it again when the version still matches. */
  index: number;
  fixes: Fix[];
  /** `ghcr.io/owner/*` style pattern the "Trust publisher" action would add, when there is one. */
  trustPattern?: string;
}

export function isFindingData(value: unknown): value is FindingData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.rule === 'string' && typeof v.index === 'number' && Array.isArray(v.fixes);
}

export function toRange(index: LineIndex, span: Span): Range {
  return { start: index.positionAt(span.start), end: index.positionAt(span.end) };
}

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function toSeverity(severity: Severity): DiagnosticSeverity {
  return severities[severity] ?? DiagnosticSeverity.Warning;
}

export function lspEdits(index: LineIndex, edits: readonly TextEdit[]): LspTextEdit[] {
  return edits.map((e) => LspTextEdit.replace(toRange(index, e), e.newText));
}

/** A diagnostic about the whole file (at its start) rather than a place in it. */
export function fileDiagnostic(code: string, severity: DiagnosticSeverity, message: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity,
    source: diagnosticSource,
    code,
    message,
  };
}

export class RuleDocs {
  constructor(private readonly docsDir: string) {}

  /** `file://` URI of the rule's page, shipped next to the server bundle. */
  href(ruleId: string): string {
    return pathToFileURL(path.join(this.docsDir, 'rules', `${ruleId}.md`)).href;
  }
}

export interface DiagnosticInput {
  uri: string;
  version: number | null;
  index: LineIndex;
  analysis: Analysis;
  docs: RuleDocs;
  /** The repository root that related locations in followed files are relative to. */
  followRoot?: string;
}

/** The pattern "Trust publisher" would add for a finding's image, as the analysis judged it. */
export function trustPatternOf(analysis: Analysis, finding: Finding): string | undefined {
  return finding.reference.kind === 'image'
    ? analysis.provenance.images.get(finding.reference)?.trustPattern
    : undefined;
}

export function findingDiagnostics(input: DiagnosticInput): Diagnostic[] {
  const { uri, version, index, analysis, docs } = input;
  const out: Diagnostic[] = analysis.findings.map((finding, i) => {
    const data: FindingData = { version, rule: finding.rule, index: i, fixes: finding.fixes };
    const trustPattern = trustPatternOf(analysis, finding);
    if (trustPattern) data.trustPattern = trustPattern;
    const diagnostic: Diagnostic = {
      range: toRange(index, finding.span),
      severity: toSeverity(finding.severity),
      code: finding.rule,
      codeDescription: { href: docs.href(finding.rule) },
      source: diagnosticSource,
      message: finding.message,
      data,
    };
    if (finding.related && finding.related.length > 0) {
      diagnostic.relatedInformation = finding.related.map((r) =>
        r.elsewhere && input.followRoot
          ? DiagnosticRelatedInformation.create(
              {
                uri: pathToFileURL(path.join(input.followRoot, ...r.elsewhere.file.split('/'))).href,
                range: { start: r.elsewhere.start, end: r.elsewhere.end },
              },
              r.message,
            )
          : DiagnosticRelatedInformation.create({ uri, range: toRange(index, r.span) }, r.message),
      );
    }
    return diagnostic;
  });
  for (const problem of analysis.syntaxErrors) out.push(problemDiagnostic(index, problem, yamlSyntaxCode));
  for (const problem of analysis.notChecked)
    out.push({ ...problemDiagnostic(index, problem, notCheckedCode), severity: DiagnosticSeverity.Warning });
  return out;
}

export function problemDiagnostic(index: LineIndex, problem: SyntaxProblem, code: string): Diagnostic {
  return {
    range: toRange(index, problem.span),
    severity: DiagnosticSeverity.Error,
    code,
    source: diagnosticSource,
    message: problem.message,
  };
}

export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
}

export function countDiagnostics(diagnostics: readonly Diagnostic[], into: Counts): void {
  for (const d of diagnostics) {
    if (d.severity === DiagnosticSeverity.Error) into.errors++;
    else if (d.severity === DiagnosticSeverity.Warning) into.warnings++;
    else into.infos++;
  }
}
