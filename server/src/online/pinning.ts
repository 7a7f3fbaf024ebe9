// Pure text helpers for the pin-digest and pin-action fixes: they compute replacement text only.
import type { ParsedImage } from '../engine/types';

/**
 * `name:tag` → `name:tag@<digest>`, replacing a digest already written. A reference with neither tag
 * nor digest gets `:latest` spelled out, so the pinned text still says which tag it follows.
 */
export function pinnedImageText(text: string, parsed: ParsedImage, digest: string): string {
  const head = text.slice(0, parsed.digestStart);
  const tag = parsed.tag === undefined && parsed.digest === undefined ? ':latest' : '';
  return `${head}${tag}@${digest}`;
}

/** `owner/repo[/path]` (an `@ref` already there is dropped) → `owner/repo[/path]@<commit> # <tag>`. */
export function pinnedActionText(uses: string, commit: string, tag?: string): string {
  const at = uses.indexOf('@');
  const name = at === -1 ? uses : uses.slice(0, at);
  return tag ? `${name}@${commit} # ${tag}` : `${name}@${commit}`;
}
