// The CLI follows `uses:` offline: local actions in full (JSON and SARIF name the inner files as related
// locations), published ones only from the cache, with nothing asked of the network.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from './support/cli';
import { writeFollowRepo } from './support/followRepo';

const repo = writeFollowRepo();
const cache = mkdtempSync(join(tmpdir(), 'wp-follow-cache-'));
after(() => {
  repo.remove();
  rmSync(cache, { recursive: true, force: true });
});

interface JsonFinding {
  file: string;
  rule: string;
  severity: string;
  line: number;
  message: string;
  related: Array<{ file?: string; message: string; line: number; column: number }>;
}

test('check --format json --offline: the summary on the uses: line, with the inner files as related locations', () => {
  const r = runCli(['check', '--offline', '--format', 'json', '--cache-dir', cache, '.'], repo.root);
  assert.equal(r.code, 1, r.stderr);
  const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
  const onCi = findings.filter((f) => f.file === '.github/workflows/ci.yml');
  const chain = onCi.find((f) => f.rule === 'action-runs-untrusted-image' && f.line === 11);
  assert.ok(chain, JSON.stringify(onCi.map((f) => [f.rule, f.line])));
  assert.equal(chain.severity, 'warning');
  assert.deepEqual(
    chain.related.map((x) => [x.file, x.line]),
    [
      ['.github/actions/outer/action.yml', 5],
      ['.github/actions/middle/action.yml', 5],
      ['.github/actions/tool/action.yml', 4],
    ],
  );
  // The action files are checked as files of their own too: the image is flagged where it is written.
  const inTool = findings.filter((f) => f.file === '.github/actions/tool/action.yml').map((f) => f.rule);
  assert.deepEqual(inTool.sort(), ['mutable-tag', 'unpinned-image', 'untrusted-image']);
  // The action's Dockerfile is summarised on its own runs.image line.
  const built = findings.find((f) => f.file === '.github/actions/built/action.yaml');
  assert.equal(built?.rule, 'action-runs-untrusted-image');
  // Nothing from the symlink out of the folder; the oversized action is checked as a file of its own
  // (the read limit for whole files is larger) but not followed from the workflow.
  assert.ok(!r.stdout.includes('someuser/secret'));
  assert.ok(!JSON.stringify(onCi).includes('someuser/big'));
  assert.ok(findings.every((f) => f.severity !== 'error' || !f.rule.includes('action')));
});

test('check --format sarif: a related location in another file is that file, relative to the repository root', () => {
  const r = runCli(['check', '--offline', '--format', 'sarif', '--cache-dir', cache, '.'], repo.root);
  const sarif = JSON.parse(r.stdout) as {
    runs: Array<{
      results: Array<{
        ruleId: string;
        relatedLocations: Array<{
          physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
        }>;
      }>;
    }>;
  };
  const result = sarif.runs[0].results.find(
    (x) => x.ruleId === 'unpinned-inner-action' && x.relatedLocations.length === 1,
  );
  assert.ok(result);
  assert.deepEqual(
    result.relatedLocations.map((l) => [l.physicalLocation.artifactLocation.uri, l.physicalLocation.region.startLine]),
    [['.github/actions/setup/action.yml', 5]],
  );
});

test('a file named on its own is followed inside its repository; offline, a published action is not', () => {
  const r = runCli(['check', '--offline', '--cache-dir', cache, '.github/workflows/ci.yml'], repo.root);
  assert.ok(!r.stdout.includes('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 →'), r.stdout);
  assert.match(
    r.stdout,
    /ci\.yml:8:15: warning action-runs-untrusted-image: uses: \.\/\.github\/actions\/tool → docker:\/\/someuser\/tool:latest/,
  );
});

test('check --format json --offline: a published action not in the cache is listed as not followed, with why', () => {
  const r = runCli(['check', '--offline', '--format', 'json', '--cache-dir', cache, '.'], repo.root);
  const { notChecked } = JSON.parse(r.stdout) as {
    notChecked?: Array<{ file: string; line: number; reference?: string; reason: string }>;
  };
  const checkout = notChecked?.find(
    (n) => n.file === '.github/workflows/ci.yml' && n.reference?.startsWith('actions/checkout@'),
  );
  assert.ok(checkout, JSON.stringify(notChecked));
  assert.match(checkout.reason, /^not followed: .*action\.yml is not in the cache$/);
  // Local actions that were read are not listed.
  assert.ok(!notChecked?.some((n) => n.reference === './.github/actions/outer'));
});
