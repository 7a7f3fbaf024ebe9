// Every place an image or action can hide, with the exact span of the reference text.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { parseDocument } from 'yaml';
import { describeImage } from '../../server/src/engine';
import { check, lineOf, only, ready, spanText, yaml } from './support/engine';

before(ready);

function images(text: string, path?: string) {
  return check(text, { path }).images.map((i) => ({
    text: i.text,
    at: spanText(text, i.span),
    line: lineOf(text, i.span.start),
    source: i.source,
    platform: i.platform,
    editable: i.editable,
  }));
}

test('job container as a string and as a mapping, with docker:// and --platform options', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    container: docker://ghcr.io/someone/tool:1.0',
    '    steps: [{run: echo}]',
    '  b:',
    '    runs-on: ubuntu-latest',
    '    container:',
    "      image: 'node:22-bookworm' # a comment",
    '      options: --platform linux/s390x --privileged',
    '    steps: [{run: echo}]',
  );
  const found = images(text);
  assert.deepEqual(found, [
    {
      text: 'ghcr.io/someone/tool:1.0',
      at: 'ghcr.io/someone/tool:1.0',
      line: 5,
      source: 'container',
      platform: undefined,
      editable: true,
    },
    {
      text: 'node:22-bookworm',
      at: 'node:22-bookworm',
      line: 10,
      source: 'container',
      platform: 'linux/s390x',
      editable: true,
    },
  ]);
  // node 22-bookworm publishes amd64, arm32v7, arm64v8, ppc64le: no s390x.
  const r = check(text);
  assert.equal(only(r.findings, 'unsupported-platform').length, 1);
  assert.match(only(r.findings, 'unsupported-platform')[0].message, /linux\/s390x/);
});

test('services (string image, mapping image) and step uses: docker://', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    services:',
    '      db:',
    '        image: postgres:16',
    '      cache:',
    '        image: "docker://redis:7"',
    '    steps:',
    '      - uses: docker://prominfra/prombench:master',
    '        with: {args: x}',
  );
  assert.deepEqual(
    images(text).map((i) => [i.at, i.line, i.source]),
    [
      ['postgres:16', 7, 'service'],
      ['redis:7', 9, 'service'],
      ['prominfra/prombench:master', 11, 'docker-uses'],
    ],
  );
});

test('run: scripts in block scalars map back to file positions; built images are skipped, unset variables are run-time', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: |',
    '          docker build -t localtool .',
    '          docker run --rm localtool',
    '          for v in 1 2; do',
    '            docker run --rm \\',
    '              -v "$PWD:/src" \\',
    '              quay.io/someone/builder:2 make',
    '          done',
    '          docker run "$UNKNOWN_IMAGE"',
    '      - run: docker pull alpine:3.20 && podman run --platform=linux/arm64 debian:bookworm true',
  );
  const found = images(text);
  assert.deepEqual(
    found.map((i) => [i.at, i.line, i.platform]),
    [
      ['quay.io/someone/builder:2', 12, undefined],
      ['$UNKNOWN_IMAGE', 14, undefined],
      ['alpine:3.20', 15, undefined],
      ['debian:bookworm', 15, 'linux/arm64'],
    ],
  );
  assert.ok(found.every((i) => i.source === 'run-script' && i.editable === (i.at !== '$UNKNOWN_IMAGE')));
  const runtime = only(check(text).findings, 'runtime-image');
  assert.deepEqual(
    runtime.map((f) => [spanText(text, f.span), f.message]),
    [
      [
        '$UNKNOWN_IMAGE',
        '$UNKNOWN_IMAGE picks the image at run time: $UNKNOWN_IMAGE is not set in this file (an earlier step or the runner sets it); its provenance cannot be checked here',
      ],
    ],
  );
});

test('images passed to actions as inputs, with --platform in options', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: addnab/docker-run-action@v3',
    '        with:',
    '          image: someone/runner:1',
    '          options: --platform linux/riscv64',
    '      - uses: docker/setup-qemu-action@v3',
    '      - uses: PyO3/maturin-action@v1',
    '        with:',
    '          container: quay.io/pypa/manylinux2014_x86_64',
    '      - uses: PyO3/maturin-action@v1',
    '        with:',
    '          container: "off"',
  );
  const found = images(text);
  assert.deepEqual(
    found.map((i) => [i.text, i.line, i.source, i.platform]),
    [
      ['someone/runner:1', 8, 'action-input', 'linux/riscv64'],
      ['tonistiigi/binfmt:latest', 10, 'action-implicit', undefined],
      ['quay.io/pypa/manylinux2014_x86_64', 13, 'action-input', undefined],
    ],
  );
  assert.equal(found[1].editable, false, 'an implicit image has no text to rewrite');
});

