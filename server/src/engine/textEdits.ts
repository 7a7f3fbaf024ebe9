// Text edits and the whole-line removals fixes are made of: offsets into the document's text, so
// comments, quoting and layout outside the edited part survive.
import type { Span, TextEdit } from './types';

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let floor = Infinity;
  for (const e of sorted) {
    if (e.end > floor) continue; // overlapping edit: keep the later-starting one, skip this
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
    floor = e.start;
  }
  return out;
}

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

export function lineEndOf(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

/** Removes whole lines covering `span`, when nothing else shares them; else undefined. */
export function removeLines(text: string, span: Span): TextEdit | undefined {
  const start = lineStartOf(text, span.start);
  if (text.slice(start, span.start).trim() !== '') return undefined;
  const lastLineEnd = lineEndOf(text, Math.max(span.start, span.end - 1));
  const after = text.slice(span.end, lastLineEnd).trim();
  if (after !== '' && !after.startsWith('#')) return undefined;
  const end = lastLineEnd < text.length ? lastLineEnd + 1 : lastLineEnd;
  return withBlankLayout(text, start, end);
}

const isBlank = (line: string): boolean => line.trim() === '';

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * Widens the removal of the whole lines [start, end) so the blank lines around it read as a person would
 * leave them: a block set off by blank lines takes one side's blank lines with it, so no double gap (or a
 * gap under its parent key, or at the end of its list) is left behind.
 */
function withBlankLayout(text: string, start: number, end: number): TextEdit {
  const blockIndent = indentOf(text.slice(start, lineEndOf(text, start)));
  // The blank lines right after the block.
  let after = end;
  while (after < text.length && isBlank(text.slice(after, lineEndOf(text, after)))) {
    const next = lineEndOf(text, after);
    if (next >= text.length) {
      after = text.length;
      break;
    }
    after = next + 1;
  }
  // The blank lines right before it.
  let before = start;
  while (before > 0) {
    const prev = lineStartOf(text, before - 1);
    if (!isBlank(text.slice(prev, before))) break;
    before = prev;
  }
  const blankAfter = after > end;
  const blankBefore = before < start;
  if (!blankAfter && !blankBefore) return { start, end, newText: '' };
  // What surrounds the gap: the parent (or an earlier sibling) above, a sibling (or the parent's end) below.
  const above = before > 0 ? text.slice(lineStartOf(text, before - 1), before - 1) : undefined;
  const below = after < text.length ? text.slice(after, lineEndOf(text, after)) : undefined;
  const firstChild = above === undefined || indentOf(above) < blockIndent;
  const lastChild = below === undefined || indentOf(below) < blockIndent;
  if (blankAfter && (blankBefore || firstChild)) return { start, end: after, newText: '' };
  if (blankBefore && lastChild) return { start: before, end, newText: '' };
  return { start, end, newText: '' };
}

/** Removes one item of a flow sequence `[a, b]` with its comma. */
export function removeFlowItem(text: string, span: Span): TextEdit {
  const end = span.end;
  const tail = /^\s*,\s*/.exec(text.slice(end));
  if (tail) return { start: span.start, end: end + tail[0].length, newText: '' };
  let start = span.start;
  const head = /\s*,\s*$/.exec(text.slice(Math.max(0, start - 64), start));
  if (head) start -= head[0].length;
  return { start, end, newText: '' };
}

export function removeItem(text: string, span: Span): TextEdit {
  return removeLines(text, span) ?? removeFlowItem(text, span);
}
