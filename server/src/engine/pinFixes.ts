// Pin fixes: an image to its digest, an action to its commit (with the version as a comment).

import type { ResolvedAction, ResolvedImage } from './api';
import { isFullCommitSha, shortCommitSha } from './commitSha';
import { isCommit, isDigest, isRefName } from './factShapes';
import { shortDigest } from './imageReference';
import { lineEndOf } from './textEdits';
import type { ActionReference, Finding, Fix, ImageReference, ParsedImage, TextEdit } from './types';

/** The pin fix of a finding (digest or commit), for pinning a whole file. */
export function pinFixOf(finding: Finding): Fix | undefined {
  return finding.fixes.find((f) => f.kind === 'pin-digest' || f.kind === 'pin-action');
}

/**
 * `name:tag` → `name:tag@<digest>`, replacing a digest already written. A reference with neither tag
 * nor digest gets `:latest` spelled out, so the pinned text still says which tag it follows.
 */
export function pinnedImageText(text: string, parsed: ParsedImage, digest: string): string {
  const head = text.slice(0, parsed.digestStart);
  return `${head}${parsed.tag === undefined && parsed.digest === undefined ? ':latest' : ''}@${digest}`;
}

export function pinDigest(text: string, ref: ImageReference, resolved: ResolvedImage | undefined): Fix | undefined {
  const image = ref.parsed;
  if (!image || !resolved || !ref.editable || text.slice(ref.span.start, ref.span.end) !== ref.text) return undefined;
  // What is written into the workflow must be a digest and nothing else (it may come from a cache file).
  if (!isDigest(resolved.digest)) return undefined;
  if (image.digest === resolved.digest) return undefined;
  const head = ref.text.slice(0, image.digestStart);
  const newText = pinnedImageText(ref.text, image, resolved.digest);
  const cached = resolved.fromCache ? ' (cached)' : '';
  return {
    title: `Pin ${head} to its current digest ${shortDigest(resolved.digest)}${cached}`,
    kind: 'pin-digest',
    edits: [{ start: ref.span.start, end: ref.span.end, newText }],
    safe: true,
  };
}

/** `owner/repo@v4` → `owner/repo@<commit> # v4.2.2`, replacing a version comment already there. */
export function pinAction(text: string, ref: ActionReference, resolved: ResolvedAction | undefined): Fix | undefined {
  if (!resolved) return undefined;
  const pinned = isFullCommitSha(ref.ref);
  const commit =
    resolved.commentTagCommit && ref.commentVersion && pinned ? resolved.commentTagCommit : resolved.commit;
  const tag = pinned ? ref.commentVersion : (resolved.bestTag ?? ref.ref);
  if (commit === ref.ref) return undefined;
  // The commit and tag name are written into the file: each must be exactly that and nothing more.
  if (!isCommit(commit) || (resolved.bestTag !== undefined && !isRefName(resolved.bestTag))) return undefined;
  const edits: TextEdit[] = [{ start: ref.refSpan.start, end: ref.refSpan.end, newText: commit }];
  const lineEnd = lineEndOf(text, ref.span.end);
  const rest = text.slice(ref.span.end, lineEnd);
  const hash = /\s#/.exec(rest);
  if (tag) {
    if (hash) {
      const commentStart = ref.span.end + hash.index + hash[0].length - 1;
      const end = ref.span.end + rest.replace(/\r$/, '').length;
      const old = text.slice(commentStart, end);
      const kept = old.replace(/^#\s*v?\d[\w.+-]*/, '').trimEnd();
      edits.push({ start: commentStart, end, newText: `# ${tag}${kept ? ` ${kept.replace(/^\s*/, '')}` : ''}` });
    } else {
      const end = ref.span.end + rest.replace(/\r$/, '').length;
      edits.push({ start: end, end, newText: ` # ${tag}` });
    }
  }
  const cached = resolved.fromCache ? ' (cached)' : '';
  return {
    title: `Pin ${ref.owner}/${ref.repo} to commit ${shortCommitSha(commit)}${tag ? ` (${tag})` : ''}${cached}`,
    kind: 'pin-action',
    edits,
    safe: true,
  };
}