const loongWorkflow = yaml(
  'on: push',
  'jobs:',
  '  cross:',
  '    runs-on: ubuntu-latest',
  '    strategy:',
  '      matrix:',
  '        platform:',
  '          - target: aarch64-unknown-linux-gnu',
  '            arch: aarch64',
  '          - target: arm-unknown-linux-gnueabihf',
  '            arch: arm',
  '          - target: loongarch64-unknown-linux-gnu',
  '            arch: loong64',
  '            base_image: --platform=linux/loong64 ghcr.io/loong64/debian:trixie',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '      - uses: uraimo/run-on-arch-action@v3',
  '        with:',
  "          arch: ${{ matrix.platform.arch == 'arm' && 'armv6' || matrix.platform.arch }}",
  "          distro: ${{ matrix.platform.arch == 'arm' && 'bullseye' || 'ubuntu22.04' }}",
  "          base_image: ${{ matrix.platform.base_image || '' }}",
  '          run: uname -a',
);

test('run-on-arch: base_image through the matrix sits on the matrix value, without the --platform flag', () => {
  const r = check(loongWorkflow);
  const loong = r.images.find((i) => i.text === 'ghcr.io/loong64/debian:trixie');
  assert.ok(loong, 'the LoongArch image is found');
  assert.equal(spanText(loongWorkflow, loong.span), 'ghcr.io/loong64/debian:trixie');
  assert.equal(lineOf(loongWorkflow, loong.span.start), 14);
  assert.equal(loong.platform, 'linux/loong64');
  assert.equal(loong.editable, true);
  assert.equal(loong.via?.length, 1);
  assert.equal(lineOf(loongWorkflow, loong.via![0].span.start), 21);
  assert.equal(loong.via![0].expression, "${{ matrix.platform.base_image || '' }}");
  const community = only(r.findings, 'community-image');
  assert.equal(community.length, 1);
  assert.match(community[0].message, /official image debian does not publish linux\/loong64/);
  assert.equal(community[0].related?.length, 1);
  assert.equal(
    community[0].fixes.some((f) => f.kind === 'switch-official'),
    false,
    'no official image for loong64: no switch',
  );
});

test('run-on-arch: arch + distro choose implicit images, evaluated per matrix combination', () => {
  const r = check(loongWorkflow);
  const implicit = r.images
    .filter((i) => i.source === 'action-implicit')
    .map((i) => [i.text, i.platform, lineOf(loongWorkflow, i.span.start)]);
  assert.deepEqual(implicit, [
    ['arm64v8/ubuntu:22.04', 'linux/arm64', 20],
    ['balenalib/rpi-raspbian:bullseye', 'linux/arm/v6', 20],
  ]);
  // balenalib is a Docker Verified Publisher (balena): the implicit image is vouched for, not warned about.
  assert.equal(only(r.findings, 'untrusted-image').length, 0);
  const balena = r.images.find((i) => i.text === 'balenalib/rpi-raspbian:bullseye');
  assert.ok(balena);
  assert.equal(describeImage(balena).standing, 'verified-publisher');
});

test('partial templates and include/exclude: each combination, finding on the matrix value', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    strategy:',
    '      matrix:',
    '        manylinux: [manylinux2014, manylinux_2_28]',
    '        py: ["3.12", "3.13"]',
    '        exclude:',
    '          - manylinux: manylinux2014',
    '            py: "3.13"',
    '        include:',
    '          - manylinux: musllinux_1_2',
    '            py: "3.12"',
    '    container: quay.io/someone/${{ matrix.manylinux }}_x86_64',
    '    steps: [{run: echo}]',
  );
  const r = check(text);
  const found = r.images.map((i) => [i.text, spanText(text, i.span), i.editable]);
  assert.deepEqual(found, [
    ['quay.io/someone/manylinux2014_x86_64', 'manylinux2014', false],
    ['quay.io/someone/manylinux_2_28_x86_64', 'manylinux_2_28', false],
    ['quay.io/someone/musllinux_1_2_x86_64', 'musllinux_1_2', false],
  ]);
  assert.ok(r.images.every((i) => i.via && lineOf(text, i.via[0].span.start) === 15));
});

test('values known only at run time, runner labels in a matrix key called image, scratch and empty values are not findings', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ${{ matrix.image }}',
    '    strategy:',
    '      matrix:',
    '        image: [ubuntu-24.04-arm, ubuntu-latest]',
    '        container: ["", "debian:trixie"]',
    '    container: ${{ matrix.container }}',
    '    services:',
    '      db:',
    '        image: ${{ inputs.db_image }}',
    '    steps:',
    '      - run: docker run ${{ secrets.PRIVATE_IMAGE }}',
    '      - uses: docker://${{ vars.TOOL }}',
  );
  const r = check(text);
  assert.deepEqual(
    r.images.filter((i) => !i.runtimeValue).map((i) => i.text),
    ['debian:trixie'],
  );
  assert.equal(r.findings.filter((f) => f.severity !== 'info').length, 0, r.findings.map((f) => f.message).join('\n'));
  // Values chosen at run time are named, at information level, where they are written.
  assert.deepEqual(
    only(r.findings, 'runtime-image').map((f) => [lineOf(text, f.span.start), spanText(text, f.span)]),
    [
      [12, '${{ inputs.db_image }}'],
      [14, '${{ secrets.PRIVATE_IMAGE }}'],
      [15, '${{ vars.TOOL }}'],
    ],
  );
  assert.match(only(r.findings, 'runtime-image')[0].message, /from 'inputs', known only when the workflow runs/);
});

