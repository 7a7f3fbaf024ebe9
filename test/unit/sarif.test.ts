// SARIF as code scanning needs it, validated against the SARIF 2.1.0 JSON schema (support/sarifSchema.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, seedWorkflow, workspace } from './support/cli';
import { projectRoot } from './support/engine';
import { sarifSchemaErrors } from './support/sarifSchema';

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}
interface Location {
  id?: number;
  physicalLocation: { artifactLocation: ArtifactLocation; region?: { startLine: number } };
}
interface Result {
  ruleId: string;
  message: { text: string };
  locations: Location[];
  relatedLocations: Location[];
  partialFingerprints: Record<string, string>;
  fixes: Array<{ artifactChanges: Array<{ artifactLocation: ArtifactLocation }> }>;
}
interface Sarif {
  runs: Array<{
    tool: {
      driver: {
        rules: Array<{ id: string; properties: { tags: string[]; precision: string; 'security-severity': string } }>;
      };
    };
    invocations: Array<{ toolExecutionNotifications: Array<{ message: { text: string }; locations: Location[] }> }>;
    originalUriBaseIds: Record<string, { uri: string }>;
    results: Result[];
  }>;
}

function sarifOf(args: string[], cwd: string): Sarif {
  const r = runCli(['check', '--offline', '--format', 'sarif', ...args], cwd);
  assert.ok(r.code === 0 || r.code === 1 || r.code === 2, r.stderr);
  const sarif = JSON.parse(r.stdout) as Sarif;
  assert.equal(sarifSchemaErrors(sarif), '');
  return sarif;
}

function artifactLocations(s: Sarif): ArtifactLocation[] {
  return s.runs[0].results.flatMap((r) => [
    ...r.locations.map((l) => l.physicalLocation.artifactLocation),
    ...r.relatedLocations.map((l) => l.physicalLocation.artifactLocation),
    ...r.fixes.flatMap((f) => f.artifactChanges.map((c) => c.artifactLocation)),
  ]);
}

const twice = [
  'on: push',
  'jobs:',
  '  a:',
  '    runs-on: x',
  '    steps:',
  '      - run: docker run someone/tool:1',
  '      - run: docker run someone/tool:1',
  '  b:',
  '    runs-on: x',
  '    container: someone/tool:1',
  '    steps: [{run: x}]',
  '',
].join('\n');

test('the validator rejects what is not SARIF 2.1.0 (so a pass means something)', () => {
  assert.notEqual(sarifSchemaErrors({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), '');
  assert.notEqual(sarifSchemaErrors({ version: '2.0.0', runs: [] }), '');
  assert.notEqual(
    sarifSchemaErrors({
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }],
    }),
    '',
  );
});

test('every uri is relative to the repository root with %SRCROOT%, whatever folder was passed and from wherever', () => {
  const dir = workspace({
    '.git/HEAD': 'x',
    'sub/.github/workflows/release.yml': seedWorkflow,
    'sub/.github/workflows/twice.yml': twice,
  });
  const expected = new Set(['sub/.github/workflows/release.yml', 'sub/.github/workflows/twice.yml']);
  for (const [args, cwd] of [
    [['.'], dir],
    [['sub'], dir],
    [[join(dir, 'sub/.github')], '/'],
    [[join(dir, 'sub/.github/workflows/release.yml'), 'sub/.github/workflows/twice.yml'], dir],
  ] as const) {
    const s = sarifOf([...args], cwd);
    assert.equal(s.runs[0].originalUriBaseIds['%SRCROOT%'].uri, `file://${dir}/`);
    const locations = artifactLocations(s);
    assert.ok(locations.length > 5);
    for (const l of locations) {
      assert.equal(l.uriBaseId, '%SRCROOT%', JSON.stringify(args));
      assert.ok(expected.has(l.uri), `${l.uri} for ${JSON.stringify(args)} from ${cwd}`);
    }
  }
});

