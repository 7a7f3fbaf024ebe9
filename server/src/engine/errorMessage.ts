// One way to turn whatever was thrown into the text a message shows.

/** The message of an `Error`, or the thrown value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
