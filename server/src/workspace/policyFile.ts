// Which policy file (workflow-provenance.yml) applies to a file: the nearest one above it, looking no
// higher than its repository's root, and, outside any repository, no higher than the folder the user
// named (a policy file in a parent folder of a downloaded tarball belongs to someone else).
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { policyFileNames } from '../engine';
import { holdsGit, repositoryRoot } from './repository';

/** The policy file for files under `startDir`, when the user named `namedFolder`; undefined when none. */
export function findPolicyFile(startDir: string, namedFolder: string): string | undefined {
  const named = path.resolve(namedFolder);
  // Inside a repository the search may go up to its root, even above the folder named.
  const limit = repositoryRoot(named) ?? named;
  let dir = path.resolve(startDir);
  for (;;) {
    for (const name of policyFileNames) {
      const candidate = path.join(dir, name);
      if (isFile(candidate)) return candidate;
    }
    const up = path.dirname(dir);
    if (holdsGit(dir) || dir === limit || up === dir || !isInside(up, limit)) return undefined;
    dir = up;
  }
}

function isInside(dir: string, folder: string): boolean {
  const rel = path.relative(folder, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function isFile(p: string): boolean {
  try {
    // Whatever it is, reading it later says why it cannot be used; a folder by that name is not it.
    const stats = statSync(p, { throwIfNoEntry: false });
    return stats !== undefined && !stats.isDirectory();
  } catch {
    return false;
  }
}
