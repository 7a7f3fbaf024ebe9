import { corpusAbsent, corpusDir } from './support/corpus';
import { runScripts as scriptsOf } from './support/runScripts';
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  findScriptImages,
  loadShellParser,
  shellParserReady,
  type ScriptScan,
} from '../../server/src/engine/shellImages';

before(async () => {
  await loadShellParser();
});

/** Scans and checks every reported span against the script, so each test also proves its offsets. */
function scan(script: string): ScriptScan {
  const result = findScriptImages(script);
  for (const image of result.images) assert.equal(script.slice(image.start, image.end), image.text);
  return result;
}

const texts = (script: string): string[] => scan(script).images.map((image) => image.text);

test('loading again is a no-op, whatever the directory', async () => {
  await Promise.all([loadShellParser(), loadShellParser('/nonexistent')]);
  assert.equal(shellParserReady(), true);
});

test('docker, podman and nerdctl run, create and pull', () => {
  const script = [
    'docker run alpine:3.12 echo hi',
    'docker create debian:12',
    'docker pull ubuntu:24.04',
    'docker container run busybox',
    'docker container create fedora:40',
    'docker image pull quay.io/centos/centos:stream9',
    'podman run registry.fedoraproject.org/fedora',
    'podman pull docker.io/library/nginx',
    'nerdctl run ghcr.io/acme/tool:1',
    'buildah from registry.access.redhat.com/ubi9',
  ].join('\n');
  const result = scan(script);
  assert.deepEqual(
    result.images.map((image) => [image.tool, image.verb, image.text]),
    [
      ['docker', 'run', 'alpine:3.12'],
      ['docker', 'create', 'debian:12'],
      ['docker', 'pull', 'ubuntu:24.04'],
      ['docker', 'run', 'busybox'],
      ['docker', 'create', 'fedora:40'],
      ['docker', 'pull', 'quay.io/centos/centos:stream9'],
      ['podman', 'run', 'registry.fedoraproject.org/fedora'],
      ['podman', 'pull', 'docker.io/library/nginx'],
      ['nerdctl', 'run', 'ghcr.io/acme/tool:1'],
      ['buildah', 'from', 'registry.access.redhat.com/ubi9'],
    ],
  );
  assert.equal(result.unresolved, 0);
});

test('options with values are skipped, boolean flags are not taken as values', () => {
  const script =
    'docker run --rm -it -d --privileged --init -v "$PWD:/src" -e A=1 -w /src --name box --entrypoint sh ' +
    '-p 8080:80 --network host -u 1000 --mount type=bind,src=/a,dst=/b --env-file .env --workdir /x -h host ' +
    '--label a=b --user root --shm-size 2g --cpus 2 -m 1g --memory 2g --device /dev/fuse --cap-add SYS_ADMIN ' +
    '--security-opt seccomp=unconfined --add-host h:1.2.3.4 --ulimit nofile=1024 --tmpfs /tmp ' +
    '--volumes-from other --pull always --restart no --log-driver none --dns 8.8.8.8 -l x=y ' +
    '--env=B=2 -eC=3 -p8081:81 python:3.12-slim python -c "print(1)"';
  assert.deepEqual(texts(script), ['python:3.12-slim']);
  // `-q` and `-a` are flags for pull (all tags), not `-a VALUE` as for run.
  assert.deepEqual(texts('docker pull -q -a redis\ndocker run -a stdout -q nginx:1'), ['redis', 'nginx:1']);
  // Global options before the subcommand.
  assert.deepEqual(texts('docker --context remote -D run --rm memcached'), ['memcached']);
  assert.deepEqual(texts('podman --root /var/lib/x --remote run --pod mypod --rm postgres:16'), ['postgres:16']);
  assert.deepEqual(texts('docker run --rm -- alpine'), ['alpine']);
});

test('--platform on the same command, in both spellings', () => {
  const result = scan(
    'docker run --platform=linux/arm64 arm64v8/alpine\ndocker pull --platform "linux/s390x" s390x/debian\ndocker run alpine',
  );
  assert.deepEqual(
    result.images.map((image) => [image.text, image.platform]),
    [
      ['arm64v8/alpine', 'linux/arm64'],
      ['s390x/debian', 'linux/s390x'],
      ['alpine', undefined],
    ],
  );
  assert.equal(
    scan('arch=linux/riscv64\ndocker run --platform "$arch" riscv64/ubuntu').images[0].platform,
    'linux/riscv64',
  );
});

test('quoted image words exclude their quotes', () => {
  const script = `docker run "alpine:3.12" sh\ndocker pull 'debian:bookworm'`;
  const result = scan(script);
  assert.deepEqual(
    result.images.map((image) => image.text),
    ['alpine:3.12', 'debian:bookworm'],
  );
  assert.equal(result.images[0].start, script.indexOf('alpine'));
  assert.equal(script[result.images[0].start - 1], '"');
});

