// Suppression comments: ours (`# workflow-provenance: ignore[rule]`), the fix that writes one, and the
// comments of other tools that silence the same checks.
import { lineEndOf, lineStartOf } from './textEdits';
import type { Finding, Fix, Span } from './types';

export const SUPPRESS_MARK = 'workflow-provenance: ignore';
const SUPPRESS_RE = /workflow-provenance:\s*ignore\[([^\]]*)\]/;

/** Adds `rule` to the suppression comment on the finding's line (creating the comment). */
export function ignoreFix(text: string, finding: Finding): Fix | undefined {
  const anchor = finding.reference.commentAt ?? finding.span.start;
  const lineEnd = lineEndOf(text, anchor);
  const lineStart = lineStartOf(text, anchor);
  const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
  if (finding.reference.commentAt === undefined) {
    if (/\\\s*$/.test(line)) return undefined; // a shell continuation line: a comment would end the command
    // The comment must land after the reference's own line has ended (not inside a multi-line quoted value).
    if (lineEndOf(text, Math.max(finding.span.start, finding.span.end - 1)) !== lineEnd) return undefined;
  }
  const title = `Ignore ${finding.rule} on this line`;
  const m = SUPPRESS_RE.exec(line);
  if (m) {
    const at = lineStart + m.index + m[0].length - 1;
    const sep = m[1].trim() ? ',' : '';
    return { title, kind: 'ignore', edits: [{ start: at, end: at, newText: `${sep}${finding.rule}` }] };
  }
  const end = lineStart + line.length;
  return { title, kind: 'ignore', edits: [{ start: end, end, newText: ` # ${SUPPRESS_MARK}[${finding.rule}]` }] };
}

/** Rules silenced for a reference: a comment on its own line, or where its suppression comment goes. */
export function suppressedFor(text: string, ref: { span: Span; commentAt?: number }): string[] {
  const own = suppressedRules(text, ref.span.start);
  return ref.commentAt === undefined ? own : [...own, ...suppressedRules(text, ref.commentAt)];
}

/**
 * Other tools' suppression comments, mapped to our rules that check the same thing: zizmor's audit
 * names (`# zizmor: ignore[unpinned-images]`) and ratchet's `# ratchet:exclude`, which leaves every
 * reference on its line unpinned on purpose.
 */
export const foreignSuppressions: Readonly<Record<string, readonly string[]>> = {
  'zizmor:unpinned-images': ['unpinned-image', 'mutable-tag'],
  'zizmor:unpinned-uses': ['unpinned-action'],
  'ratchet:exclude': ['unpinned-image', 'mutable-tag', 'stale-digest', 'unpinned-action', 'action-ref-mismatch'],
};

const ZIZMOR_RE = /#.*?zizmor:\s*ignore\[([^\]]*)\]/;
const RATCHET_RE = /#.*?ratchet:exclude\b/;

/** Rules silenced on the line holding `offset`: ours by id, and those other tools' comments name. */
export function suppressedRules(text: string, offset: number): string[] {
  const line = text.slice(lineStartOf(text, offset), lineEndOf(text, offset));
  const out: string[] = [];
  const own = SUPPRESS_RE.exec(line);
  if (own)
    out.push(
      ...own[1]
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  const zizmor = ZIZMOR_RE.exec(line);
  if (zizmor)
    for (const audit of zizmor[1].split(',')) out.push(...(foreignSuppressions[`zizmor:${audit.trim()}`] ?? []));
  if (RATCHET_RE.test(line)) out.push(...foreignSuppressions['ratchet:exclude']);
  return out;
}
