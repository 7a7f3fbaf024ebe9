// Following `uses:` into what it runs, offline: local actions of every kind, reusable workflows,
// Dockerfiles, depth, cycles and the reads that must not happen; the two rules' findings on the
// workflow's `uses:` line. Remote hops go through an in-process file source over a real folder.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { analyze, mergePolicies, type Analysis, type AnalyzeOptions } from '../../server/src/engine';
import { dockerfileImages } from '../../server/src/engine/dockerfile';
import { type FollowInput, type FollowNode, maxFollowDepth } from '../../server/src/engine/follow';
import type { ActionFileSource, FetchedFile } from '../../server/src/online/actionFiles';
import { CheckedFolder } from '../../server/src/workspace';
import { followFiles, localReader } from '../../server/src/workspace/followFiles';
import { lineOf, ready } from './support/engine';
import { writeFollowRepo } from './support/followRepo';

before(ready);
const repo = writeFollowRepo();
const scratch: string[] = [];
after(() => {
  repo.remove();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

async function followed(
  root: string,
  file: string,
  extra: AnalyzeOptions = {},
  source?: ActionFileSource,
): Promise<{ text: string; analysis: Analysis }> {
  const text = readFileSync(join(root, file), 'utf8');
  const options: AnalyzeOptions & { follow: FollowInput } = {
    path: file,
    policy: mergePolicies(),
    ...extra,
    follow: { files: new Map(), path: file },
  };
  const follow = await followFiles(text, options, localReader(root, new CheckedFolder(root)), source);
  return { text, analysis: analyze(text, { ...options, follow }) };
}

function use(analysis: Analysis, text: string): FollowNode {
  const found = analysis.followed.find((u) => u.reference.text === text);
  assert.ok(found, `no followed use ${text}`);
  return found.node;
}

function findingsOn(analysis: Analysis, text: string, line: number, rule: string) {
  return analysis.findings.filter((f) => f.rule === rule && lineOf(text, f.span.start) === line);
}

test('a composite action using an action by tag: unpinned-inner-action (info) on the uses: line', async () => {
  const { text, analysis } = await followed(repo.root, '.github/workflows/ci.yml');
  const [finding] = findingsOn(analysis, text, 7, 'unpinned-inner-action');
  assert.ok(finding, 'finding on ./.github/actions/setup');
  assert.equal(finding.severity, 'info');
  assert.match(
    finding.message,
    /^uses: \.\/\.github\/actions\/setup → actions\/setup-node@v4: actions\/setup-node is used by 'v4'/,
  );
  assert.deepEqual(finding.related?.[0].elsewhere?.file, '.github/actions/setup/action.yml');
  assert.equal(finding.related?.[0].elsewhere?.start.line, 4);
  // The official image its script runs warns about nothing, so no image finding here.
  assert.deepEqual(findingsOn(analysis, text, 7, 'action-runs-untrusted-image'), []);
  const node = use(analysis, './.github/actions/setup');
  assert.deepEqual(
    node.images.map((i) => [i.reference.text, i.findings.map((f) => f.rule)]),
    [['debian:bookworm-slim', ['unpinned-image']]],
  );
});

test('a Docker action with a docker:// image: the chain and the image rules in the message', async () => {
  const { text, analysis } = await followed(repo.root, '.github/workflows/ci.yml');
  const [finding] = findingsOn(analysis, text, 8, 'action-runs-untrusted-image');
  assert.equal(finding.severity, 'warning');
  assert.match(
    finding.message,
    /^uses: \.\/\.github\/actions\/tool → docker:\/\/someuser\/tool:latest: someuser\/tool:latest would be flagged here \(/,
  );
  assert.match(finding.message, /untrusted-image/);
  assert.match(finding.message, /mutable-tag/);
  const image = finding.related?.find((r) => r.elsewhere?.file === '.github/actions/tool/action.yml');
  assert.ok(image, 'related location in the action file');
  assert.equal(image.elsewhere?.start.line, 3);
  assert.deepEqual(
    finding.fixes.map((f) => f.kind),
    ['ignore'],
  );
});

test('a Dockerfile FROM a community image, through action.yaml', async () => {
  const { text, analysis } = await followed(repo.root, '.github/workflows/ci.yml');
  const [finding] = findingsOn(analysis, text, 9, 'action-runs-untrusted-image');
  assert.match(finding.message, /→ Dockerfile → FROM ghcr\.io\/someone\/debian:bookworm: .*\(community-image/);
  const node = use(analysis, './.github/actions/built');
  assert.equal(node.file?.kind === 'local' && node.file.path, '.github/actions/built/action.yaml');
  assert.equal(
    node.children[0].file?.kind === 'local' && node.children[0].file.path,
    '.github/actions/built/Dockerfile',
  );
});

test('multi-stage with ARG defaults, a stage name and scratch: only the real base image, judged silent', async () => {
  const { text, analysis } = await followed(repo.root, '.github/workflows/ci.yml');
  const dockerfile = use(analysis, './.github/actions/stages').children[0];
  assert.equal(dockerfile.target, 'dockerfile');
  assert.deepEqual(
    dockerfile.images.map((i) => [i.reference.text, i.reference.platform, i.reference.editable]),
    [['golang:1.22-bookworm', undefined, false]],
  );
  assert.deepEqual(findingsOn(analysis, text, 10, 'action-runs-untrusted-image'), []);
});

test('a chain of depth three names every hop, with a related location for each', async () => {
  const { text, analysis } = await followed(repo.root, '.github/workflows/ci.yml');
  const [finding] = findingsOn(analysis, text, 11, 'action-runs-untrusted-image');
  assert.match(
    finding.message,
    /^uses: \.\/\.github\/actions\/outer → \.\/\.github\/actions\/middle → \.\/\.github\/actions\/tool → docker:\/\/someuser\/tool:latest:/,
  );
  assert.deepEqual(
    finding.related?.map((r) => r.elsewhere?.file),
    ['.github/actions/outer/action.yml', '.github/actions/middle/action.yml', '.github/actions/tool/action.yml'],
  );
});

test('a cycle ends where it closes', async () => {
  const { analysis } = await followed(repo.root, '.github/workflows/ci.yml');
  const ping = use(analysis, './.github/actions/ping');
  const pong = ping.children[0];
  assert.equal(pong.uses, './.github/actions/pong');
  assert.equal(pong.notFollowed, undefined);
  const again = pong.children[0];
  assert.equal(again.uses, './.github/actions/ping');
  assert.match(again.notFollowed ?? '', /cycle/);
  assert.deepEqual(again.children, []);
});

test('a missing action.yml, an oversized one and a symlink out of the folder are not followed, and say why', async () => {
  const { text, analysis } = await followed(repo.root, '.github/workflows/ci.yml');
  assert.equal(
    use(analysis, './.github/actions/empty').notFollowed,
    'no action.yml or action.yaml in .github/actions/empty',
  );
  assert.match(use(analysis, './.github/actions/big').notFollowed ?? '', /larger than the 1 MiB read limit/);
  assert.match(use(analysis, './.github/actions/escape').notFollowed ?? '', /outside the checked folder/);
  // Nothing from the oversized or the outside file reached a finding.
  for (const line of [14, 15]) assert.deepEqual(findingsOn(analysis, text, line, 'action-runs-untrusted-image'), []);
  assert.ok(!JSON.stringify(analysis.findings.map((f) => f.message)).includes('secret'));
});

test('$/path is this repository at the same commit; a local reusable workflow is followed to its jobs', async () => {
  const { text, analysis } = await followed(repo.root, '.github/workflows/ci.yml');
  assert.equal(findingsOn(analysis, text, 16, 'action-runs-untrusted-image').length, 1);
  const [workflow] = findingsOn(analysis, text, 18, 'action-runs-untrusted-image');
  assert.match(workflow.message, /^uses: \.\/\.github\/workflows\/reusable\.yml → container: someuser\/builder:1\.0:/);
  // No error comes from following, whatever the inner findings were.
  const fromFollowing = analysis.findings.filter((f) => f.reference.kind === 'local');
  assert.ok(fromFollowing.length >= 5);
  assert.deepEqual(
    fromFollowing.filter((f) => f.severity === 'error'),
    [],
  );
});

test('a local action file checked on its own: its Dockerfile is summarised on runs.image', async () => {
  const { text, analysis } = await followed(repo.root, '.github/actions/built/action.yaml');
  const [finding] = analysis.findings.filter((f) => f.rule === 'action-runs-untrusted-image');
  assert.equal(text.slice(finding.span.start, finding.span.end), 'Dockerfile');
  assert.match(finding.message, /^image: Dockerfile → FROM ghcr\.io\/someone\/debian:bookworm/);
});

test('policy: the rule switched off, an ignore pattern, and a suppression comment on the uses: line', async () => {
  const off = await followed(repo.root, '.github/workflows/ci.yml', {
    policy: mergePolicies({ rules: { 'action-runs-untrusted-image': 'off' } }),
  });
  assert.equal(off.analysis.findings.filter((f) => f.rule === 'action-runs-untrusted-image').length, 0);
  const ignored = await followed(repo.root, '.github/workflows/ci.yml', {
    policy: mergePolicies({ ignore: ['someuser/tool:*'] }),
  });
  // The tool's image is ignored everywhere: neither the action nor the chains through it are flagged.
  assert.deepEqual(findingsOn(ignored.analysis, ignored.text, 8, 'action-runs-untrusted-image'), []);
  assert.deepEqual(findingsOn(ignored.analysis, ignored.text, 11, 'action-runs-untrusted-image'), []);
  const dir = copyRepo({
    '.github/workflows/ci.yml':
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/tool # workflow-provenance: ignore[action-runs-untrusted-image]\n',
  });
  const silenced = await followed(dir, '.github/workflows/ci.yml');
  assert.deepEqual(
    silenced.analysis.findings.map((f) => f.rule),
    [],
  );
});

test(`the depth bound: hops past ${maxFollowDepth} are not followed`, async () => {
  const files: Record<string, string> = {
    '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./a1\n',
  };
  for (let i = 1; i <= 6; i++)
    files[`a${i}/action.yml`] = `runs:\n  using: composite\n  steps:\n    - uses: ./a${i + 1}\n`;
  const dir = copyRepo(files);
  const { analysis } = await followed(dir, '.github/workflows/ci.yml');
  let node = use(analysis, './a1');
  for (let depth = 1; depth < maxFollowDepth; depth++) node = node.children[0];
  assert.equal(node.uses, `./a${maxFollowDepth}`);
  assert.equal(node.notFollowed, undefined);
  assert.equal(node.children[0].notFollowed, `deeper than ${maxFollowDepth} levels`);
});

/** A file source over folders named `owner/repo/<ref>/…`, answering with a made-up commit per ref. */
function folderSource(base: string, asked: string[]): ActionFileSource {
  return {
    async fileAt(owner, repo, ref, path): Promise<FetchedFile> {
      asked.push(`${owner}/${repo}@${ref}:${path}`);
      try {
        const text = readFileSync(join(base, owner, repo, ref, path), 'utf8');
        return { kind: 'found', text, commit: ref.length === 40 ? ref : 'c'.repeat(40) };
      } catch {
        return { kind: 'missing' };
      }
    },
  };
}

test('remote: a pinned action using an action by tag, $/ inside it read at the same commit, suppressions ignored', async () => {
  const sha = 'a'.repeat(40);
  const base = mkdtempSync(join(tmpdir(), 'wp-follow-remote-'));
  scratch.push(base);
  const at = (p: string, t: string) => {
    mkdirSync(join(base, p, '..'), { recursive: true });
    writeFileSync(join(base, p), t);
  };
  at(
    `octo/wrap/${sha}/action.yml`,
    'runs:\n  using: composite\n  steps:\n    - uses: $/inner\n    - uses: other/thing@v2\n',
  );
  // The remote author's suppression comment must not hide its image from the user.
  at(
    `octo/wrap/${sha}/inner/action.yml`,
    'runs:\n  using: docker\n  image: docker://someuser/hidden:latest # workflow-provenance: ignore[untrusted-image,mutable-tag]\n',
  );
  const dir = copyRepo({
    '.github/workflows/ci.yml': `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: octo/wrap@${sha}\n`,
  });
  const asked: string[] = [];
  const { analysis } = await followed(dir, '.github/workflows/ci.yml', {}, folderSource(base, asked));
  assert.ok(asked.includes(`octo/wrap@${sha}:inner/action.yml`), `asked: ${asked.join(', ')}`);
  const rules = analysis.findings.map((f) => f.rule).sort();
  assert.deepEqual(rules, ['action-runs-untrusted-image', 'unpinned-inner-action']);
  const inner = analysis.findings.find((f) => f.rule === 'unpinned-inner-action');
  assert.match(
    inner?.message ?? '',
    /other\/thing is used by 'v2', which its owner can move; pinning octo\/wrap does not freeze it/,
  );
  // A remote place has no file an editor could open: it is named in the message, at the uses: line.
  assert.match(inner?.related?.[0].message ?? '', /\(octo\/wrap@aaaaaaaaaaaa:action\.yml line 5\)$/);
  assert.equal(inner?.related?.[0].elsewhere, undefined);
  // other/thing@v2 was not found at the source: not followed, and said so.
  const thing = use(analysis, `octo/wrap@${sha}`).children[1];
  assert.equal(thing.notFollowed, 'no action.yml or action.yaml in the repository root');
});

test('a local path chosen when the workflow runs is not followed, and says so', async () => {
  const dir = copyRepo({
    '.github/workflows/ci.yml':
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/${{ matrix.tool }}\n',
  });
  const { analysis } = await followed(dir, '.github/workflows/ci.yml');
  assert.equal(
    use(analysis, './.github/actions/${{ matrix.tool }}').notFollowed,
    'its path is chosen when the workflow runs',
  );
});

test('without a file source, a published action is not followed: offline', async () => {
  const { analysis } = await followed(repo.root, '.github/workflows/ci.yml');
  const checkout = analysis.followed.find((u) => u.reference.text.startsWith('actions/checkout@'));
  assert.equal(checkout?.node.notFollowed, 'offline');
});

test('Dockerfile reading: continuations, COPY --from an image, a build argument without a default, the escape directive', () => {
  const read = dockerfileImages(
    [
      '# escape=`',
      'ARG TAG',
      'FROM --platform=linux/arm64 `',
      '  alpine:3.20 AS base',
      'COPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/',
      'COPY --from=base /etc/os-release /x',
      'COPY --from=0 /a /b',
      'FROM someuser/tool:${TAG}',
      'FROM ${MISSING:-debian:12}',
    ].join('\n'),
  ).images;
  assert.deepEqual(
    read.map((i) => [i.verb, i.text, i.platform ?? '', i.buildArgument ?? '']),
    [
      ['FROM', 'alpine:3.20', 'linux/arm64', ''],
      ['COPY --from', 'ghcr.io/astral-sh/uv:0.4', '', ''],
      ['FROM', 'someuser/tool:${TAG}', '', 'TAG'],
      ['FROM', 'debian:12', '', ''],
    ],
  );
});

function copyRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wp-follow-case-'));
  scratch.push(dir);
  for (const [name, text] of Object.entries({ ...repoActions(), ...files })) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function repoActions(): Record<string, string> {
  const tool = readFileSync(join(repo.root, '.github/actions/tool/action.yml'), 'utf8');
  return { '.github/actions/tool/action.yml': tool };
}
