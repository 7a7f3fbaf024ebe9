// Which files of a folder are checked: workflow files (`.github/workflows/*.yml|yaml`) and action
// metadata (`action.yml|yaml`), found breadth first within bounds, for the CLI and the language server.
import { type Dirent, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isAnalyzablePath } from '../engine';
import { CheckedFolder } from './readFile';

/** Folders never searched: dependencies, build output and version-control internals. */
const skippedFolders: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn']);

export interface DiscoveryLimits {
  maxFiles: number;
  maxFolders: number;
}

export const defaultDiscoveryLimits: DiscoveryLimits = { maxFiles: 10000, maxFolders: 20000 };

/** A path not checked, and why (one line for the user). */
export interface Skipped {
  path: string;
  reason: string;
}

export interface Discovery {
  /** Absolute paths, sorted. */
  files: string[];
  skipped: Skipped[];
}

/**
 * Every workflow and action metadata file under `root`. A symlink is followed only while it stays
 * inside `root` (a link to `/` must not walk the disk, nor one to `~` read a stranger's home); each
 * real file or folder is taken once, so a link back up the tree cannot repeat or loop.
 */
export async function findWorkflowFiles(
  root: string,
  limits: DiscoveryLimits = defaultDiscoveryLimits,
): Promise<Discovery> {
  const folder = new CheckedFolder(root);
  const files: string[] = [];
  const skipped: Skipped[] = [];
  const queue = [path.resolve(root)];
  const seen = new Set<string>();
  const firstTime = (real: string): boolean => {
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  };
  let visited = 0;
  while (queue.length > 0 && files.length < limits.maxFiles) {
    if (visited >= limits.maxFolders) {
      skipped.push({ path: root, reason: `searched ${limits.maxFolders} folders; the rest is not checked` });
      break;
    }
    const dir = queue.shift() as string;
    visited++;
    const real = await fs.realpath(dir).catch(() => undefined);
    if (real === undefined || !firstTime(real)) continue;
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      let isFolder = entry.isDirectory();
      let isFile = entry.isFile();
      let realPath = full;
      if (entry.isSymbolicLink()) {
        const target = await fs.realpath(full).catch(() => undefined);
        // Only links that lead to something checked are worth a word when refused.
        const interesting = isAnalyzablePath(full) || !skippedFolders.has(entry.name);
        if (target === undefined) continue;
        const refusal = folder.refusal(target);
        if (refusal) {
          if (interesting) skipped.push({ path: full, reason: refusal });
          continue;
        }
        const stats = await fs.stat(target).catch(() => undefined);
        isFolder = stats?.isDirectory() ?? false;
        isFile = stats?.isFile() ?? false;
        realPath = target;
        if (!isFolder && !isFile && isAnalyzablePath(full))
          skipped.push({ path: full, reason: 'it is not a regular file' });
      } else if (!isFolder && !isFile && isAnalyzablePath(full)) {
        skipped.push({ path: full, reason: 'it is not a regular file' });
      }
      if (isFolder) {
        if (!skippedFolders.has(entry.name)) queue.push(full);
      } else if (
        isFile &&
        isAnalyzablePath(full) &&
        firstTime(entry.isSymbolicLink() ? realPath : await fs.realpath(full).catch(() => full))
      ) {
        files.push(full);
        if (files.length >= limits.maxFiles) {
          skipped.push({ path: root, reason: `found ${limits.maxFiles} files; the rest is not checked` });
          break;
        }
      }
    }
  }
  return { files: files.sort(), skipped };
}
