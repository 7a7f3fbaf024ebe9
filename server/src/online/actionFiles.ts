// Files of remote actions (`action.yml`, a Dockerfile, a reusable workflow) read at the commit their ref
// points at, so the follower can see what a pinned action itself runs. Contents are cached by commit: a
// commit's file never changes.

/** One file read at a commit: its text, absent at that commit, or why it could not be read. */
export type FetchedFile =
  | { kind: 'found'; text: string; commit: string }
  | { kind: 'missing' }
  | { kind: 'failed'; reason: string };

export interface ActionFileSource {
  /** Resolve owner/repo@ref to a commit (cached) and read `path` at that commit. */
  fileAt(owner: string, repo: string, ref: string, path: string): Promise<FetchedFile>;
}
