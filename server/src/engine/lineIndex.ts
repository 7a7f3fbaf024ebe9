// Converts between UTF-16 offsets (the engine's unit) and 0-based line/character positions (LSP's unit).

export interface LinePosition {
  line: number;
  character: number;
}

export class LineIndex {
  private readonly starts: number[];
  /** 1 when the text starts with a byte order mark: no column, since editors do not show it. */
  private readonly bom: number;

  constructor(private readonly text: string) {
    this.bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // A lone CR, an LF and a CRLF pair each end a line, as in LSP.
      if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (c === 10) {
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** End of the line's content, before its line break. */
  lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    let end = this.starts[line + 1];
    if (this.text.charCodeAt(end - 1) === 10) end--;
    if (this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  positionAt(offset: number): LinePosition {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: Math.max(0, o - this.starts[lo] - (lo === 0 ? this.bom : 0)) };
  }

  offsetAt(position: LinePosition): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.lineStart(position.line) + (position.line === 0 ? this.bom : 0);
    return Math.min(start + Math.max(0, position.character), this.lineEnd(position.line));
  }
}

// Texts indexed lately: a document's follow and its fixes ask for the same few texts' lines over and
// over within one analysis (a planner round, a removal note); the index is built once per text.
const recent = new Map<string, LineIndex>();
const recentLimit = 16;

/** The line index of `text`, shared with the other callers that asked for the same text lately. */
export function lineIndexOf(text: string): LineIndex {
  let index = recent.get(text);
  if (index) return index;
  index = new LineIndex(text);
  recent.set(text, index);
  if (recent.size > recentLimit) recent.delete(recent.keys().next().value as string);
  return index;
}
