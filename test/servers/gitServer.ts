// A real git smart-HTTP server for tests: `git http-backend` (git's own CGI) behind a Node HTTP server
// on 127.0.0.1, serving bare repositories made with plain git.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function gitMissing(): string | undefined {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'git is not installed (apt-get install -y --no-install-recommends git)';
  }
}

export interface GitRequest {
  method: string;
  path: string;
  protocol?: string;
}

export interface TestGitServer {
  /** Base URL for `owner/repo.git` paths. */
  baseUrl: string;
  requests: GitRequest[];
  /** Commits of `actions/checkout`: `one` (tag v3), `two` (v4, v4.2, v4.2.2, branch releases/v4), `three` (annotated v5.0.0, main). */
  commits: { one: string; two: string; three: string };
  /** The object id of the annotated tag object v5.0.0 (not a commit). */
  annotatedTagObject: string;
  /** Adds a commit on main and force-moves `tag` to it, as a maintainer re-tagging a release does. */
  moveTag(tag: string): string;
  /**
   * Commits `files` (paths to text, bytes or a symbolic link; null removes one) on main of `owner/name`, created on first
   * use, points each of `tags` at the commit, pushes, and returns the commit.
   */
  commitFiles(repo: string, files: Record<string, string | Buffer | { link: string } | null>, tags?: string[]): string;
  /** Runs git in `owner/name`'s work tree (then `push` with `git(repo, 'push', …)` to serve the result). */
  git(repo: string, ...args: string[]): string;
  /** Where `owner/name`'s bare repository is served from. */
  barePath(repo: string): string;
  stop(): Promise<void>;
}

/**
 * `protocolV2: false` hides the client's `Git-Protocol` header from git, as a server that only speaks v0
 * would. `filters: false` leaves partial fetches off (git's default); on, upload-pack allows `filter`, as
 * GitHub does.
 */
export async function startGitServer(
  options: { protocolV2?: boolean; filters?: boolean } = {},
): Promise<TestGitServer> {
  const v2 = options.protocolV2 ?? true;
  const filters = options.filters ?? true;
  const root = mkdtempSync(join(tmpdir(), 'wp-git-'));
  const env = {
    ...process.env,
    HOME: root,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
  };
  const bare = join(root, 'repos', 'actions', 'checkout.git');
  const work = join(root, 'work');
  mkdirSync(join(root, 'repos', 'actions'), { recursive: true });
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], { cwd, env, encoding: 'utf8' }).trim();
  git(root, 'init', '--bare', '-q', bare);
  git(root, 'init', '-q', work);
  const commit = (message: string) => {
    writeFileSync(
      join(work, 'action.yml'),
      `name: checkout\ndescription: ${message}\nruns:\n  using: node20\n  main: index.js\n`,
    );
    git(work, 'add', 'action.yml');
    git(work, 'commit', '-q', '-m', message);
    return git(work, 'rev-parse', 'HEAD');
  };
  const one = commit('one');
  git(work, 'tag', 'v3');
  const two = commit('two');
  for (const tag of ['v4', 'v4.2', 'v4.2.2']) git(work, 'tag', tag);
  git(work, 'branch', 'releases/v4');
  const three = commit('three');
  git(work, 'tag', '-a', 'v5.0.0', '-m', 'release 5.0.0');
  git(work, 'push', '-q', bare, 'main', 'releases/v4', '--tags');
  const annotatedTagObject = git(work, 'rev-parse', 'v5.0.0');

  const requests: GitRequest[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const protocol = req.headers['git-protocol'];
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      protocol: typeof protocol === 'string' ? protocol : undefined,
    });
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...env,
        GIT_PROJECT_ROOT: join(root, 'repos'),
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_ADDR: '127.0.0.1',
        // Server-wide, as a host's administrator sets it (GitHub allows filters).
        ...(filters
          ? { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'uploadpack.allowFilter', GIT_CONFIG_VALUE_0: 'true' }
          : {}),
        ...(v2 && typeof protocol === 'string' ? { GIT_PROTOCOL: protocol } : {}),
      },
    });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (c: Buffer) => chunks.push(c));
    cgi.on('close', () => {
      const out = Buffer.concat(chunks);
      let split = out.indexOf('\r\n\r\n');
      let gap = 4;
      if (split === -1) {
        split = out.indexOf('\n\n');
        gap = 2;
      }
      if (split === -1) {
        res.writeHead(500).end('bad CGI output');
        return;
      }
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of out.subarray(0, split).toString().split(/\r?\n/)) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.end(out.subarray(split + gap));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    commits: { one, two, three },
    annotatedTagObject,
    moveTag(tag: string) {
      git(work, 'checkout', '-q', 'main');
      const moved = commit(`moved ${tag}`);
      git(work, 'tag', '-f', tag);
      git(work, 'push', '-q', '-f', bare, 'main', `refs/tags/${tag}`);
      return moved;
    },
    commitFiles(repo, files, tags = []) {
      const tree = join(root, 'work-repos', repo);
      if (!existsSync(tree)) {
        mkdirSync(tree, { recursive: true });
        git(root, 'init', '--bare', '-q', join(root, 'repos', `${repo}.git`));
        git(tree, 'init', '-q');
      }
      for (const [path, content] of Object.entries(files)) {
        rmSync(join(tree, path), { force: true });
        if (content === null) continue;
        mkdirSync(dirname(join(tree, path)), { recursive: true });
        if (typeof content === 'object' && 'link' in content) symlinkSync(content.link, join(tree, path));
        else writeFileSync(join(tree, path), content);
      }
      git(tree, 'add', '-A');
      git(tree, 'commit', '-q', '--allow-empty', '-m', `commit ${Object.keys(files).join(', ')}`);
      for (const tag of tags) git(tree, 'tag', '-f', tag);
      git(tree, 'push', '-q', '-f', join(root, 'repos', `${repo}.git`), 'main', '--tags');
      return git(tree, 'rev-parse', 'HEAD');
    },
    git(repo, ...args) {
      return git(join(root, 'work-repos', repo), ...args);
    },
    barePath(repo) {
      return join(root, 'repos', `${repo}.git`);
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
