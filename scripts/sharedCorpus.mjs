// Where the shared corpus of real workflows lives: `../shared/corpus` beside the repository root. In
// a linked worktree (`.git` is a file naming the git dir) the root is the main checkout's, whose `../shared`
// is the one the team shares.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root above `start`: the nearest folder holding package.json. */
export function projectRootAbove(start) {
  let d = resolve(start);
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
}

/** The main checkout of a linked worktree rooted at `root`, or `root` itself. */
function mainCheckout(root) {
  const dotGit = join(root, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return root;
    const gitDir = resolve(root, /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))[1].trim());
    const common = resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
    return dirname(common);
  } catch {
    return root;
  }
}

/** `../shared/corpus` for the repository holding `start`, or undefined when there is none. */
export function sharedCorpusDir(start) {
  const root = projectRootAbove(start);
  for (const base of new Set([root, mainCheckout(root)])) {
    const dir = join(base, '..', 'shared', 'corpus');
    if (existsSync(dir)) return dir;
  }
  return undefined;
}

/** The line printed once when the corpus is absent and the tests or figures that need it are skipped. */
export const corpusSkipped = 'skipped: no ../shared/corpus';
