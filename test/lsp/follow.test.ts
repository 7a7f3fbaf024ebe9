// Following `uses:` through the real language server: the summary diagnostic on the workflow's line
// with the inner file as related information, the hover's tree of what a `uses:` runs, and Restricted
// Mode, in which a published action is not read; published actions served by the test git server.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver-protocol/node';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { gitMissing, startGitServer } from '../servers/gitServer';
import { followRepoFiles, writeFollowRepo } from '../unit/support/followRepo';
import { LspClient, uriOf } from './lspClient';

const ciText = followRepoFiles['.github/workflows/ci.yml'];
const ciLines = ciText.split('\n');
const lineWith = (needle: string): number => ciLines.findIndex((l) => l.includes(needle));

async function hoverText(client: LspClient, uri: string, line: number, character: number): Promise<string> {
  const hover = await client.hover(uri, line, character);
  return (hover?.contents as MarkupContent | undefined)?.value ?? '';
}

/** The server on the follow repository, online look-ups off and an empty cache of its own. */
async function startOnFollowRepo(t: TestContext) {
  const repo = writeFollowRepo();
  const cache = mkdtempSync(join(tmpdir(), 'wp-lsp-follow-cache-'));
  t.after(() => {
    repo.remove();
    rmSync(cache, { recursive: true, force: true });
  });
  const client = await LspClient.start({
    workspace: repo.root,
    extraArgs: ['--debounce', '0'],
    initializationOptions: { online: { cacheDir: cache } },
  });
  t.after(() => client.stop());
  return { repo, client };
}

test('the summary on the uses: line points into the action file; the hover shows the tree', async (t) => {
  const { repo, client } = await startOnFollowRepo(t);
  const uri = uriOf(join(repo.root, '.github/workflows/ci.yml'));
  const published = await client.diagnostics(uri, (p) =>
    p.diagnostics.some((d) => d.code === 'action-runs-untrusted-image'),
  );
  const chain = published.diagnostics.find(
    (d) => d.code === 'action-runs-untrusted-image' && d.range.start.line === lineWith('actions/outer'),
  );
  assert.ok(chain, JSON.stringify(published.diagnostics.map((d) => [d.code, d.range.start.line])));
  assert.equal(chain.severity, DiagnosticSeverity.Warning);
  assert.deepEqual(
    chain.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line]),
    [
      [uriOf(join(repo.root, '.github/actions/outer/action.yml')), 4],
      [uriOf(join(repo.root, '.github/actions/middle/action.yml')), 4],
      [uriOf(join(repo.root, '.github/actions/tool/action.yml')), 3],
    ],
  );
  // No diagnostic of this feature is an error.
  assert.ok(
    published.diagnostics
      .filter((d) => d.code === 'action-runs-untrusted-image' || d.code === 'unpinned-inner-action')
      .every((d) => d.severity !== DiagnosticSeverity.Error),
  );

  await client.open(uri, ciText);
  const outer = lineWith('actions/outer');
  const value = await hoverText(client, uri, outer, ciLines[outer].indexOf('outer'));
  assert.match(value, /\*\*What it runs\*\*/);
  assert.match(
    value,
    /- `\.\/\.github\/actions\/outer` \(local action\)\n {2}- `\.\/\.github\/actions\/middle` \(local action\)\n {4}- `\.\/\.github\/actions\/tool` \(local action\)\n {6}- `docker:\/\/someuser\/tool:latest`: \*\*warning\*\*: /,
  );

  const ping = lineWith('actions/ping');
  const cycle = await hoverText(client, uri, ping, ciLines[ping].indexOf('ping'));
  assert.match(cycle, /not followed: a cycle/);

  // A published action: online look-ups are off, so it is read from the (empty) cache alone.
  const checkout = lineWith('actions/checkout');
  const remote = await hoverText(client, uri, checkout, ciLines[checkout].indexOf('checkout'));
  assert.match(
    remote,
    /not followed: actions\/checkout@11bd71901bbe5b1630ceea73d27597364c9af683: action\.yml is not in the cache/,
  );
});

test('an unsaved edit to a local action re-checks the workflows that use it', async (t) => {
  const { repo, client } = await startOnFollowRepo(t);
  const uri = uriOf(join(repo.root, '.github/workflows/ci.yml'));
  const tool = lineWith('- uses: ./.github/actions/tool');
  const flagged = (p: { diagnostics: Array<{ code?: string | number; range: { start: { line: number } } }> }) =>
    p.diagnostics.some((d) => d.code === 'action-runs-untrusted-image' && d.range.start.line === tool);
  await client.diagnostics(uri, flagged);
  // The action's buffer now runs an official image by a version tag: the workflow's summary goes.
  const action = uriOf(join(repo.root, '.github/actions/tool/action.yml'));
  await client.open(action, 'name: tool\nruns:\n  using: docker\n  image: docker://alpine:3.20\n');
  const after = await client.diagnostics(uri, (p) => !flagged(p));
  assert.ok(
    after.diagnostics.some((d) => d.code === 'action-runs-untrusted-image'),
    'other chains stay flagged',
  );
});

