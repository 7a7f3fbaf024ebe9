// Each rule with a small fixture that must fire and one that must not.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { check, containerJob as job, only, ready, yaml } from './support/engine';

before(ready);

const digest = 'sha256:' + 'ab'.repeat(32);

interface Case {
  rule: string;
  fires: string[];
  silent: string[];
}

const cases: Case[] = [
  {
    rule: 'community-image',
    fires: ['ghcr.io/loong64/debian:trixie', 'loong64/debian:trixie', 'someone/node:22', 'quay.io/someone/alpine:3.20'],
    silent: [
      'debian:trixie',
      'library/debian:trixie',
      'arm64v8/debian:trixie',
      'public.ecr.aws/docker/library/debian:trixie',
      'someone/tool:1',
      'mcr.microsoft.com/dotnet/sdk:8.0',
    ],
  },
  {
    rule: 'untrusted-image',
    fires: ['someone/tool:1', 'quay.io/someone/x:2', 'ghcr.io/other/thing:3'],
    silent: [
      'debian:trixie',
      'ghcr.io/loong64/debian:trixie',
      'gcr.io/distroless/static:nonroot',
      'cgr.dev/chainguard/python:latest',
      'quay.io/pypa/manylinux2014_x86_64',
    ],
  },
  {
    rule: 'mutable-tag',
    fires: [
      'debian',
      'debian:latest',
      'someone/tool:master',
      'alpine:edge',
      'ghcr.io/x/y:nightly',
      'x/y:main',
      'x/y:dev',
      'fedora:rawhide',
      'debian:sid-slim',
      'opensuse/tumbleweed:latest',
    ],
    silent: [
      'debian:trixie',
      `debian:latest@${digest}`,
      `debian@${digest}`,
      'alpine:3.20',
      'node:22.1.0',
      'fedora:42',
      'x/y:development-tools-1',
    ],
  },
  {
    rule: 'unpinned-image',
    fires: ['debian:trixie', 'ghcr.io/x/y:1'],
    silent: [`debian:trixie@${digest}`, `ghcr.io/x/y@${digest}`],
  },
  {
    rule: 'invalid-image-reference',
    fires: ['Debian:Trixie', 'debian:trixie@sha256:abc', 'debian::trixie', '"debian trixie"', '"debian:"'],
    silent: ['debian:trixie', 'localhost:5000/x:1', '"[::1]:5000/team/app:2"'],
  },
];

for (const c of cases) {
  for (const image of c.fires) {
    test(`${c.rule} fires on ${image}`, () => {
      const r = check(job(image));
      assert.equal(
        only(r.findings, c.rule).length,
        1,
        `findings: ${r.findings.map((f) => `${f.rule}: ${f.message}`).join('; ')}`,
      );
    });
  }
  for (const image of c.silent) {
    test(`${c.rule} is silent on ${image}`, () => {
      const r = check(job(image));
      assert.equal(
        only(r.findings, c.rule).length,
        0,
        only(r.findings, c.rule)
          .map((f) => f.message)
          .join('; '),
      );
    });
  }
}

test('community-image names the official image and whether it publishes the requested platform', () => {
  const r = check(
    job(
      'ghcr.io/someone/debian:bookworm',
      ['    # platform from options', '    options: --platform linux/arm64'].slice(1),
    ),
  );
  void r;
  const mapped = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    container:',
    '      image: ghcr.io/someone/debian:bookworm',
    '      options: --platform linux/arm64',
    '    steps: [{run: x}]',
  );
  const f = only(check(mapped).findings, 'community-image')[0];
  assert.match(f.message, /the official image debian publishes linux\/arm64/);
  assert.ok(f.fixes.some((x) => x.kind === 'switch-official'));
});

