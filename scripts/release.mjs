// Releases the GitHub Action and the pre-commit hook: builds the release tree (`build.mjs --release`:
// the npm package with action.yml, dist/action.js and .pre-commit-hooks.yaml) and commits exactly that
// tree on the release branch, tagged with the version and the moving major tag. Then
// `uses: workflow-provenance/workflow-provenance@v0` runs with no build and no install, and
// pre-commit's `rev: v0.1.0` installs the package from that commit (no dependencies to fetch).
//
//   node scripts/release.mjs [--repo DIR] [--branch releases/vN] [--tag vX.Y.Z] [--major-tag vN] [--allow-dirty]
//
// The version comes from package.json. The commit is made with git plumbing and a private index, so
// the working tree, the index and the checked-out branch are left alone. Nothing is pushed; the
// last line printed is the push command.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const major = version.split('.')[0];
const repo = option('--repo', root);
const branch = option('--branch', `releases/v${major}`);
const tag = option('--tag', `v${version}`);
const majorTag = option('--major-tag', `v${major}`);

const git = (cwd, gitArgs, env = {}) =>
  execFileSync('git', gitArgs, { cwd, env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
const fail = (message) => {
  console.error(`release: ${message}`);
  process.exit(1);
};

if (!args.includes('--allow-dirty') && git(root, ['status', '--porcelain']) !== '') {
  fail('the working tree has uncommitted changes; a release is built from a commit (or pass --allow-dirty)');
}
const source = git(root, ['rev-parse', 'HEAD']);
const gitDir = git(repo, ['rev-parse', '--absolute-git-dir']);
if (git(repo, ['tag', '--list', tag]) !== '')
  fail(`tag ${tag} already exists in ${repo}; raise the version in package.json`);

const work = mkdtempSync(join(tmpdir(), 'wp-release-'));
try {
  const tree = join(work, 'action');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--release', tree], { stdio: 'inherit' });
  // A private index over the built folder: the commit's tree is the folder, nothing else.
  const env = { GIT_DIR: gitDir, GIT_WORK_TREE: tree, GIT_INDEX_FILE: join(work, 'index') };
  git(tree, ['add', '--all', '--force', '.'], env);
  const treeId = git(tree, ['write-tree'], env);
  let parent = '';
  try {
    parent = git(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
  } catch {
    // First release on this branch.
  }
  const message = `Workflow Provenance ${tag}: the GitHub Action and the pre-commit hook\n\nBuilt by scripts/release.mjs from ${source}.`;
  const commit = git(repo, ['commit-tree', treeId, ...(parent ? ['-p', parent] : []), '-m', message]);
  git(repo, ['update-ref', `refs/heads/${branch}`, commit, ...(parent ? [parent] : [])]);
  git(repo, ['tag', tag, commit]);
  git(repo, ['tag', '--force', majorTag, commit]);
  console.log(`release: ${tag} = ${commit} on ${branch} (from ${source.slice(0, 12)})`);
  console.log(`git push origin ${branch} ${tag} && git push --force origin ${majorTag}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
