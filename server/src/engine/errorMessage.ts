// One way to turn whatever was thrown into the text a message shows.

/** The message of an `Error`, or the thrown value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How much of a file's own text a message may quote: enough to find the place, too little to leak a secret. */
const excerptChars = 16;

/** `text` quoted for a message: escaped (no control characters reach a terminal or CI log) and cut short. */
function quoteExcerpt(text: string): string {
  return text.length > excerptChars ? `${JSON.stringify(text.slice(0, excerptChars))}…` : JSON.stringify(text);
}

/**
 * A parser's message with every quoted piece of the document cut to a short excerpt: the document may
 * be anything a symlink pointed at (a git config holding a token), and messages end up in CI logs.
 */
export function withShortExcerpts(message: string): string {
  return message.replace(/"((?:[^"\\]|\\.)*)"/g, (_quoted, inner: string) => {
    let raw: unknown = inner;
    try {
      raw = JSON.parse(`"${inner}"`);
    } catch {
      // Not JSON-escaped: quote the characters as they are.
    }
    return quoteExcerpt(typeof raw === 'string' ? raw : inner);
  });
}