test('unsupported-platform: official images, per-architecture namespaces, and silence when unknown', () => {
  const run = (line: string) =>
    check(yaml('on: push', 'jobs:', '  a:', '    runs-on: x', '    steps:', `      - run: ${line}`)).findings;
  assert.equal(only(run('docker run --platform linux/riscv64 debian:bookworm true'), 'unsupported-platform').length, 1);
  assert.equal(only(run('docker run --platform linux/riscv64 debian:trixie true'), 'unsupported-platform').length, 0);
  assert.equal(
    only(run('docker run --platform linux/arm64 debian:bookworm true'), 'unsupported-platform').length,
    0,
    'arm64 is arm64/v8',
  );
  assert.equal(
    only(run('docker run --platform linux/amd64 arm64v8/debian:bookworm true'), 'unsupported-platform').length,
    1,
  );
  assert.equal(only(run('docker run --platform linux/loong64 debian:trixie true'), 'unsupported-platform').length, 1);
  // A community image's platforms are unknown offline: no claim either way.
  assert.equal(
    only(run('docker run --platform linux/loong64 ghcr.io/loong64/debian:trixie true'), 'unsupported-platform').length,
    0,
  );
  const f = only(run('docker run --platform linux/loong64 debian:trixie true'), 'unsupported-platform')[0];
  assert.equal(f.severity, 'error');
  assert.match(f.message, /not published for linux\/loong64; it publishes linux\/amd64, .*linux\/riscv64/);
});

test('unpinned-action fires on tags and branches, not on full commit SHAs', () => {
  const steps = (uses: string) =>
    yaml('on: push', 'jobs:', '  a:', '    runs-on: x', '    steps:', `      - uses: ${uses}`);
  assert.equal(only(check(steps('actions/checkout@v4')).findings, 'unpinned-action').length, 1);
  assert.equal(only(check(steps('actions/checkout@main')).findings, 'unpinned-action').length, 1);
  assert.equal(
    only(check(steps('actions/checkout@b4ffde6')).findings, 'unpinned-action').length,
    1,
    'a short SHA is not a pin',
  );
  assert.equal(
    only(check(steps('actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11')).findings, 'unpinned-action').length,
    0,
  );
  assert.equal(only(check(steps('./.github/actions/local')).findings, 'unpinned-action').length, 0);
});

test('online rules need resolved facts: stale-digest and action-ref-mismatch', () => {
  const pinned = `debian:trixie@${digest}`;
  const text = job(pinned);
  assert.equal(only(check(text).findings, 'stale-digest').length, 0, 'offline: no claim');
  const moved = 'sha256:' + 'cd'.repeat(32);
  const resolved = {
    images: new Map([
      [
        `docker.io/library/debian:trixie@${digest}`,
        { digest: moved, platforms: ['linux/amd64', 'linux/arm64/v8'], fetchedAt: '2026-11-24T00:00:00Z' },
      ],
    ]),
    actions: new Map(),
  };
  const stale = only(check(text, { resolved }).findings, 'stale-digest');
  assert.equal(stale.length, 1);
  assert.match(stale[0].message, /now points at sha256:cdcdcdcd/);
  // A pin of one platform's manifest is not compared with the tag's index.
  const onePlatform = {
    images: new Map([
      [`docker.io/library/debian:trixie@${digest}`, { digest: moved, platforms: ['linux/amd64'], fetchedAt: 'now' }],
    ]),
    actions: new Map(),
  };
  assert.equal(only(check(text, { resolved: onePlatform }).findings, 'stale-digest').length, 0);
  const sha = 'b4ffde65f46336ab88eb53be808477a3936bae11';
  const wf = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    steps:',
    `      - uses: actions/checkout@${sha} # v4.1.1`,
  );
  const other = '1'.repeat(40);
  const actions = new Map([[`actions/checkout@${sha}`, { commit: sha, commentTagCommit: other, fetchedAt: 'now' }]]);
  assert.equal(only(check(wf, { resolved: { images: new Map(), actions } }).findings, 'action-ref-mismatch').length, 1);
  const agree = new Map([[`actions/checkout@${sha}`, { commit: sha, commentTagCommit: sha, fetchedAt: 'now' }]]);
  assert.equal(
    only(check(wf, { resolved: { images: new Map(), actions: agree } }).findings, 'action-ref-mismatch').length,
    0,
  );
});

test('unsupported-platform uses the registry index when online facts are there', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    steps:',
    '      - run: docker run --platform linux/loong64 ghcr.io/loong64/debian:trixie true',
  );
  const resolved = {
    images: new Map([
      ['ghcr.io/loong64/debian:trixie', { digest, platforms: ['linux/amd64', 'linux/arm64'], fetchedAt: 'now' }],
    ]),
    actions: new Map(),
  };
  const f = only(check(text, { resolved }).findings, 'unsupported-platform');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /registry index/);
});
