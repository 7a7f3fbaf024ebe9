// Images wherever real projects put them: environment variables, shell words with glued options,
// variables set only at run time, local images, `fromJSON` of literal JSON, platforms that stay
// expressions. Each class: a fixture that must fire (rule, range, message) and one that must not.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { check, lineOf, oneJob, only, ready, spanText, yaml } from './support/engine';

before(ready);

/** The head of a workflow whose first job is `a`. */
const jobA = ['on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest'];

/** `[rule, line, text under the range]` of every finding, for one rule or all. */
function found(text: string, rule?: string): Array<[string, number, string]> {
  const findings = check(text).findings.filter((f) => rule === undefined || f.rule === rule);
  return findings.map((f) => [f.rule, lineOf(text, f.span.start), spanText(text, f.span)]);
}

// A large project's cross-build: the image and the architecture travel from a matrix list, through
// job `env:`, into `docker run --platform=linux/${ARCH} … ${DOCKER_CONTAINER}`.
const crossBuild = yaml(
  'on: push',
  'jobs:',
  '  cross:',
  '    runs-on: ubuntu-latest',
  '    strategy:',
  '      matrix:',
  '        BUILD_PROP:',
  '          - [loongarch64, loong64, ghcr.io/somebody/debian-loong64:trixie]',
  '          - [riscv64, riscv64, debian:trixie]',
  '    env:',
  '      ARCH: ${{ matrix.BUILD_PROP[1] }}',
  '      DOCKER_CONTAINER: ${{ matrix.BUILD_PROP[2] }}',
  '    steps:',
  '      - run: |',
  '          docker run --rm --platform=linux/${ARCH} -v"$PWD:$PWD" -w"$PWD" ${DOCKER_CONTAINER} ./build.sh',
);

test('env: a matrix value carried through job env into docker run is found on the matrix, with the consumers as related places', () => {
  const untrusted = only(check(crossBuild).findings, 'untrusted-image');
  assert.equal(untrusted.length, 1);
  const f = untrusted[0];
  assert.equal(lineOf(crossBuild, f.span.start), 8);
  assert.equal(spanText(crossBuild, f.span), 'ghcr.io/somebody/debian-loong64:trixie');
  assert.equal(
    f.message,
    "ghcr.io/somebody/debian-loong64:trixie comes from ghcr.io/somebody, a publisher nobody here vouches for (not official, not a known publisher, not the repository's own, not trusted by the policy)",
  );
  assert.deepEqual(
    f.related?.map((r) => [lineOf(crossBuild, r.span.start), spanText(crossBuild, r.span)]),
    [
      [15, '${DOCKER_CONTAINER}'],
      [12, '${{ matrix.BUILD_PROP[2] }}'],
    ],
  );
  assert.equal(f.reference.kind === 'image' && f.reference.editable, true, 'the matrix value itself can be rewritten');
  // The platform is known per combination: linux/loong64 with the first image, linux/riscv64 with the second.
  const images = check(crossBuild).images.map((i) => [i.text, i.platform]);
  assert.deepEqual(images, [
    ['ghcr.io/somebody/debian-loong64:trixie', 'linux/loong64'],
    ['debian:trixie', 'linux/riscv64'],
  ]);
  assert.deepEqual(found(crossBuild, 'unsupported-platform'), [], 'debian publishes riscv64');
});

test('env: a known platform from env that the official image does not publish is an error; an unknown one never is', () => {
  const loong = crossBuild.replace('[riscv64, riscv64, debian:trixie]', '[loongarch64, loong64, debian:trixie]');
  const errors = only(check(loong).findings, 'unsupported-platform');
  assert.deepEqual(
    errors.map((f) => [lineOf(loong, f.span.start), spanText(loong, f.span)]),
    [[9, 'debian:trixie']],
  );
  assert.match(errors[0].message, /^debian:trixie is not published for linux\/loong64; it publishes /);
  // ARCH no longer set in the file: the platform cannot be known, so no platform finding at all.
  const unknown = loong.replace('      ARCH: ${{ matrix.BUILD_PROP[1] }}\n', '');
  assert.deepEqual(found(unknown, 'unsupported-platform'), []);
  assert.ok(check(unknown).images.every((i) => i.platform === undefined));
});

