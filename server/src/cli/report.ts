// The CLI's output formats: text for terminals and problem matchers, JSON, and SARIF 2.1.0.
import { relative } from 'node:path';
import { LineIndex, ruleCatalog, type Finding, type Severity, type Span } from '../engine';
import type { ProvenanceVerdict } from '../engine/api';

export const DOCS_BASE = 'https://github.com/workflow-provenance/workflow-provenance/blob/main/';
export const TOOL_VERSION = '0.1.0';

export interface FileResult {
  path: string;
  text: string;
  findings: Finding[];
}

/** One image's provenance verdict (present when `--provenance` looked it up). */
export interface ImageVerdict {
  file: string;
  text: string;
  span: Span;
  reference: string;
  digest?: string;
  provenance?: ProvenanceVerdict;
}

function verdictRecords(verdicts: ImageVerdict[]) {
  return verdicts.map((v) => ({
    file: v.file,
    ...regionOf(new LineIndex(v.text), v.span),
    reference: v.reference,
    digest: v.digest ?? null,
    provenance: v.provenance ?? null,
  }));
}

interface Region {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** 1-based lines and columns, end column exclusive (SARIF's convention). */
export function regionOf(index: LineIndex, span: Span): Region {
  const s = index.positionAt(span.start);
  const e = index.positionAt(span.end);
  return { line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}

export function formatText(results: FileResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const index = new LineIndex(r.text);
    for (const f of r.findings) {
      const at = regionOf(index, f.span);
      lines.push(`${r.path}:${at.line}:${at.column}: ${f.severity} ${f.rule}: ${f.message}`);
    }
  }
  return lines.join('\n');
}

export function formatJson(results: FileResult[], verdicts?: ImageVerdict[]): string {
  const findings = results.flatMap((r) => {
    const index = new LineIndex(r.text);
    return r.findings.map((f) => ({
      file: r.path,
      rule: f.rule,
      severity: f.severity,
      ...regionOf(index, f.span),
      message: f.message,
      reference: f.reference.text,
      related: (f.related ?? []).map((x) => ({ message: x.message, ...regionOf(index, x.span) })),
      fixes: f.fixes.map((fix) => ({
        title: fix.title,
        kind: fix.kind,
        edits: fix.edits.map((e) => ({ file: r.path, ...regionOf(index, e), newText: e.newText })),
      })),
    }));
  });
  return JSON.stringify(verdicts ? { findings, images: verdictRecords(verdicts) } : { findings }, null, 2);
}

const sarifLevel: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

function sarifRegion(index: LineIndex, span: Span) {
  const r = regionOf(index, span);
  return { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn };
}

export function formatSarif(results: FileResult[], root: string, ruleHelp: Record<string, string>, verdicts?: ImageVerdict[]): string {
  const rules = ruleCatalog.map((r) => ({
    id: r.id,
    name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: r.summary },
    fullDescription: { text: r.summary },
    helpUri: `${DOCS_BASE}${r.docPath}`,
    help: { text: ruleHelp[r.id] ?? r.summary, markdown: ruleHelp[r.id] ?? r.summary },
    defaultConfiguration: { level: sarifLevel[r.defaultSeverity] },
    properties: { tags: ['security', 'supply-chain'], precision: 'high' },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const uri = (p: string) => relative(root, p).split('\\').join('/') || p;
  const sarifResults = results.flatMap((r) => {
    const index = new LineIndex(r.text);
    const artifactLocation = { uri: uri(r.path), uriBaseId: '%SRCROOT%' };
    return r.findings.map((f) => ({
      ruleId: f.rule,
      ruleIndex: ruleIndex.get(f.rule) ?? 0,
      level: sarifLevel[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation, region: sarifRegion(index, f.span) } }],
      relatedLocations: (f.related ?? []).map((x, id) => ({
        id,
        message: { text: x.message },
        physicalLocation: { artifactLocation, region: sarifRegion(index, x.span) },
      })),
      partialFingerprints: { referenceAndRule: `${f.rule}:${f.reference.text}` },
      fixes: f.fixes
        .filter((fix) => fix.kind !== 'ignore')
        .map((fix) => ({
          description: { text: fix.title },
          artifactChanges: [
            {
              artifactLocation,
              replacements: fix.edits.map((e) => ({ deletedRegion: sarifRegion(index, e), insertedContent: { text: e.newText } })),
            },
          ],
        })),
    }));
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'workflow-provenance', informationUri: DOCS_BASE, version: TOOL_VERSION, semanticVersion: TOOL_VERSION, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: `file://${root.endsWith('/') ? root : `${root}/`}` } },
        results: sarifResults,
        // SARIF has no place for facts that are not findings; a run's property bag carries the verdicts.
        ...(verdicts ? { properties: { provenance: verdictRecords(verdicts) } } : {}),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