test('a docker action (runs.image) and a composite action (runs.steps)', () => {
  const docker = yaml('name: x', 'runs:', '  using: docker', "  image: 'docker://someone/action-image:v1'");
  assert.deepEqual(
    images(docker, 'action.yml').map((i) => [i.at, i.source]),
    [['someone/action-image:v1', 'action-runs']],
  );
  const dockerfile = yaml('name: x', 'runs:', '  using: docker', '  image: Dockerfile');
  assert.deepEqual(images(dockerfile, 'action.yml'), []);
  const composite = yaml(
    'name: x',
    'runs:',
    '  using: composite',
    '  steps:',
    '    - uses: actions/cache@v4',
    '    - run: docker run --rm ghcr.io/x/y:1',
    '      shell: bash',
  );
  const r = check(composite, { path: 'action.yml' });
  assert.equal(r.kind, 'action');
  assert.deepEqual(
    r.images.map((i) => i.text),
    ['ghcr.io/x/y:1'],
  );
  assert.deepEqual(
    r.actions.map((a) => a.text),
    ['actions/cache@v4'],
  );
});

test('action references: steps, reusable workflows, version comments; local and docker uses are not actions', () => {
  const sha = 'b4ffde65f46336ab88eb53be808477a3936bae11';
  const text = yaml(
    'on: push',
    'jobs:',
    '  call:',
    '    uses: octo/shared/.github/workflows/build.yml@main',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    `      - uses: actions/checkout@${sha} # v4.1.1`,
    '      - uses: ./local-action',
    '      - uses: docker://alpine:3.20',
    "      - uses: 'github/codeql-action/init@v3'",
  );
  const r = check(text);
  assert.deepEqual(
    r.actions.map((a) => [
      spanText(text, a.span),
      a.owner,
      a.repo,
      a.path,
      a.ref,
      a.reusableWorkflow,
      a.commentVersion,
    ]),
    [
      [
        'octo/shared/.github/workflows/build.yml@main',
        'octo',
        'shared',
        '.github/workflows/build.yml',
        'main',
        true,
        undefined,
      ],
      [`actions/checkout@${sha}`, 'actions', 'checkout', undefined, sha, false, 'v4.1.1'],
      ['github/codeql-action/init@v3', 'github', 'codeql-action', 'init', 'v3', false, undefined],
    ],
  );
  assert.deepEqual(
    only(r.findings, 'unpinned-action').map((f) => lineOf(text, f.span.start)),
    [4, 11],
  );
  const refSpan = r.actions[2].refSpan;
  assert.equal(spanText(text, refSpan), 'v3');
});

test('broken YAML is analysed as far as it parses', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    container: ghcr.io/loong64/debian:trixie',
    '    steps:',
    '      - run: "unterminated',
    '  b: [',
  );
  const r = check(text);
  assert.ok(r.syntaxErrors.length > 0);
  assert.ok(only(r.findings, 'community-image').length === 1);
  assert.ok(parseDocument(text).errors.length > 0);
});

test('duplicate keys are found in small and large mappings alike, compared by value and type', () => {
  const env = (keys: string[]) => ['on: push', 'env:', ...keys.map((k, i) => `  ${k}: v${i}`), 'jobs: {}'];
  const small = yaml(...env(['A', 'B', 'A', '1', "'1'", 'A']));
  const large = yaml(...env(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'A', '1', "'1'", 'A']));
  // The third `A` is reported once, as the second is; the number 1 and the string '1' are different keys.
  assert.deepEqual(
    check(small).syntaxErrors.map((e) => lineOf(small, e.span.start)),
    [5, 8],
  );
  assert.deepEqual(
    check(large).syntaxErrors.map((e) => lineOf(large, e.span.start)),
    [12, 15],
  );
});

test('a duplicate key is reported (GitHub rejects it) and the last value is analysed', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    container: debian:trixie',
    '    container: ghcr.io/loong64/debian:trixie',
    '    steps: [{run: x}]',
  );
  const r = check(text);
  assert.deepEqual(
    r.syntaxErrors.map((e) => [lineOf(text, e.span.start), e.message]),
    [[6, 'Map keys must be unique']],
  );
  assert.deepEqual(
    r.images.map((i) => i.text),
    ['ghcr.io/loong64/debian:trixie'],
  );
});

test('an action without a ref is reported: GitHub needs one, and it should be a commit', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    steps:',
    '      - uses: actions/checkout',
    '      - uses: actions/cache@',
  );
  const r = check(text);
  const f = only(r.findings, 'unpinned-action');
  assert.deepEqual(
    f.map((x) => [lineOf(text, x.span.start), spanText(text, x.span)]),
    [
      [6, 'actions/checkout'],
      [7, 'actions/cache@'],
    ],
  );
  assert.match(f[0].message, /has no @ref/);
});
