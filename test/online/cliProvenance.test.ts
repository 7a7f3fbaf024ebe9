// The CLI with --provenance / --require-provenance against a real registry: the verdict per image in
// JSON and SARIF, exit status 1 when required provenance is missing, 0 when it verifies.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliAsync } from '../unit/support/cli';
import { after, before, describe, test } from 'node:test';
import { sarifSchemaErrors } from '../unit/support/sarifSchema';
import { missingTools, startRegistry, type TestRegistry } from '../servers/registry';
import { RELEASE_IDENTITY, TestSigstore } from '../servers/sigstore';

const skip = missingTools();

interface JsonReport {
  findings: Array<{ rule: string; severity: string; line: number; message: string }>;
  images?: Array<{
    reference: string;
    line: number;
    digest: string | null;
    status: string;
    provenance: { status: string; verified: Array<{ subject?: string }>; rejected: Array<{ reason: string }> } | null;
  }>;
  notChecked?: Array<{ reference: string | null; line: number; reason: string }>;
}

describe('CLI: provenance verdicts and --require-provenance', { skip }, () => {
  let registry: TestRegistry;
  let sigstore: TestSigstore;
  let dir: string;
  let rootFile: string;

  const run = (folder: string, ...args: string[]) =>
    runCliAsync([
      'check',
      '--cache-dir',
      join(dir, '.cache'),
      '--registry-url',
      `${registry.host}=${registry.url}`,
      '--timeout',
      '15000',
      '--trusted-root',
      rootFile,
      ...args,
      folder,
    ]);

  const workspace = (name: string, images: string[]): string => {
    const folder = join(dir, name);
    mkdirSync(join(folder, '.github/workflows'), { recursive: true });
    const lines = ['on: push', 'jobs:'];
    for (const [i, image] of images.entries())
      lines.push(
        `  j${i}:`,
        '    runs-on: ubuntu-latest',
        `    container: ${registry.host}/${image}@${digests[image]}`,
        '    steps:',
        '      - run: echo hi',
      );
    writeFileSync(join(folder, '.github/workflows/ci.yml'), `${lines.join('\n')}\n`);
    // Publishers trusted, so the exit status depends on provenance alone.
    writeFileSync(join(folder, '.github/workflow-provenance.yml'), `trusted-images:\n  - "${registry.host}/**"\n`);
    return folder;
  };
  const digests: Record<string, string> = {};

  before(async () => {
    registry = await startRegistry();
    sigstore = new TestSigstore();
    dir = mkdtempSync(join(tmpdir(), 'wp-cli-provenance-'));
    rootFile = join(dir, 'trusted_root.json');
    writeFileSync(rootFile, JSON.stringify(sigstore.trustedRoot()));
    digests['acme/tools'] = (await registry.pusher.image('acme/tools', '1.4', { platforms: ['linux/amd64'] })).digest;
    await registry.pusher.cosignTag('acme/tools', digests['acme/tools'], 'sig', [
      sigstore.cosignSignature(digests['acme/tools']),
    ]);
    digests['someone/builder'] = (
      await registry.pusher.image('someone/builder', '2', { platforms: ['linux/amd64'] })
    ).digest;
  });

  after(async () => {
    await registry?.stop();
    sigstore?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('--require-provenance passes when every image verifies, and says who signed in JSON', async () => {
    const result = await run(workspace('signed', ['acme/tools']), '--require-provenance', '--format', 'json');
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as JsonReport;
    assert.deepEqual(
      report.findings.filter((f) => f.severity !== 'info'),
      [],
    );
    assert.equal(report.images?.length, 1);
    assert.equal(report.images?.[0].provenance?.status, 'verified');
    assert.equal(report.images?.[0].provenance?.verified[0].subject, RELEASE_IDENTITY.subject);
    assert.equal(report.images?.[0].digest, digests['acme/tools']);
  });

  test('--require-provenance fails (exit 1) on an unsigned image, with provenance-mismatch on its line', async () => {
    const result = await run(
      workspace('mixed', ['acme/tools', 'someone/builder']),
      '--require-provenance',
      '--format',
      'json',
    );
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout) as JsonReport;
    const mismatch = report.findings.filter((f) => f.rule === 'provenance-mismatch');
    assert.deepEqual(
      mismatch.map((f) => [f.line, f.severity]),
      [[10, 'error']],
    );
    assert.match(
      mismatch[0].message,
      /requires verified provenance for \*\*, but .*someone\/builder.* has none: no Sigstore signature or attestation found/,
    );
    assert.deepEqual(
      report.images?.map((i) => i.provenance?.status),
      ['verified', 'none'],
    );
  });

  test('a pattern limits the requirement; --provenance alone reports without failing; SARIF carries the verdicts', async () => {
    const folder = workspace('pattern', ['acme/tools', 'someone/builder']);
    const limited = await run(folder, `--require-provenance=${registry.host}/acme/*`, '--format', 'json');
    assert.equal(limited.code, 0, limited.stderr);
    const report = JSON.parse(limited.stdout) as JsonReport;
    assert.deepEqual(
      report.findings.filter((f) => f.rule === 'unverified-image').map((f) => f.line),
      [10],
    );
    const sarif = await run(folder, '--provenance', '--format', 'sarif');
    assert.equal(sarif.code, 0, sarif.stderr);
    const log = JSON.parse(sarif.stdout) as {
      runs: Array<{ properties?: { provenance?: Array<{ reference: string; provenance: { status: string } }> } }>;
    };
    assert.deepEqual(
      log.runs[0].properties?.provenance?.map((p) => p.provenance.status),
      ['verified', 'none'],
    );
  });

  test('every image has a verdict or a not-checked entry saying why (run time, failed look-up), in JSON and valid SARIF', async () => {
    const folder = workspace('partly', ['acme/tools']);
    // A registry nobody listens on (a closed port on loopback) and an image chosen at run time.
    writeFileSync(
      join(folder, '.github/workflows/more.yml'),
      [
        'on:',
        '  workflow_call:',
        '    inputs:',
        '      image: { type: string }',
        'jobs:',
        '  gone:',
        '    runs-on: ubuntu-latest',
        '    container: unreachable.test/acme/app@sha256:' + 'a'.repeat(64),
        '    steps: [{ run: echo }]',
        '  chosen:',
        '    runs-on: ubuntu-latest',
        '    container: ${{ inputs.image }}',
        '    steps: [{ run: echo }]',
        '',
      ].join('\n'),
    );
    const closed = '--registry-url=unreachable.test=http://127.0.0.1:9';
    const result = await run(folder, '--provenance', closed, '--format', 'json');
    const report = JSON.parse(result.stdout) as JsonReport;
    assert.deepEqual(
      report.images?.map((i) => [i.reference.replace(registry.host, 'REG'), i.status]),
      [
        ['REG/acme/tools@' + digests['acme/tools'], 'verified'],
        ['unreachable.test/acme/app@sha256:' + 'a'.repeat(64), 'not-checked'],
      ],
    );
    assert.deepEqual(
      report.notChecked?.map((n) => [n.line, n.reference]),
      [
        [8, 'unreachable.test/acme/app@sha256:' + 'a'.repeat(64)],
        [12, '${{ inputs.image }}'],
      ],
    );
    assert.match(report.notChecked?.[0].reason ?? '', /^the look-up failed \(/);
    assert.match(report.notChecked?.[1].reason ?? '', /^chosen at run time \(.*inputs/);
    const sarif = await run(folder, '--provenance', closed, '--format', 'sarif');
    const log = JSON.parse(sarif.stdout) as { runs: Array<{ properties?: { notChecked?: unknown[] } }> };
    assert.equal(sarifSchemaErrors(log), '');
    assert.equal(log.runs[0].properties?.notChecked?.length, 2);
  });

  test('without --trusted-root only the shipped public-good root is trusted: the test signer does not verify', async () => {
    // The CLI loads Sigstore's code only when it verifies: this run loads it for the default root alone.
    const result = await runCliAsync([
      'check',
      '--cache-dir',
      join(dir, '.cache-public-good'),
      '--registry-url',
      `${registry.host}=${registry.url}`,
      '--timeout',
      '15000',
      '--provenance',
      '--format',
      'json',
      workspace('public-good', ['acme/tools']),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as JsonReport;
    assert.equal(report.images?.[0].digest, digests['acme/tools']);
    const provenance = report.images?.[0].provenance;
    assert.equal(provenance?.status, 'none');
    assert.deepEqual(
      provenance?.rejected.map((r) => r.reason),
      ['the certificate does not chain to the Sigstore public-good trust root'],
    );
  });

  test('--require-provenance with --offline is refused with a clear message', async () => {
    const result = await run(workspace('offline', ['acme/tools']), '--require-provenance', '--offline');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--provenance and --require-provenance need online look-ups; drop --offline/);
  });
});