/** A workspace whose workflow pins `acme/wrap`, a composite action on the test git server using `acme/inner@v1`. */
async function remoteCase(t: TestContext, trusted: boolean) {
  const git = await startGitServer();
  const composite = 'name: wrap\nruns:\n  using: composite\n  steps:\n    - uses: acme/inner@v1\n';
  git.commitFiles(
    'acme/inner',
    { 'action.yml': "name: inner\nruns:\n  using: docker\n  image: 'docker://someuser/hidden:latest'\n" },
    ['v1'],
  );
  const wrap = git.commitFiles('acme/wrap', { 'action.yml': composite }, ['v1']);
  const workspace = mkdtempSync(join(tmpdir(), 'wp-lsp-follow-remote-'));
  const workflow = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: acme/wrap@${wrap} # v1\n`;
  mkdirSync(join(workspace, '.github/workflows'), { recursive: true });
  writeFileSync(join(workspace, '.github/workflows/ci.yml'), workflow);
  const client = await LspClient.start({
    workspace,
    settings: { online: true },
    extraArgs: ['--debounce', '0'],
    initializationOptions: {
      workspaceTrusted: trusted,
      online: { cacheDir: join(workspace, '.cache'), gitBaseUrl: git.baseUrl, timeoutMs: 5000 },
    },
  });
  t.after(async () => {
    await client.stop();
    await git.stop();
    rmSync(workspace, { recursive: true, force: true });
  });
  const uri = uriOf(join(workspace, '.github/workflows/ci.yml'));
  await client.open(uri, workflow);
  const hover = () => hoverText(client, uri, 5, workflow.split('\n')[5].indexOf('wrap'));
  const innerRequests = () => git.requests.filter((r) => r.path.includes('acme/inner')).length;
  return { client, uri, hover, innerRequests };
}

test('online: a pinned published action is read at its commit, and what it uses by tag is followed', {
  skip: gitMissing(),
}, async (t) => {
  const { client, uri, hover, innerRequests } = await remoteCase(t, true);
  const published = await client.diagnostics(
    uri,
    (p) => p.diagnostics.some((d) => d.code === 'action-runs-untrusted-image'),
    20_000,
  );
  const codes = published.diagnostics.map((d) => d.code).sort();
  assert.deepEqual(codes, ['action-runs-untrusted-image', 'unpinned-inner-action']);
  const image = published.diagnostics.find((d) => d.code === 'action-runs-untrusted-image');
  assert.match(String(image?.message ?? ''), /→ acme\/inner@v1 → docker:\/\/someuser\/hidden:latest/);
  // A place in a published action is named in the message, at the uses: line.
  assert.ok(image?.relatedInformation?.every((r) => r.location.uri === uri));
  assert.match(image?.relatedInformation?.[0].message ?? '', /\(acme\/wrap@[0-9a-f]{12}:action\.yml line 5\)/);
  assert.match(await hover(), / {2}- `acme\/inner@v1` \(action, \*\*not pinned\*\*\) at `[0-9a-f]{12}`/);
  assert.ok(innerRequests() > 0);
});

test('Restricted Mode: a published action is not read, and the hover says why', { skip: gitMissing() }, async (t) => {
  const { client, uri, hover, innerRequests } = await remoteCase(t, false);
  await client.diagnostics(uri);
  assert.match(await hover(), /not followed: Restricted Mode: trust the workspace to follow published actions/);
  // Give a read that should not happen time to happen: what the action uses is never asked for.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(innerRequests(), 0);
  assert.deepEqual(
    client.latest.get(uri)?.diagnostics.filter((d) => d.code === 'action-runs-untrusted-image'),
    [],
  );
});

test('a closed workflow whose published action is not in the cache is analysed once, and the status counts the read', async (t) => {
  const { repo, client } = await startOnFollowRepo(t);
  const uri = uriOf(join(repo.root, '.github/workflows/ci.yml'));
  // ci.yml is never opened: the workspace pass checks it, and its pinned actions/checkout is looked
  // for in the empty cache. The answer "not in the cache" changes no finding, so the file is not
  // published a second time; the status stays "resolving" until that read has answered.
  await client.status((s) => s.state === 'idle' && s.lookups === 0 && s.files > 0, 20000);
  assert.ok(
    client.statuses.some((s) => s.lookups > 0),
    'the read of the published action was counted while in flight',
  );
  const published = client.published.filter((p) => p.params.uri === uri);
  assert.equal(published.length, 1, 'published once');
  assert.ok(published[0].params.diagnostics.some((d) => d.code === 'action-runs-untrusted-image'));
});