test('rules carry security-severity, precision and the security tags; related locations are linked from the message', () => {
  const s = sarifOf(['.'], join(projectRoot(), 'examples'));
  for (const rule of s.runs[0].tool.driver.rules) {
    const severity = Number(rule.properties['security-severity']);
    assert.ok(severity > 0 && severity <= 10 && /^\d+\.\d$/.test(rule.properties['security-severity']), rule.id);
    assert.ok(['very-high', 'high', 'medium', 'low'].includes(rule.properties.precision), rule.id);
    assert.deepEqual(rule.properties.tags, ['security', 'supply-chain']);
  }
  const withRelated = s.runs[0].results.filter((r) => r.relatedLocations.length > 0);
  assert.ok(withRelated.length > 0, 'the examples have matrix findings with related locations');
  for (const r of withRelated) {
    for (const l of r.relatedLocations)
      assert.ok(r.message.text.includes(`](${l.id})`), `${r.message.text} should link related location ${l.id}`);
  }
});

test('one fingerprint per finding: unique, and unchanged when lines move', () => {
  const dir = workspace({
    '.git/HEAD': 'x',
    '.github/workflows/twice.yml': twice,
    '.github/workflows/release.yml': seedWorkflow,
  });
  const prints = (s: Sarif) =>
    s.runs[0].results.map((r) => {
      assert.deepEqual(Object.keys(r.partialFingerprints), ['workflowProvenance/v1']);
      return r.partialFingerprints['workflowProvenance/v1'];
    });
  const before = prints(sarifOf(['.'], dir));
  assert.equal(new Set(before).size, before.length, 'unique');
  assert.equal(before.length, 8, 'the same image three times still gives distinct findings');
  const moved = workspace({
    '.git/HEAD': 'x',
    '.github/workflows/twice.yml': `# a comment\n\n${twice}`,
    '.github/workflows/release.yml': seedWorkflow,
  });
  assert.deepEqual(prints(sarifOf(['.'], moved)).sort(), [...before].sort());
});

test('files that could not be checked are tool notifications, and the log still validates', () => {
  const dir = workspace({ '.git/HEAD': 'x', '.github/workflows/broken.yml': 'on: push\njobs:\n  a: [\n' });
  const s = sarifOf(['.'], dir);
  const n = s.runs[0].invocations[0].toolExecutionNotifications;
  assert.equal(n.length, 1);
  assert.match(n[0].message.text, /^YAML: /);
  assert.equal(n[0].locations[0].physicalLocation.artifactLocation.uri, '.github/workflows/broken.yml');
});

test('what the engine left out is listed, with where and why, in json and in SARIF run properties (still valid SARIF)', () => {
  const deep = `${'['.repeat(97)}x${']'.repeat(97)}`;
  const text = `on: push\njobs:\n  a:\n    runs-on: x\n    container: someuser/tool:1\n    env:\n      DEEP: ${deep}\n    steps: [{run: x}]\n`;
  const dir = workspace({ '.github/workflows/ci.yml': text });
  const json = JSON.parse(runCli(['check', '--offline', '--format', 'json', '.'], dir).stdout) as {
    images?: unknown;
    notChecked: Array<{ file: string; line: number; reference: string | null; reason: string }>;
  };
  assert.equal(json.images, undefined, 'no verdicts without --provenance');
  assert.deepEqual(
    json.notChecked.map((n) => [n.line, n.reference]),
    [[7, null]],
  );
  assert.match(json.notChecked[0].reason, /nested deeper than/);
  const sarif = sarifOf(['.'], dir) as Sarif & {
    runs: Array<{ properties?: { notChecked?: Array<{ line: number }> } }>;
  };
  assert.deepEqual(
    sarif.runs[0].properties?.notChecked?.map((n) => n.line),
    [7],
  );
  // A file with nothing left out adds no key: the log a user already parses keeps its shape. (Offline,
  // a published action is not followed and is listed, so this file uses none.)
  const clean = workspace({
    '.github/workflows/ci.yml':
      'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n',
  });
  assert.deepEqual(Object.keys(JSON.parse(runCli(['check', '--offline', '--format', 'json', '.'], clean).stdout)), [
    'findings',
  ]);
});