test('env: workflow-level and step-level literals reach ${{ env.X }} and $X; one finding where the text is written', () => {
  const text = yaml(
    'on: push',
    'env:',
    '  TOOL_IMAGE: quay.io/someone/tool:3',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: docker pull "$TOOL_IMAGE"',
    '      - uses: addnab/docker-run-action@v3',
    '        with:',
    '          image: ${{ env.TOOL_IMAGE }}',
    '      - run: docker run "${DB}:${DB_TAG}"',
    '        env:',
    '          DB: postgres',
    '          DB_TAG: "16"',
  );
  const untrusted = only(check(text).findings, 'untrusted-image');
  assert.deepEqual(
    untrusted.map((f) => [
      lineOf(text, f.span.start),
      spanText(text, f.span),
      f.related?.map((r) => spanText(text, r.span)),
    ]),
    [[3, 'quay.io/someone/tool:3', ['$TOOL_IMAGE', '${{ env.TOOL_IMAGE }}']]],
  );
  assert.ok(
    check(text).images.some((i) => i.text === 'postgres:16' && i.source === 'run-script'),
    'a value built from two step variables',
  );
  // The same names unset: nothing is invented.
  const unset = text.replace('env:\n  TOOL_IMAGE: quay.io/someone/tool:3\n', '');
  assert.deepEqual(found(unset, 'untrusted-image'), []);
});

test('env: values from secrets, inputs or earlier steps are run-time choices (info), in run: scripts too', () => {
  const text = yaml(
    ...jobA,
    '    env:',
    '      IMAGE: ${{ secrets.PRIVATE_IMAGE }}',
    '    steps:',
    '      - run: docker run --rm "$IMAGE" true',
    '      - run: docker run --rm "ghcr.io/me/app:$(git rev-parse HEAD)"',
    '      - run: docker run --rm ${{ env.FROM_EARLIER_STEP }}',
  );
  const runtime = only(check(text).findings, 'runtime-image');
  assert.deepEqual(
    runtime.map((f) => [lineOf(text, f.span.start), spanText(text, f.span), f.severity]),
    [
      [8, '$IMAGE', 'info'],
      [9, 'ghcr.io/me/app:$(git rev-parse HEAD)', 'info'],
      [10, '${{ env.FROM_EARLIER_STEP }}', 'info'],
    ],
  );
  assert.match(runtime[0].message, /env\.IMAGE is set from an expression whose value comes from 'secrets'/);
  assert.match(runtime[1].message, /the output of a command/);
  assert.deepEqual(found(text, 'invalid-image-reference'), []);
});

test('shell words: glued and quoted option values do not hide the image; the option values are never images', () => {
  const text = oneJob(
    '      - run: docker run --volume="$HOME/.cache:/cache" --name="$NAME" -v"$PWD:$PWD" quay.io/someone/tool:3 make',
  );
  assert.deepEqual(found(text, 'untrusted-image'), [['untrusted-image', 6, 'quay.io/someone/tool:3']]);
  assert.deepEqual(found(text, 'invalid-image-reference'), []);
  assert.deepEqual(found(text, 'runtime-image'), []);
});

test('shell: a variable set in two branches of an if is each of its images', () => {
  const text = oneJob(
    '      - run: |',
    '          if [ "$NIGHTLY" = 1 ]; then',
    '            image=quay.io/someone/db:nightly',
    '          else',
    '            image=postgres:16',
    '          fi',
    '          docker run -d ${image}',
  );
  assert.deepEqual(found(text, 'mutable-tag'), [['mutable-tag', 8, 'quay.io/someone/db:nightly']]);
  assert.deepEqual(
    check(text).images.map((i) => i.text),
    ['quay.io/someone/db:nightly', 'postgres:16'],
  );
});

test('local images: commit, import, tag, buildx --load and a build-push-action image loaded in another job are not findings', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: docker/build-push-action@v6',
    '        with:',
    '          tags: myorg-app:ci',
    '          outputs: type=docker,dest=/tmp/app.tar',
    '  test:',
    '    needs: build',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: |',
    '          docker load --input /tmp/app.tar',
    '          docker run --rm myorg-app:ci pytest',
    '          docker run --name base debian:12 true',
    '          docker commit base snapshot/base:1',
    '          docker run --rm snapshot/base:1 true',
    '          docker import rootfs.tar imported/root',
    '          docker run --rm imported/root true',
    '          docker buildx build --load -t "tools/$NAME" .',
    '          docker run --rm "tools/$NAME" true',
  );
  assert.deepEqual(
    check(text).images.map((i) => i.text),
    ['debian:12'],
  );
  assert.deepEqual(found(text, 'runtime-image'), []);
});

