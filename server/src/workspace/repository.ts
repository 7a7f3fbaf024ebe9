// The repository around a file: its root (the nearest folder holding `.git`), and its owner on GitHub,
// read from the `origin` remote in git's own config file (the editor's machine may have no git). A
// linked worktree or a submodule has a `.git` file naming its git folder; its config is followed there.
import { type Stats, statSync } from 'node:fs';
import * as path from 'node:path';
import { readTextOrUndefined } from './readFile';

/** The nearest folder at or above `start` holding `.git` (a folder, or a worktree's file), else undefined. */
export function repositoryRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (holdsGit(dir)) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function holdsGit(dir: string): boolean {
  try {
    // Asked of every folder up to the root, for each file checked: no error object for a missing `.git`.
    return statSync(path.join(dir, '.git'), { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/** The git config file of the repository rooted at `root`, following a linked worktree's `.git` file. */
export function gitConfigPath(root: string): string | undefined {
  const dotGit = path.join(root, '.git');
  let stats: Stats;
  try {
    stats = statSync(dotGit);
  } catch {
    return undefined;
  }
  if (stats.isDirectory()) return path.join(dotGit, 'config');
  // `gitdir: <path>`; a worktree's shared config lives in the folder its `commondir` file names.
  const pointer = /^gitdir:\s*(.+)$/m.exec(readTextOrUndefined(dotGit) ?? '');
  if (!pointer) return undefined;
  const gitDir = path.resolve(root, pointer[1].trim());
  const common = readTextOrUndefined(path.join(gitDir, 'commondir'))?.trim();
  return path.join(common ? path.resolve(gitDir, common) : gitDir, 'config');
}

/** The GitHub owner of the `origin` remote of the repository rooted at `root`, lower-cased. */
export function repositoryOwner(root: string | undefined): string | undefined {
  if (!root) return undefined;
  const config = gitConfigPath(root);
  const text = config ? readTextOrUndefined(config) : undefined;
  return text === undefined ? undefined : originOwner(text);
}

/** Reads `url` of `[remote "origin"]` and returns its github.com owner. */
export function originOwner(gitConfig: string): string | undefined {
  let inOrigin = false;
  for (const rawLine of gitConfig.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line.startsWith('[')) {
      inOrigin = /^\[\s*remote\s+"origin"\s*\]$/.test(line);
      continue;
    }
    if (!inOrigin) continue;
    const url = /^url\s*=\s*(.+)$/.exec(line);
    if (url) return githubOwner(url[1].trim().replace(/^"|"$/g, ''));
  }
  return undefined;
}

function githubOwner(url: string): string | undefined {
  // https://github.com/o/r(.git), ssh://git@github.com/o/r, git@github.com:o/r
  const match = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?github\.com[:/]+([A-Za-z0-9][A-Za-z0-9-]*)\//i.exec(url);
  return match ? match[1].toLowerCase() : undefined;
}
