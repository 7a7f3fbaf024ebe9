// The CLI's output formats: text for terminals and problem matchers, JSON, and SARIF 2.1.0.
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { version } from '../../../package.json';
import { type Finding, LineIndex, type RelatedLocation, ruleCatalog, type Severity, type Span } from '../engine';
import type { ProvenanceVerdict } from '../engine/api';
import { jsonForLogs, printable, printablePath } from './printable';
import { repositoryPath, shortPath } from './reportPaths';

export const DOCS_BASE = 'https://github.com/workflow-provenance/workflow-provenance/blob/main/';
// The product's one version, from the manifest the npm package and the extension are both built from
// (the bundler inlines this one field).
export const TOOL_VERSION: string = version;

export interface FileResult {
  /** As the user named it (or relative to the working folder). */
  path: string;
  /** Relative to the repository root, `/`-separated (annotations and SARIF); absent outside it. */
  repoPath?: string;
  text: string;
  findings: Finding[];
  /** The repository root that related locations in other files (followed actions) are relative to. */
  followRoot?: string;
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

/** Something the check left out, with where and why: an image whose provenance was not looked at, a part of a file not read. */
export interface NotChecked {
  file: string;
  text: string;
  span: Span;
  /** The image as written, when the entry is about one. */
  reference?: string;
  reason: string;
}

/** The verdicts and what was not checked, as json and SARIF's run properties carry them. */
export interface ProvenanceReport {
  /** Present when `--provenance` looked images up. */
  verdicts?: ImageVerdict[];
  notChecked: NotChecked[];
}

/** 1-based regions of many spans, one line index per file (a workflow names hundreds of images). */
function regionsIn(): (text: string, span: Span) => Region {
  const indexes = new Map<string, LineIndex>();
  return (text, span) => {
    let index = indexes.get(text);
    if (!index) indexes.set(text, (index = new LineIndex(text)));
    return regionOf(index, span);
  };
}

function verdictRecords(verdicts: ImageVerdict[]) {
  const region = regionsIn();
  return verdicts.map((v) => ({
    file: v.file,
    ...region(v.text, v.span),
    reference: v.reference,
    digest: v.digest ?? null,
    // `not-checked` when no evidence was examined: its entry under notChecked says why.
    status: v.provenance?.status ?? 'not-checked',
    provenance: v.provenance ?? null,
  }));
}

function notCheckedRecords(entries: NotChecked[]) {
  const region = regionsIn();
  return entries.map((n) => ({
    file: n.file,
    ...region(n.text, n.span),
    reference: n.reference ?? null,
    reason: n.reason,
  }));
}

/** The keys json adds beside `findings` (and SARIF puts in its run's property bag); none when there is nothing to say. */
function provenanceKeys(report: ProvenanceReport | undefined) {
  if (!report) return {};
  return {
    ...(report.verdicts ? { images: verdictRecords(report.verdicts) } : {}),
    ...(report.verdicts || report.notChecked.length > 0 ? { notChecked: notCheckedRecords(report.notChecked) } : {}),
  };
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
      lines.push(`${printablePath(r.path)}:${at.line}:${at.column}: ${f.severity} ${f.rule}: ${printable(f.message)}`);
    }
  }
  return lines.join('\n');
}

export function formatJson(results: FileResult[], report?: ProvenanceReport): string {
  const findings = results.flatMap((r) => {
    const index = new LineIndex(r.text);
    return r.findings.map((f) => ({
      file: r.path,
      rule: f.rule,
      severity: f.severity,
      ...regionOf(index, f.span),
      message: f.message,
      reference: f.reference.text,
      related: (f.related ?? []).map((x) =>
        x.elsewhere
          ? { file: otherFile(r, x.elsewhere.file), message: x.message, ...elsewhereRegion(x.elsewhere) }
          : { message: x.message, ...regionOf(index, x.span) },
      ),
      fixes: f.fixes.map((fix) => ({
        title: fix.title,
        kind: fix.kind,
        edits: fix.edits.map((e) => ({ file: r.path, ...regionOf(index, e), newText: e.newText })),
      })),
    }));
  });
  return jsonForLogs({ findings, ...provenanceKeys(report) });
}

/** A file a related location names, shown like the checked files: relative to the working folder. */
function otherFile(r: FileResult, repositoryFile: string): string {
  return shortPath(join(r.followRoot ?? dirname(r.path), ...repositoryFile.split('/')));
}

function elsewhereRegion(at: NonNullable<RelatedLocation['elsewhere']>): Region {
  return {
    line: at.start.line + 1,
    column: at.start.character + 1,
    endLine: at.end.line + 1,
    endColumn: at.end.character + 1,
  };
}

const sarifLevel: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

function sarifRegion(index: LineIndex, span: Span) {
  return regionAsSarif(regionOf(index, span));
}

function regionAsSarif(r: Region) {
  return { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn };
}

/** A file that could not be checked, or a config mistake: a tool notification in SARIF. */
export interface Notification {
  path: string;
  repoPath?: string;
  line?: number;
  column?: number;
  message: string;
}

