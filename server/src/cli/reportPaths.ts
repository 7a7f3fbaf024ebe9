// How the CLI's reports name files: relative to the root that annotations and SARIF use.
import { statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { repositoryRoot } from '../workspace';

/**
 * The root that annotations and SARIF name files from: the repository holding the first path checked;
 * outside any repository, the Actions workspace when it holds that path, else the folder checked.
 */
export function checkRoot(firstPath: string): string {
  const abs = resolve(firstPath);
  let dir = abs;
  try {
    if (!statSync(abs).isDirectory()) dir = dirname(abs);
  } catch {
    dir = dirname(abs);
  }
  const workspace = process.env.GITHUB_WORKSPACE ? resolve(process.env.GITHUB_WORKSPACE) : undefined;
  return (
    repositoryRoot(dir) ??
    (workspace && (dir === workspace || repositoryPath(dir, workspace) !== undefined) ? workspace : dir)
  );
}

/** `file` relative to `root`, `/`-separated, as GitHub names files; undefined outside `root`. */
export function repositoryPath(file: string, root: string): string | undefined {
  const rel = relative(root, resolve(file));
  if (!rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** Paths under the working folder are shown relative to it, as editors' problem matchers expect. */
export function shortPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}