test('a command continued over lines finds the image on its own line', () => {
  const script = [
    'docker run \\',
    '  --volume "$PWD":/checkout:ro \\',
    '  --workdir /checkout \\',
    '  --tty \\',
    '  centos:7 \\',
    '  sh ./ci/run.sh',
  ].join('\n');
  const [image] = scan(script).images;
  assert.equal(image.text, 'centos:7');
  assert.equal(image.start, script.indexOf('centos:7'));
});

test('commands inside chains, pipelines, loops, conditionals, subshells, substitutions and functions', () => {
  const script = [
    'make && docker run a1 || echo failed',
    'docker run a2 | tee log',
    'for v in 1 2; do docker run a3; done',
    'while true; do docker pull a4; break; done',
    'if [ -n "$CI" ]; then docker run a5; else docker run a6; fi',
    '(cd x && docker run a7)',
    'id=$(docker create a8)',
    'start() { docker run a9 "$@"; }',
    'case "$1" in x) docker run a10 ;; esac',
  ].join('\n');
  assert.deepEqual(texts(script), ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a10']);
});

test('sudo and other command wrappers', () => {
  assert.deepEqual(texts('sudo docker run alpine'), ['alpine']);
  assert.deepEqual(texts('sudo -E -u root docker pull debian'), ['debian']);
  assert.deepEqual(texts('timeout 10m docker run busybox\nenv A=1 /usr/bin/podman run fedora'), ['busybox', 'fedora']);
});

test('not an image: other subcommands, help, words of echo', () => {
  const result = scan(
    [
      'docker ps',
      'docker run --help',
      'echo docker run alpine',
      'printf "%s" "docker pull x"',
      'docker images',
      'docker logs busybox',
    ].join('\n'),
  );
  assert.deepEqual(result.images, []);
  assert.equal(result.unresolved, 0);
});

test('a variable assigned once, earlier, with a literal resolves to the assignment', () => {
  const script = [
    'image=postgres:16',
    'IMAGE="mysql:8"',
    "export OTHER='redis:7'",
    'docker run $image',
    'docker run "${IMAGE}"',
    'docker pull "$OTHER"',
  ].join('\n');
  const result = scan(script);
  assert.deepEqual(
    result.images.map((image) => [image.text, image.viaVariable, image.start]),
    [
      ['postgres:16', 'image', script.indexOf('postgres:16')],
      ['mysql:8', 'IMAGE', script.indexOf('mysql:8')],
      ['redis:7', 'OTHER', script.indexOf('redis:7')],
    ],
  );
  assert.equal(result.unresolved, 0);
});

test('a variable assigned several literals, before its use, is each of them', () => {
  const result = scan('image=a\nimage=b\ndocker run $image');
  assert.deepEqual(
    result.images.map((image) => [image.text, image.start, image.viaVariable]),
    [
      ['a', 6, 'image'],
      ['b', 14, 'image'],
    ],
  );
});

test('variables that cannot be resolved are counted, not reported', () => {
  const cases: [string, number][] = [
    ['image=$(cat name)\ndocker run $image', 1], // command substitution
    ['docker run $image\nimage=a', 1], // assigned after use
    ['docker run "$IMAGE_FROM_ENV"', 1], // never assigned in the script
    ['docker run "rustup/$DOCKER"', 1], // concatenation with a variable
    ['docker run foo:${TAG}', 1],
    ['docker run "$(cat image.txt)"', 1],
    ['image=a docker run $image', 1], // a prefix assignment applies after expansion
    ['for image in a b; do docker run $image; done', 1],
    ['image=a\nimage+=b\ndocker run "$image"', 1],
    ['docker run ${image:-alpine}', 1],
    ['image=alpine\ndocker run ${#image}', 1], // the length of the value, not the value
    ['image=a\nread -r image rest < name.txt\ndocker run $image', 1],
  ];
  for (const [script, unresolved] of cases) {
    const result = scan(script);
    assert.deepEqual(result.images, [], script);
    assert.equal(result.unresolved, unresolved, script);
  }
});

test('docker build tags are collected as local names', () => {
  const result = scan(
    [
      'docker build -t myapp .',
      'docker buildx build --platform linux/amd64 --tag=ghcr.io/me/app:dev --push .',
      'podman build -t local/tool -f Containerfile .',
      'docker image build -tshort .',
      'name=built/by-variable',
      'docker build --tag "$name" .',
      'docker tag myapp registry.example.com/myapp:1',
      'docker build -t "rustup/$DOCKER" .',
      'docker run myapp',
      'docker run "rustup/$DOCKER"',
      'docker commit builder local/snapshot:1',
      'docker container commit -m "after setup" builder local/snapshot:2',
      'docker import rootfs.tar local/imported',
    ].join('\n'),
  );
  assert.deepEqual(result.builtTags, [
    'myapp',
    'ghcr.io/me/app:dev',
    'local/tool',
    'short',
    'built/by-variable',
    'registry.example.com/myapp:1',
    // A tag with a variable is kept in its written shape.
    'rustup/${DOCKER}',
    'local/snapshot:1',
    'local/snapshot:2',
    'local/imported',
  ]);
  // The runs are still reported; the engine decides they are local because of builtTags.
  assert.deepEqual(
    result.images.map((image) => image.text),
    ['myapp'],
  );
  assert.deepEqual(
    result.templates.map((image) => [image.text, image.shape]),
    [['rustup/$DOCKER', 'rustup/${DOCKER}']],
  );
});

test('options with glued, quoted or partly variable values do not hide the image after them', () => {
  const result = scan(
    [
      'docker run --rm -v"$PWD:$PWD" -w"$PWD" quay.io/someone/builder:1 make',
      'docker run --volume="$HOME/.cache:/cache" --name="$NAME" alpine:3.20 true',
      'docker run --platform=linux/${ARCH} -e "A=$B" debian:12 true',
      'docker run --platform linux/arm64 "--env=X=$Y" ubuntu:24.04',
    ].join('\n'),
  );
  assert.deepEqual(
    result.images.map((image) => [image.text, image.platform, image.platformPieces?.map((p) => p.kind)]),
    [
      ['quay.io/someone/builder:1', undefined, undefined],
      ['alpine:3.20', undefined, undefined],
      ['debian:12', undefined, ['text', 'variable']],
      ['ubuntu:24.04', 'linux/arm64', undefined],
    ],
  );
  assert.deepEqual(result.templates, []);
});

test('image words built from variables the script does not settle are kept as pieces', () => {
  const script = [
    'docker run --platform=linux/${ARCH} --rm ${DOCKER_CONTAINER} ./build.sh',
    'docker pull "ghcr.io/me/app:$TAG"',
    'docker run "$(cat image.txt)"',
    'for v in 1 2; do docker run "img:$v"; done',
    'base=ghcr.io/me/base',
    'docker run "$base:$VERSION"',
  ].join('\n');
  const result = scan(script);
  const shown = result.templates.map((image) => [
    image.text,
    image.pieces
      .map((p) => (p.kind === 'variable' ? `$${p.name}` : p.kind === 'dynamic' ? '?' : script.slice(p.start, p.end)))
      .join(' '),
  ]);
  assert.deepEqual(shown, [
    ['${DOCKER_CONTAINER}', '$DOCKER_CONTAINER'],
    ['ghcr.io/me/app:$TAG', 'ghcr.io/me/app: $TAG'],
    ['$(cat image.txt)', '?'],
    ['img:$v', 'img: ?'],
    ['$base:$VERSION', 'ghcr.io/me/base : $VERSION'],
  ]);
  const first = result.templates[0];
  assert.equal(script.slice(first.start, first.end), '${DOCKER_CONTAINER}');
  assert.deepEqual(
    first.platformPieces?.map((p) => (p.kind === 'variable' ? p.name : script.slice(p.start, p.end))),
    ['linux/', 'ARCH'],
  );
});

test('GitHub expressions are masked for the shell and reported as written', () => {
  const script = [
    'docker pull ${{ matrix.postgres }}',
    'docker run --rm -d -p 5432:5432 ${{ matrix.postgres }} -c max_prepared_transactions=10',
    'docker run "postgres:${{ matrix.version }}"',
    'image=cockroachdb/cockroach:latest-${{ matrix.crdb }}',
    'docker run --rm ${image} start',
  ].join('\n');
  const result = scan(script);
  assert.deepEqual(
    result.images.map((image) => [image.verb, image.text, image.viaVariable]),
    [
      ['pull', '${{ matrix.postgres }}', undefined],
      ['run', '${{ matrix.postgres }}', undefined],
      ['run', 'postgres:${{ matrix.version }}', undefined],
      ['run', 'cockroachdb/cockroach:latest-${{ matrix.crdb }}', 'image'],
    ],
  );
  // Offsets are those of the original text, even after a non-ASCII expression.
  const astral = 'echo "${{ format(\'😀{0}\', x) }}"\ndocker run ${{ matrix.img }}';
  assert.equal(scan(astral).images[0].start, astral.lastIndexOf('${{'));
});

test('a Dockerfile written by the script reports its FROM images, not its stages', () => {
  const script = [
    'cat > Dockerfile <<EOF',
    'FROM --platform=linux/amd64 golang:1.22 AS build',
    'RUN go build',
    'FROM build',
    'FROM gcr.io/distroless/static',
    'EOF',
    'docker build -t app .',
  ].join('\n');
  const result = scan(script);
  assert.deepEqual(
    result.images.map((image) => [image.tool, image.verb, image.text, image.platform]),
    [
      ['dockerfile', 'FROM', 'golang:1.22', 'linux/amd64'],
      ['dockerfile', 'FROM', 'gcr.io/distroless/static', undefined],
    ],
  );
  assert.deepEqual(scan('cat > notes.txt <<EOF\nFROM alpine\nEOF').images, []);
  assert.deepEqual(texts("tee ci/Containerfile <<'EOF'\nFROM docker.io/rockylinux:9\nEOF"), ['docker.io/rockylinux:9']);
  // The redirect after the heredoc marker, and a FROM that expands a variable.
  const later = scan('cat <<EOF > Dockerfile\nFROM ${BASE_IMAGE}\nEOF\ndocker build - <<EOF\nFROM busybox:1.36\nEOF');
  assert.deepEqual(
    later.images.map((image) => image.text),
    ['busybox:1.36'],
  );
  assert.equal(later.unresolved, 1);
});

test('broken or half-typed scripts do not throw and keep what is readable', () => {
  assert.deepEqual(texts('docker run alpine\ndocker run "debian'), ['alpine']);
  assert.deepEqual(texts('docker run ubuntu && \nif then fi ((( $( '), ['ubuntu']);
  for (const script of [
    '',
    'docker',
    'docker run',
    'docker run -v',
    "docker pull 'x",
    'docker run ${{ matrix.x',
    '${{',
    '}} docker run a',
  ]) {
    assert.doesNotThrow(() => findScriptImages(script), script);
  }
});

test('an unchanged script is answered from the cache', () => {
  const script = 'docker run cached/image:1';
  const first = findScriptImages(script);
  assert.equal(findScriptImages(script), first);
  assert.ok(Object.isFrozen(first.images) && Object.isFrozen(first.images[0]));
  assert.notEqual(findScriptImages(script + ' '), first);
  // The cache is bounded: after 256 other scripts the first one is parsed again.
  for (let i = 0; i < 256; i++) findScriptImages(`docker run filler:${i}`);
  const again = findScriptImages(script);
  assert.notEqual(again, first);
  assert.deepEqual(again, first);
});

const runScripts = (file: string): string[] => scriptsOf(readFileSync(file, 'utf8'));

test('real workflows: rustup and cpython', (t) => {
  const rustup = join(corpusDir, 'rust-lang__rustup/ci.yaml');
  const cpython = join(corpusDir, 'python__cpython/build.at-00023da0.yml');
  if (corpusAbsent) return t.skip(corpusAbsent);
  const found = [...runScripts(rustup), ...runScripts(cpython)].flatMap((script) =>
    scan(script).images.map((image) => image.text),
  );
  assert.ok(found.includes('centos:7'), found.join(', '));
  assert.ok(found.includes('quay.io/tiran/cpython_autoconf:269'), found.join(', '));
  assert.ok(!found.some((text) => text.includes('rustup/')), found.join(', '));
  const rustupScans = runScripts(rustup).map((script) => findScriptImages(script));
  assert.ok(
    rustupScans.some((result) => result.unresolved > 0),
    'the "rustup/$DOCKER" runs count as unresolved',
  );
});

test('the largest run script in the corpus, cold and warm: the second scan is the cached answer', (t) => {
  if (corpusAbsent) return t.skip(corpusAbsent);
  const files = readdirSync(corpusDir, { recursive: true, encoding: 'utf8' }).filter((name) => /\.ya?ml$/.test(name));
  const scripts = files.flatMap((name) => runScripts(join(corpusDir, name)));
  const largest = scripts.reduce((a, b) => (b.length > a.length ? b : a), '');
  // A variant never scanned before, so the first timing includes the parse.
  const fresh = `${largest}\n# ${Date.now()}`;
  const coldStart = performance.now();
  const first = findScriptImages(fresh);
  const cold = performance.now() - coldStart;
  const warmStart = performance.now();
  const second = findScriptImages(fresh);
  const warm = performance.now() - warmStart;
  t.diagnostic(
    `largest run script: ${largest.length} chars, ${largest.split('\n').length} lines; cold ${cold.toFixed(2)} ms, warm ${warm.toFixed(3)} ms`,
  );
  // The figures are for reading; what must hold is that the second scan parsed nothing.
  assert.equal(second, first, 'the second scan is the cached answer, not a new parse');
});