/** SARIF text may hold embedded links `[text](id)`; other brackets are escaped (SARIF §3.11.6). */
function sarifText(s: string): string {
  return s.replace(/[\\[\]]/g, (c) => `\\${c}`);
}

function artifactLocationOf(path: string, repoPath: string | undefined) {
  // Relative to the repository root, so code scanning files alerts under the right path whatever
  // folder was checked; each segment percent-encoded, as a URI reference must be.
  if (repoPath !== undefined)
    return { uri: repoPath.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  return { uri: pathToFileURL(resolve(path)).href };
}

/**
 * A fingerprint per finding that survives lines moving: the file, rule, reference and where it is
 * used (job, step or matrix value), plus its ordinal among findings sharing all of those.
 */
function fingerprints(results: FileResult[]): Map<Finding, string> {
  const out = new Map<Finding, string>();
  const seen = new Map<string, number>();
  for (const r of results) {
    for (const f of r.findings) {
      const ref = f.reference;
      const where =
        ref.kind === 'image'
          ? [ref.job, ref.source, ref.stepIndex, ref.matrix?.path, ref.action, ref.input]
          : [ref.job, ref.stepIndex];
      const key = [
        r.repoPath ?? r.path,
        f.rule,
        ref.text,
        ...where.map((w) => (w === undefined ? '' : String(w))),
      ].join('\u0000');
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      out.set(f, createHash('sha256').update(`${key}\u0000${n}`).digest('hex'));
    }
  }
  return out;
}

export function formatSarif(
  results: FileResult[],
  root: string,
  ruleHelp: Record<string, string>,
  notifications: Notification[] = [],
  report?: ProvenanceReport,
): string {
  const rules = ruleCatalog.map((r) => ({
    id: r.id,
    name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: r.summary },
    fullDescription: { text: r.summary },
    helpUri: `${DOCS_BASE}${r.docPath}`,
    help: { text: ruleHelp[r.id] ?? r.summary, markdown: ruleHelp[r.id] ?? r.summary },
    defaultConfiguration: { level: sarifLevel[r.defaultSeverity] },
    properties: {
      tags: ['security', 'supply-chain'],
      precision: r.precision,
      'security-severity': r.securitySeverity.toFixed(1),
    },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const fingerprintOf = fingerprints(results);
  const sarifResults = results.flatMap((r) => {
    const index = new LineIndex(r.text);
    const artifactLocation = artifactLocationOf(r.path, r.repoPath);
    return r.findings.map((f) => {
      const related = f.related ?? [];
      // Code scanning links related locations only from the message, by id.
      const links = related.map((x, i) => `[${sarifText(x.message)}](${i + 1})`);
      return {
        ruleId: f.rule,
        ruleIndex: ruleIndex.get(f.rule) ?? 0,
        level: sarifLevel[f.severity],
        message: { text: sarifText(f.message) + (links.length ? ` (see ${links.join(', ')})` : '') },
        locations: [{ physicalLocation: { artifactLocation, region: sarifRegion(index, f.span) } }],
        relatedLocations: related.map((x, i) => ({
          id: i + 1,
          message: { text: sarifText(x.message) },
          physicalLocation: x.elsewhere
            ? {
                artifactLocation: artifactLocationOf(
                  otherFile(r, x.elsewhere.file),
                  repositoryPath(otherFile(r, x.elsewhere.file), root),
                ),
                region: regionAsSarif(elsewhereRegion(x.elsewhere)),
              }
            : { artifactLocation, region: sarifRegion(index, x.span) },
        })),
        partialFingerprints: { 'workflowProvenance/v1': fingerprintOf.get(f) },
        fixes: f.fixes
          .filter((fix) => fix.kind !== 'ignore')
          .map((fix) => ({
            description: { text: sarifText(fix.title) },
            artifactChanges: [
              {
                artifactLocation,
                replacements: fix.edits.map((e) => ({
                  deletedRegion: sarifRegion(index, e),
                  insertedContent: { text: e.newText },
                })),
              },
            ],
          })),
      };
    });
  });
  const toolExecutionNotifications = notifications.map((n) => ({
    level: 'error',
    message: { text: sarifText(n.message) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocationOf(n.path, n.repoPath),
          ...(n.line !== undefined ? { region: { startLine: n.line, startColumn: n.column ?? 1 } } : {}),
        },
      },
    ],
  }));
  const { images, notChecked } = provenanceKeys(report);
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'workflow-provenance',
            informationUri: DOCS_BASE,
            version: TOOL_VERSION,
            semanticVersion: TOOL_VERSION,
            rules,
          },
        },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications }],
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(`${resolve(root)}/`).href } },
        results: sarifResults,
        // SARIF has no place for facts that are not findings; a run's property bag carries the verdicts
        // (under `provenance`) and what was not checked.
        ...(images || notChecked
          ? { properties: { ...(images ? { provenance: images } : {}), ...(notChecked ? { notChecked } : {}) } }
          : {}),
      },
    ],
  };
  return jsonForLogs(sarif);
}
