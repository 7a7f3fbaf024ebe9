// Finding and reading GitHub's actions lockfile for a workflow: `actions.lock` beside it, in the
// repository's `.github/workflows/`. Read like any file of a checked folder (regular file, size limit,
// no symlink out of the repository), and read again only when it changes on disk.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { parseActionsLock, type ActionsLock, type WorkflowLock } from '../engine';
import { CheckedFolder, readCheckedFile } from './readFile';

export interface ActionsLockOutcome {
  lock?: WorkflowLock;
  /** The lockfile exists but cannot be used: where it is and why (the workflow is then judged without it). */
  problem?: { path: string; message: string };
}

const cache = new Map<string, { stamp: string; lock?: ActionsLock; problem?: string }>();

/** The lockfile that applies to the workflow file `file`, if any. */
export function actionsLockFor(file: string): ActionsLockOutcome {
  const dir = path.dirname(path.resolve(file));
  // Only a workflow of `<root>/.github/workflows/` is onboarded; the lockfile lists it by that path.
  if (path.basename(dir) !== 'workflows' || path.basename(path.dirname(dir)) !== '.github') return {};
  const lockPath = path.join(dir, 'actions.lock');
  let stamp: string;
  try {
    // Most workflows have none: no error object for that.
    const s = statSync(lockPath, { throwIfNoEntry: false });
    if (!s) return {};
    stamp = `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return {};
  }
  let entry = cache.get(lockPath);
  if (entry?.stamp !== stamp) {
    const read = readCheckedFile(lockPath, new CheckedFolder(path.dirname(path.dirname(dir))));
    const parsed = 'text' in read ? parseActionsLock(read.text) : { problem: `cannot read: ${read.skipped}` };
    entry = { stamp, ...parsed };
    cache.set(lockPath, entry);
  }
  if (!entry.lock) return { problem: { path: lockPath, message: `ignored: ${entry.problem ?? 'unreadable'}` } };
  return { lock: { lock: entry.lock, workflow: `.github/workflows/${path.basename(file)}` } };
}
