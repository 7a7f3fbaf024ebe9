// Text from a checked repository (reference texts, file names, YAML error excerpts) is hostile: it may
// carry newlines that forge CI-log lines, or escape sequences that drive the terminal. Everything a
// person reads goes through `printable` first; JSON and SARIF go through `jsonForLogs`.

/**
 * C0 controls, DEL, C1 controls (0x9B is a one-byte CSI on some terminals), Unicode line and paragraph
 * separators, and the bidirectional overrides that reorder what a reader sees (Trojan Source).
 */
const beyondAscii = '\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069';
const unprintable = new RegExp(`[\u0000-\u001f${beyondAscii}]`, 'g');
/** What JSON.stringify leaves raw (it escapes C0 itself; its own newlines are layout, not data). */
const unescapedByJson = new RegExp(`[${beyondAscii}]`, 'g');

const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return (
    named[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
  );
}

/**
 * One line of visible text: control characters become `\n`, `\x1b`, `\u202e`…, and `##[`, which
 * the Actions runner reads as a legacy workflow command anywhere in a line, becomes `#\x23[`.
 */
export function printable(text: string): string {
  return text.replace(unprintable, escapeChar).replace(/##\[/g, '#\\x23[');
}

/**
 * A path as the first thing on an output line. Beyond `printable`, a relative path that starts with
 * `::` or blanks (which the runner trims) would make the line a workflow command: `./` goes first.
 */
export function printablePath(path: string): string {
  const p = printable(path);
  return /^[\s:]/.test(p) ? `./${p}` : p;
}

/**
 * JSON whose string values cannot act on a CI log or terminal when printed: JSON.stringify already
 * escapes C0 controls; this adds DEL, C1, separators and bidi overrides, and breaks up `##[`. The
 * value parses back unchanged.
 */
export function jsonForLogs(value: unknown): string {
  return JSON.stringify(value, null, 2)
    .replace(unescapedByJson, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/##\[/g, '#\\u0023[');
}