test('fromJSON of a literal JSON matrix value: the image inside is found on its matrix value; never "Object"', () => {
  const text = yaml(
    ...jobA,
    '    strategy:',
    '      matrix:',
    '        container: [\'{"image": "quay.io/someone/tool:2"}\', \'\']',
    '        settings:',
    '          - { name: plain }',
    '          - { name: boxed, box: { image: "debian:12" } }',
    '    container: ${{ fromJSON(matrix.container || \'{"image":null}\') }}',
    '    steps: [{run: echo}]',
    '  b:',
    '    runs-on: ubuntu-latest',
    '    strategy:',
    '      matrix:',
    '        box: [{ image: "someone/tool:1" }]',
    '    container: ${{ matrix.box }}',
    '    steps: [{run: echo}]',
  );
  assert.deepEqual(found(text, 'untrusted-image'), [
    ['untrusted-image', 7, 'quay.io/someone/tool:2'],
    ['untrusted-image', 17, 'someone/tool:1'],
  ]);
  assert.deepEqual(found(text, 'invalid-image-reference'), []);
  assert.ok(!check(text).images.some((i) => i.text.includes('Object')));
});

test('fromJSON of run-time data is a run-time choice, not an invalid reference', () => {
  const text = yaml(
    ...jobA,
    '    container: ${{ fromJSON(needs.setup.outputs.container) }}',
    '    steps: [{run: echo}]',
  );
  assert.deepEqual(found(text), [['runtime-image', 5, '${{ fromJSON(needs.setup.outputs.container) }}']]);
});

test('platforms that stay expressions are never judged, nor prefixed with linux/', () => {
  const text = yaml(
    ...jobA,
    '    strategy:',
    '      matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}',
    '    container:',
    '      image: debian:12',
    '      options: --platform ${{ matrix.settings.platform }}',
    '    steps:',
    '      - run: docker run --platform=${{ matrix.arch }} alpine:3.20 true',
    '      - run: docker run --platform "$PLATFORM" debian:12 true',
  );
  assert.deepEqual(found(text, 'unsupported-platform'), []);
  assert.ok(
    check(text).images.every((i) => i.platform === undefined),
    JSON.stringify(check(text).images.map((i) => i.platform)),
  );
  // The same container with the platform known per combination is judged per combination.
  const known = text
    .replace(
      '      matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}',
      '      matrix:\n        settings: [{ platform: linux/arm64 }, { platform: linux/loong64 }]',
    )
    .replace('--platform=${{ matrix.arch }} ', '');
  assert.deepEqual(
    only(check(known).findings, 'unsupported-platform').map((f) => [spanText(known, f.span), f.message.split(';')[0]]),
    [['debian:12', 'debian:12 is not published for linux/loong64']],
  );
});

test('uses: $/path is this repository at the same commit: never unpinned-action', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    uses: $/.github/workflows/build.yml',
    '  b:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: $/.github/actions/setup',
    '      - uses: someone/action@v1',
  );
  assert.deepEqual(found(text, 'unpinned-action'), [['unpinned-action', 9, 'someone/action@v1']]);
  assert.deepEqual(
    check(text).actions.map((a) => a.text),
    ['someone/action@v1'],
  );
});

test('expressions with literals: each literal result is judged where it is written; the condition stays run-time', () => {
  const text = yaml(
    ...jobA,
    '    services:',
    "      cache: ${{ github.event_name == 'push' && 'redis:7' || '' }}",
    '    container:',
    "      image: ${{ inputs.image || 'node:latest' }}",
    '    steps: [{run: echo}]',
  );
  assert.deepEqual(found(text, 'unpinned-image'), [
    ['unpinned-image', 6, 'redis:7'],
    ['unpinned-image', 8, 'node:latest'],
  ]);
  assert.deepEqual(found(text, 'mutable-tag'), [['mutable-tag', 8, 'node:latest']]);
  // The input's own value is chosen when the workflow runs.
  assert.deepEqual(found(text, 'runtime-image'), [['runtime-image', 8, "${{ inputs.image || 'node:latest' }}"]]);
  // A condition alone, with no literal to give, is a run-time choice and nothing more.
  const none = text
    .replace("${{ github.event_name == 'push' && 'redis:7' || '' }}", '${{ inputs.cache }}')
    .replace("${{ inputs.image || 'node:latest' }}", 'node:22');
  assert.deepEqual(found(none, 'unpinned-image'), [['unpinned-image', 8, 'node:22']]);
  assert.deepEqual(found(none, 'runtime-image'), [['runtime-image', 6, '${{ inputs.cache }}']]);
});

