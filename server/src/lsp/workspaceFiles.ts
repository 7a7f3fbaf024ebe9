// Finding the workflow files of a workspace folder on disk, and the repository owner from its git
// config (read directly: the editor's machine may have no git binary).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isAnalyzablePath } from '../engine';

/** Directories never searched: dependencies and version-control internals. */
const skippedDirectories: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn']);

export interface DiscoveryLimits {
  maxFiles: number;
  maxDirectories: number;
}

export const defaultDiscoveryLimits: DiscoveryLimits = { maxFiles: 2000, maxDirectories: 20000 };

/**
 * Absolute paths of every workflow and action metadata file under `root`, breadth first, bounded.
 * Symlinks are followed, as the CLI does, and each real file or folder is taken once, so a link back
 * up the tree cannot repeat (or loop over) the same files.
 */
export async function findAnalyzableFiles(root: string, limits: DiscoveryLimits = defaultDiscoveryLimits): Promise<string[]> {
  const found: string[] = [];
  const queue = [root];
  const seen = new Set<string>();
  const firstTime = async (p: string) => {
    const real = await fs.realpath(p).catch(() => undefined);
    if (real === undefined || seen.has(real)) return false;
    seen.add(real);
    return true;
  };
  let visited = 0;
  while (queue.length > 0 && visited < limits.maxDirectories && found.length < limits.maxFiles) {
    const dir = queue.shift() as string;
    visited++;
    if (!(await firstTime(dir))) continue;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await fs.stat(full).catch(() => undefined);
        isDirectory = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isDirectory) {
        if (!skippedDirectories.has(entry.name)) queue.push(full);
      } else if (isFile && isAnalyzablePath(full) && (await firstTime(full))) {
        found.push(full);
        if (found.length >= limits.maxFiles) break;
      }
    }
  }
  return found.sort();
}

/** The GitHub owner named by `remote "origin"` in the folder's git config, if any. */
export async function readRepositoryOwner(folder: string): Promise<string | undefined> {
  const config = await gitConfigPath(folder);
  if (!config) return undefined;
  let text: string;
  try {
    text = await fs.readFile(config, 'utf8');
  } catch {
    return undefined;
  }
  return originOwner(text);
}

async function gitConfigPath(folder: string): Promise<string | undefined> {
  const dotGit = path.join(folder, '.git');
  try {
    const stat = await fs.stat(dotGit);
    if (stat.isDirectory()) return path.join(dotGit, 'config');
    // A worktree or submodule: `.git` is a file holding `gitdir: <path>`; a worktree's config lives in
    // the directory its `commondir` file names.
    const pointer = /^gitdir:\s*(.+)$/m.exec(await fs.readFile(dotGit, 'utf8'));
    if (!pointer) return undefined;
    const gitDir = path.resolve(folder, pointer[1].trim());
    try {
      const common = (await fs.readFile(path.join(gitDir, 'commondir'), 'utf8')).trim();
      return path.join(path.resolve(gitDir, common), 'config');
    } catch {
      return path.join(gitDir, 'config');
    }
  } catch {
    return undefined;
  }
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
