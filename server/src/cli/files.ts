// Which files the CLI checks, and the repository facts around them (policy file, owner).
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { policyFileNames } from '../engine';

const skipDirs = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out']);

/** Workflow files (`.github/workflows/*.yml|yaml`) and action metadata (`action.yml|yaml`) under `dir`. */
export function findWorkflowFiles(dir: string, limit = 10000): string[] {
  const out: string[] = [];
  // Real paths already seen: a symlink back up the tree must not list the same files again.
  const seen = new Set<string>();
  const once = (p: string) => {
    let real: string;
    try {
      real = realpathSync(p);
    } catch {
      return false;
    }
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  };
  const walk = (d: string, depth: number) => {
    if (out.length >= limit || depth > 20 || !once(d)) return;
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (!skipDirs.has(name)) walk(p, depth + 1);
      } else if ((/^action\.ya?ml$/.test(name) || (/\.ya?ml$/.test(name) && /[\\/]\.github[\\/]workflows$/.test(d))) && once(p)) {
        out.push(p);
      }
    }
  };
  walk(resolve(dir), 0);
  return out;
}

/** The repository root above `start`: the nearest folder holding `.git`, else undefined. */
export function repositoryRoot(start: string): string | undefined {
  let d = resolve(start);
  for (;;) {
    if (existsSync(join(d, '.git'))) return d;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** The nearest policy file above `start` (stopping at the repository root). */
export function findPolicyFile(start: string): string | undefined {
  let d = resolve(start);
  for (;;) {
    for (const name of policyFileNames) {
      const p = join(d, name);
      if (existsSync(p)) return p;
    }
    if (existsSync(join(d, '.git'))) return undefined;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** The GitHub owner of the `origin` remote, read from `.git/config` (no git binary needed). */
export function repositoryOwner(root: string | undefined): string | undefined {
  if (!root) return undefined;
  let config: string;
  try {
    config = readFileSync(join(root, '.git', 'config'), 'utf8');
  } catch {
    return undefined;
  }
  const section = /\[remote "origin"\]([^[]*)/.exec(config);
  const url = section && /^\s*url\s*=\s*(\S+)/m.exec(section[1]);
  if (!url) return undefined;
  const m = /github\.com[:/]+([^/\s]+)\//.exec(url[1]);
  return m ? m[1] : undefined;
}

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
  return repositoryRoot(dir) ?? (workspace && (dir === workspace || repositoryPath(dir, workspace) !== undefined) ? workspace : dir);
}

/** `file` relative to `root`, `/`-separated, as GitHub names files; undefined outside `root`. */
export function repositoryPath(file: string, root: string): string | undefined {
  const rel = relative(root, resolve(file));
  if (!rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}