test("actions' own images: maturin-action's container from target and manylinux, setup-buildx's BuildKit image", () => {
  const text = yaml(
    ...jobA,
    '    strategy:',
    '      matrix:',
    '        target: [x86_64, aarch64, loongarch64-unknown-linux-gnu]',
    '    steps:',
    '      - uses: PyO3/maturin-action@v1',
    '        with:',
    '          target: ${{ matrix.target }}',
    '          manylinux: auto',
    '      - uses: docker/setup-buildx-action@v3',
    '      - uses: docker/setup-buildx-action@v3',
    '        with:',
    '          driver-opts: |',
    '            network=host',
    '            image=someone/buildkit:v0.20.0',
  );
  const images = check(text).images.map((i) => [i.text, i.source, lineOf(text, i.span.start), spanText(text, i.span)]);
  assert.deepEqual(images, [
    ['quay.io/pypa/manylinux2014_x86_64:latest', 'action-implicit', 11, '${{ matrix.target }}'],
    ['ghcr.io/rust-cross/manylinux2014-cross:aarch64', 'action-implicit', 11, '${{ matrix.target }}'],
    ['ghcr.io/rust-cross/manylinux_2_36-cross:loongarch64', 'action-implicit', 11, '${{ matrix.target }}'],
    ['moby/buildkit:buildx-stable-1', 'action-implicit', 13, 'docker/setup-buildx-action@v3'],
    ['someone/buildkit:v0.20.0', 'action-input', 18, 'someone/buildkit:v0.20.0'],
  ]);
  // The action's own defaults are published by its maintainers: no untrusted publisher; a personal image the workflow names is judged (moby/ itself is Docker's own namespace).
  assert.deepEqual(found(text, 'untrusted-image'), [['untrusted-image', 18, 'someone/buildkit:v0.20.0']]);
  // Each matrix target is its own finding, named by its combination.
  const loong = only(check(text).findings, 'unpinned-image').find(
    (f) => f.reference.kind === 'image' && f.reference.text.includes('loongarch64'),
  );
  assert.ok(
    loong?.reference.kind === 'image' && loong.reference.matrix?.combination.target === 'loongarch64-unknown-linux-gnu',
  );
});

test("actions' own images: none when the workflow names the container, builds without Docker, or uses the docker driver; run-time choices say so", () => {
  const text = oneJob(
    '      - uses: PyO3/maturin-action@v1',
    '        with: { target: aarch64, manylinux: auto, container: off }',
    '      - uses: PyO3/maturin-action@v1',
    '        with: { target: aarch64 }',
    '      - uses: PyO3/maturin-action@v1',
    '        with: { target: aarch64, manylinux: auto, container: quay.io/pypa/manylinux_2_28_aarch64 }',
    '      - uses: docker/setup-buildx-action@v3',
    '        with: { driver: docker }',
    '      - uses: PyO3/maturin-action@v1',
    '        with: { target: aarch64, manylinux: "${{ inputs.manylinux }}" }',
  );
  assert.deepEqual(
    check(text).images.map((i) => [i.text, i.source, i.runtimeValue !== undefined]),
    [
      ['quay.io/pypa/manylinux_2_28_aarch64', 'action-input', false],
      ['${{ inputs.manylinux }}', 'action-input', true],
    ],
  );
});

test('YAML aliases: a reference repeated through an alias is reported once, at the anchor, with the alias as related information', () => {
  const text = yaml(
    ...jobA,
    '    container: &builder ghcr.io/someone/tool:1',
    '    steps: [{run: echo}]',
    '  b:',
    '    runs-on: ubuntu-latest',
    '    container: *builder',
    '    steps: [{run: echo}]',
  );
  const untrusted = only(check(text).findings, 'untrusted-image');
  assert.deepEqual(
    untrusted.map((f) => [
      lineOf(text, f.span.start),
      spanText(text, f.span),
      f.related?.map((r) => [lineOf(text, r.span.start), spanText(text, r.span)]),
    ]),
    [[5, 'ghcr.io/someone/tool:1', [[9, '*builder']]]],
  );
  // Without the alias there is nothing related.
  const plain = text.replace('*builder', 'debian:12');
  assert.deepEqual(only(check(plain).findings, 'untrusted-image')[0].related, undefined);
});

test('setup-buildx `driver-opts: image=${{ env.X }}`: the expression is expanded whole, never cut at its blanks', () => {
  const text = yaml(
    'on: push',
    'env:',
    '  BUILDKIT_IMAGE: "example/buildkit:v0.21.0"',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: docker/setup-buildx-action@v3',
    '        with:',
    '          driver-opts: image=${{ env.BUILDKIT_IMAGE }},network=host',
  );
  const r = check(text);
  assert.deepEqual(found(text, 'invalid-image-reference'), []);
  assert.deepEqual(
    r.images.map((i) => [i.text, lineOf(text, i.span.start)]),
    [['example/buildkit:v0.21.0', 3]],
  );
});
