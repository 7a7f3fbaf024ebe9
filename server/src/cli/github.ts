// `--format github`: one workflow command per finding, so the Actions runner turns each into an
// annotation on the pull request's diff, and a Markdown summary for the job's summary page.
import { LineIndex, ruleCatalog, type Severity } from '../engine';
import { printable } from './printable';
import { DOCS_BASE, type FileResult, regionOf } from './report';

// The runner's escaping of workflow commands (actions/runner ActionCommand, @actions/core): data
// escapes %, CR and LF; property values also `:` and `,`, which delimit properties.
function commandData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function commandProperty(s: string): string {
  return commandData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const commandOf: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export interface Annotation {
  severity: Severity;
  /** Path relative to the repository root, `/`-separated; absent for a file outside it. */
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  title: string;
  message: string;
}

/** `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`, safe whatever the texts hold. */
export function workflowCommand(a: Annotation): string {
  const props: Array<[string, string | number | undefined]> = [
    ['file', a.file],
    ['line', a.line],
    ['col', a.column],
    ['endLine', a.endLine],
    ['endColumn', a.endColumn],
    ['title', a.title],
  ];
  const list = props
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${commandProperty(printable(String(v)))}`);
  // `printable` first, so a newline shows as `\n` instead of splitting the message over lines.
  return `::${commandOf[a.severity]} ${list.join(',')}::${commandData(printable(a.message))}`;
}

export function findingAnnotations(results: FileResult[]): Annotation[] {
  return results.flatMap((r) => {
    const index = new LineIndex(r.text);
    return r.findings.map((f) => {
      const at = regionOf(index, f.span);
      // Outside the repository GitHub cannot place it: the message names the file instead.
      const message = r.repoPath === undefined ? `${r.path}: ${f.message}` : f.message;
      return {
        severity: f.severity,
        file: r.repoPath,
        line: at.line,
        column: at.column,
        endLine: at.endLine,
        endColumn: at.endColumn,
        title: f.rule,
        message,
      };
    });
  });
}

/** Markdown-safe table cell: no line breaks, no HTML, no table or link syntax from the texts. */
function cell(s: string): string {
  return printable(s)
    .replace(/[\\`*_[\]|<>#!]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;');
}

/** The job summary: totals, then one row per file and rule with its count. */
export function stepSummary(results: FileResult[]): string {
  const counts = new Map<string, { file: string; rule: string; severity: Severity; n: number }>();
  const totals: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const r of results) {
    for (const f of r.findings) {
      totals[f.severity]++;
      const file = r.repoPath ?? r.path;
      const key = `${file}\u0000${f.rule}\u0000${f.severity}`;
      const row = counts.get(key) ?? { file, rule: f.rule, severity: f.severity, n: 0 };
      row.n++;
      counts.set(key, row);
    }
  }
  const n = totals.error + totals.warning + totals.info;
  // A blank line first: the step before may not have ended its last line.
  const lines = ['', '## Workflow Provenance', ''];
  if (n === 0) {
    lines.push(`No findings in ${results.length} file(s) checked.`, '');
    return lines.join('\n');
  }
  const files = new Set([...counts.values()].map((r) => r.file)).size;
  lines.push(
    `${n} finding(s) in ${files} of ${results.length} file(s) checked: ${totals.error} error(s), ${totals.warning} warning(s), ${totals.info} notice(s).`,
    '',
  );
  lines.push('| File | Rule | Severity | Findings |', '|---|---|---|---:|');
  const docs = new Map(ruleCatalog.map((r) => [r.id, `${DOCS_BASE}${r.docPath}`]));
  for (const row of counts.values()) {
    const doc = docs.get(row.rule);
    const rule = doc ? `[${cell(row.rule)}](${doc})` : cell(row.rule);
    lines.push(`| ${cell(row.file)} | ${rule} | ${row.severity} | ${row.n} |`);
  }
  lines.push('');
  return lines.join('\n');
}
