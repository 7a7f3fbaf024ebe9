// The image-reference parser, specified by tables of written references (valid, invalid, after a
// --platform flag) with what each must parse to: one idea, so the file stays whole past 500 lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DOCKER_HUB,
  formatImage,
  parseImageReference,
  splitPlatformFlag,
} from '../../server/src/engine/imageReference';

const HEX64 = '0123456789abcdef'.repeat(4);
const HEX128 = 'fedcba9876543210'.repeat(8);
const SHA = `sha256:${HEX64}`;

interface ValidRow {
  text: string;
  registry: string;
  writtenRegistry?: string;
  repository: string;
  tag?: string;
  digest?: string;
  /** The name exactly as written: `text.slice(0, nameEnd)`. */
  name: string;
  canonical: string;
  familiar: string;
}

const valid: ValidRow[] = [
  {
    text: 'debian',
    registry: 'docker.io',
    repository: 'library/debian',
    name: 'debian',
    canonical: 'docker.io/library/debian:latest',
    familiar: 'debian',
  },
  {
    text: 'debian:trixie',
    registry: 'docker.io',
    repository: 'library/debian',
    tag: 'trixie',
    name: 'debian',
    canonical: 'docker.io/library/debian:trixie',
    familiar: 'debian:trixie',
  },
  {
    text: 'library/debian:trixie',
    registry: 'docker.io',
    repository: 'library/debian',
    tag: 'trixie',
    name: 'library/debian',
    canonical: 'docker.io/library/debian:trixie',
    familiar: 'debian:trixie',
  },
  {
    text: 'docker.io/library/debian:trixie',
    registry: 'docker.io',
    writtenRegistry: 'docker.io',
    repository: 'library/debian',
    tag: 'trixie',
    name: 'docker.io/library/debian',
    canonical: 'docker.io/library/debian:trixie',
    familiar: 'debian:trixie',
  },
  {
    text: 'docker.io/debian',
    registry: 'docker.io',
    writtenRegistry: 'docker.io',
    repository: 'library/debian',
    name: 'docker.io/debian',
    canonical: 'docker.io/library/debian:latest',
    familiar: 'debian',
  },
  {
    text: 'loong64/debian:trixie',
    registry: 'docker.io',
    repository: 'loong64/debian',
    tag: 'trixie',
    name: 'loong64/debian',
    canonical: 'docker.io/loong64/debian:trixie',
    familiar: 'loong64/debian:trixie',
  },
  {
    text: 'index.docker.io/loong64/debian:trixie',
    registry: 'docker.io',
    writtenRegistry: 'index.docker.io',
    repository: 'loong64/debian',
    tag: 'trixie',
    name: 'index.docker.io/loong64/debian',
    canonical: 'docker.io/loong64/debian:trixie',
    familiar: 'loong64/debian:trixie',
  },
  {
    text: 'registry-1.docker.io/library/alpine:3.20',
    registry: 'docker.io',
    writtenRegistry: 'registry-1.docker.io',
    repository: 'library/alpine',
    tag: '3.20',
    name: 'registry-1.docker.io/library/alpine',
    canonical: 'docker.io/library/alpine:3.20',
    familiar: 'alpine:3.20',
  },
  {
    text: 'ghcr.io/loong64/debian:trixie',
    registry: 'ghcr.io',
    writtenRegistry: 'ghcr.io',
    repository: 'loong64/debian',
    tag: 'trixie',
    name: 'ghcr.io/loong64/debian',
    canonical: 'ghcr.io/loong64/debian:trixie',
    familiar: 'ghcr.io/loong64/debian:trixie',
  },
  {
    text: 'ghcr.io/library/x',
    registry: 'ghcr.io',
    writtenRegistry: 'ghcr.io',
    repository: 'library/x',
    name: 'ghcr.io/library/x',
    canonical: 'ghcr.io/library/x:latest',
    familiar: 'ghcr.io/library/x',
  },
  {
    text: 'quay.io/pypa/manylinux_2_28_x86_64:2024.10.26-1',
    registry: 'quay.io',
    writtenRegistry: 'quay.io',
    repository: 'pypa/manylinux_2_28_x86_64',
    tag: '2024.10.26-1',
    name: 'quay.io/pypa/manylinux_2_28_x86_64',
    canonical: 'quay.io/pypa/manylinux_2_28_x86_64:2024.10.26-1',
    familiar: 'quay.io/pypa/manylinux_2_28_x86_64:2024.10.26-1',
  },
  {
    text: 'quay.io/a/b/c/d',
    registry: 'quay.io',
    writtenRegistry: 'quay.io',
    repository: 'a/b/c/d',
    name: 'quay.io/a/b/c/d',
    canonical: 'quay.io/a/b/c/d:latest',
    familiar: 'quay.io/a/b/c/d',
  },
  {
    text: 'localhost/app',
    registry: 'localhost',
    writtenRegistry: 'localhost',
    repository: 'app',
    name: 'localhost/app',
    canonical: 'localhost/app:latest',
    familiar: 'localhost/app',
  },
  {
    text: 'localhost:5000/team/app:v1',
    registry: 'localhost:5000',
    writtenRegistry: 'localhost:5000',
    repository: 'team/app',
    tag: 'v1',
    name: 'localhost:5000/team/app',
    canonical: 'localhost:5000/team/app:v1',
    familiar: 'localhost:5000/team/app:v1',
  },
  // Without a '/', `localhost:5000` is a Docker Hub name with tag 5000, as the docker CLI reads it.
  {
    text: 'localhost:5000',
    registry: 'docker.io',
    repository: 'library/localhost',
    tag: '5000',
    name: 'localhost',
    canonical: 'docker.io/library/localhost:5000',
    familiar: 'localhost:5000',
  },
  {
    text: '[::1]:5000/x:tag',
    registry: '[::1]:5000',
    writtenRegistry: '[::1]:5000',
    repository: 'x',
    tag: 'tag',
    name: '[::1]:5000/x',
    canonical: '[::1]:5000/x:tag',
    familiar: '[::1]:5000/x:tag',
  },
  {
    text: '[2001:DB8::1]/x',
    registry: '[2001:db8::1]',
    writtenRegistry: '[2001:DB8::1]',
    repository: 'x',
    name: '[2001:DB8::1]/x',
    canonical: '[2001:db8::1]/x:latest',
    familiar: '[2001:db8::1]/x',
  },
  {
    text: '192.168.1.10:8443/ci/builder',
    registry: '192.168.1.10:8443',
    writtenRegistry: '192.168.1.10:8443',
    repository: 'ci/builder',
    name: '192.168.1.10:8443/ci/builder',
    canonical: '192.168.1.10:8443/ci/builder:latest',
    familiar: '192.168.1.10:8443/ci/builder',
  },
  {
    text: 'My-Registry.example.com/app',
    registry: 'my-registry.example.com',
    writtenRegistry: 'My-Registry.example.com',
    repository: 'app',
    name: 'My-Registry.example.com/app',
    canonical: 'my-registry.example.com/app:latest',
    familiar: 'my-registry.example.com/app',
  },
  {
    text: `debian:trixie@${SHA}`,
    registry: 'docker.io',
    repository: 'library/debian',
    tag: 'trixie',
    digest: SHA,
    name: 'debian',
    canonical: `docker.io/library/debian:trixie@${SHA}`,
    familiar: `debian:trixie@${SHA}`,
  },
  {
    text: `debian@${SHA}`,
    registry: 'docker.io',
    repository: 'library/debian',
    digest: SHA,
    name: 'debian',
    canonical: `docker.io/library/debian@${SHA}`,
    familiar: `debian@${SHA}`,
  },
  {
    text: `ghcr.io/o/i@sha512:${HEX128}`,
    registry: 'ghcr.io',
    writtenRegistry: 'ghcr.io',
    repository: 'o/i',
    digest: `sha512:${HEX128}`,
    name: 'ghcr.io/o/i',
    canonical: `ghcr.io/o/i@sha512:${HEX128}`,
    familiar: `ghcr.io/o/i@sha512:${HEX128}`,
  },
  {
    text: `localhost:5000/x:1@${SHA}`,
    registry: 'localhost:5000',
    writtenRegistry: 'localhost:5000',
    repository: 'x',
    tag: '1',
    digest: SHA,
    name: 'localhost:5000/x',
    canonical: `localhost:5000/x:1@${SHA}`,
    familiar: `localhost:5000/x:1@${SHA}`,
  },
  {
    text: 'a__b-c---d/e.f_g:_Tag.With-Mixed_Case',
    registry: 'docker.io',
    repository: 'a__b-c---d/e.f_g',
    tag: '_Tag.With-Mixed_Case',
    name: 'a__b-c---d/e.f_g',
    canonical: 'docker.io/a__b-c---d/e.f_g:_Tag.With-Mixed_Case',
    familiar: 'a__b-c---d/e.f_g:_Tag.With-Mixed_Case',
  },
  {
    text: `ubuntu:${'t'.repeat(128)}`,
    registry: 'docker.io',
    repository: 'library/ubuntu',
    tag: 't'.repeat(128),
    name: 'ubuntu',
    canonical: `docker.io/library/ubuntu:${'t'.repeat(128)}`,
    familiar: `ubuntu:${'t'.repeat(128)}`,
  },
  // 255 characters of normalised name (registry included) is the limit, not beyond it.
  {
    text: `ghcr.io/o/${'a'.repeat(245)}:1`,
    registry: 'ghcr.io',
    writtenRegistry: 'ghcr.io',
    repository: `o/${'a'.repeat(245)}`,
    tag: '1',
    name: `ghcr.io/o/${'a'.repeat(245)}`,
    canonical: `ghcr.io/o/${'a'.repeat(245)}:1`,
    familiar: `ghcr.io/o/${'a'.repeat(245)}:1`,
  },
  {
    text: 'a'.repeat(237),
    registry: 'docker.io',
    repository: `library/${'a'.repeat(237)}`,
    name: 'a'.repeat(237),
    canonical: `docker.io/library/${'a'.repeat(237)}:latest`,
    familiar: 'a'.repeat(237),
  },
];

for (const row of valid) {
  test(`parses ${row.text.length > 70 ? `${row.text.slice(0, 70)}…` : row.text}`, () => {
    const result = parseImageReference(row.text);
    assert.ok(result.ok, `expected ok, got ${result.ok ? '' : result.error}`);
    const image = result.image;
    assert.equal(image.registry, row.registry, 'registry');
    assert.equal(image.writtenRegistry, row.writtenRegistry, 'writtenRegistry');
    assert.equal(image.repository, row.repository, 'repository');
    assert.equal(image.tag, row.tag, 'tag');
    assert.equal(image.digest, row.digest, 'digest');
    assert.equal(image.canonical, row.canonical, 'canonical');
    assert.equal(image.familiar, row.familiar, 'familiar');
    // The offsets must cut the original text where a fix would edit it.
    assert.equal(row.text.slice(0, image.nameEnd), row.name, 'nameEnd');
    assert.equal(
      row.text.slice(image.nameEnd, image.digestStart),
      row.tag === undefined ? '' : `:${row.tag}`,
      'tag span',
    );
    assert.equal(row.text.slice(image.digestStart), row.digest === undefined ? '' : `@${row.digest}`, 'digestStart');
  });
}

test('canonical and familiar forms parse back to the same image', () => {
  for (const row of valid) {
    const first = parseImageReference(row.text);
    assert.ok(first.ok);
    for (const form of [first.image.canonical, first.image.familiar]) {
      const again = parseImageReference(form);
      assert.ok(again.ok, form);
      assert.equal(again.image.canonical, first.image.canonical, form);
    }
  }
});

interface InvalidRow {
  why: string;
  text: string;
  error: RegExp;
}

const invalid: InvalidRow[] = [
  { why: 'empty', text: '', error: /^empty reference$/ },
  { why: 'only whitespace', text: '   ', error: /^empty reference/ },
  { why: 'leading space', text: ' debian', error: /^unexpected character space at 0$/ },
  { why: 'trailing newline', text: 'debian:12\n', error: /^unexpected character line break at 9$/ },
  { why: 'GitHub expression', text: '${{ matrix.x }}', error: /^contains a GitHub expression$/ },
  {
    why: 'expression inside a name',
    text: 'ghcr.io/o/${{ matrix.image }}:latest',
    error: /^contains a GitHub expression$/,
  },
  { why: 'shell variable in the tag', text: 'debian:$TAG', error: /^unexpected character '\$' at 7$/ },
  { why: 'uppercase short name', text: 'Ubuntu', error: /^repository name must be lowercase$/ },
  { why: 'uppercase path', text: 'ghcr.io/Owner/image:1', error: /^repository name must be lowercase$/ },
  { why: 'uppercase namespace is not a registry', text: 'Foo/bar', error: /^repository name must be lowercase$/ },
  { why: 'short digest', text: 'debian@sha256:abc123', error: /^invalid digest: sha256 needs 64 hex characters/ },
  {
    why: 'uppercase hex digest',
    text: `debian@sha256:${HEX64.toUpperCase()}`,
    error: /^invalid digest: hex must be lowercase$/,
  },
  {
    why: 'long digest',
    text: `debian@sha256:${HEX64}0`,
    error: /^invalid digest: sha256 needs 64 hex characters \(found 65\)$/,
  },
  {
    why: 'sha512 with 64 hex',
    text: `debian@sha512:${HEX64}`,
    error: /^invalid digest: sha512 needs 128 hex characters/,
  },
  { why: 'non-hex digest', text: `debian@sha256:${HEX64.slice(0, 63)}g`, error: /^unexpected character 'g' at 77$/ },
  { why: 'unknown algorithm', text: `debian@md5:${HEX64.slice(0, 32)}`, error: /^unsupported digest algorithm 'md5'$/ },
  { why: 'digest without algorithm', text: `debian@${HEX64}`, error: /^invalid digest: expected algorithm:hex/ },
  { why: 'digest with empty algorithm', text: `debian@:${HEX64}`, error: /^invalid digest: missing algorithm/ },
  {
    why: 'uppercase algorithm',
    text: `debian@SHA256:${HEX64}`,
    error: /^invalid digest: algorithm must be lowercase$/,
  },
  { why: '@ without digest', text: 'debian@', error: /^missing digest after '@' at 6$/ },
  { why: 'two @', text: `debian@${SHA}@${SHA}`, error: /^unexpected character '@' at 78$/ },
  { why: 'only a digest', text: `@${SHA}`, error: /^missing repository name/ },
  { why: 'double colon', text: 'debian::trixie', error: /^unexpected character ':' at 6$/ },
  { why: 'trailing colon', text: 'debian:', error: /^missing tag after ':' at 6$/ },
  { why: 'only a tag', text: ':latest', error: /^missing repository name$/ },
  { why: 'tag starting with a dot', text: 'debian:.x', error: /^unexpected character '\.' at 7$/ },
  { why: 'tag too long', text: `debian:${'t'.repeat(129)}`, error: /^tag too long \(129 characters, at most 128\)$/ },
  {
    why: '300-char repository',
    text: `ghcr.io/o/${'a'.repeat(290)}`,
    error: /^repository name too long \(300 characters with its registry, at most 255\)$/,
  },
  {
    why: 'short name too long once docker.io/library/ is added',
    text: 'a'.repeat(238),
    error: /^repository name too long \(256 characters/,
  },
  { why: 'empty path component', text: 'ghcr.io//x', error: /^empty path component at 8$/ },
  { why: 'trailing slash', text: 'debian/', error: /^empty path component at 7$/ },
  { why: 'leading slash', text: '/debian', error: /^empty path component at 0$/ },
  { why: 'component ending with a separator', text: 'foo-/bar', error: /^path component ends with '-' at 3$/ },
  { why: 'component starting with a separator', text: 'foo/_bar', error: /^path component starts with '_' at 4$/ },
  { why: 'three underscores', text: 'a___b', error: /^unexpected character '_' at 3$/ },
  { why: 'mixed separators', text: 'a.-b', error: /^unexpected character '-' at 2$/ },
  { why: 'two dots', text: 'a..b', error: /^unexpected character '\.' at 2$/ },
  { why: 'registry port not a number', text: 'localhost:http/x', error: /^unexpected character 'h' at 10$/ },
  { why: 'registry with empty port', text: 'localhost:/x', error: /^missing registry port after ':' at 9$/ },
  { why: 'registry with empty host component', text: 'ghcr..io/x', error: /^empty registry host component at 5$/ },
  {
    why: 'registry host ending with a hyphen',
    text: 'ghcr-.io/x',
    error: /^registry host component ends with '-' at 4$/,
  },
  { why: 'registry host with underscore', text: 'my_reg.io/x', error: /^unexpected character '_' at 2$/ },
  { why: 'registry with no repository', text: 'ghcr.io/', error: /^empty path component at 8$/ },
  { why: 'IPv6 zone identifier', text: '[fe80::1%25eth0]:5000/x', error: /^IPv6 zone identifiers are not allowed/ },
  { why: 'unterminated IPv6', text: '[::1:5000/x', error: /^unterminated IPv6 address/ },
  { why: 'IPv6 without a repository', text: '[::1]:5000', error: /^unexpected character '\[' at 0$/ },
  { why: 'image ID instead of a name', text: HEX64, error: /image ID, not a repository name/ },
  { why: 'docker:// scheme left on', text: 'docker://debian', error: /^unexpected 'docker:\/\/' prefix/ },
  {
    why: 'platform flag not split off',
    text: '--platform=linux/arm64 debian',
    error: /^path component starts with '-' at 0$/,
  },
  { why: 'non-breaking space', text: 'debian\u00a0', error: /^unexpected character whitespace U\+00A0 at 6$/ },
];

for (const row of invalid) {
  test(`rejects ${row.why}`, () => {
    const result = parseImageReference(row.text);
    assert.equal(result.ok, false, `expected an error for ${JSON.stringify(row.text.slice(0, 80))}`);
    if (!result.ok) {
      assert.match(result.error, row.error);
      assert.ok(!result.error.includes('\n'), 'errors are one line');
    }
  });
}

test('hostile 100 KB inputs come back as errors, with short messages', () => {
  const hostile = [
    'a'.repeat(100_000),
    'a-'.repeat(50_000),
    `a${'-'.repeat(100_000)}.b`,
    'a/'.repeat(50_000),
    'a:'.repeat(50_000),
    `[${':'.repeat(100_000)}`,
    `debian@sha256:${'a'.repeat(100_000)}`,
    `debian@${'x'.repeat(100_000)}:0`,
    `debian:${'_'.repeat(100_000)}`,
    `${'a.'.repeat(50_000)}io/x`,
    '@'.repeat(100_000),
  ];
  for (const text of hostile) {
    const result = parseImageReference(text);
    assert.equal(result.ok, false, text.slice(0, 40));
    if (!result.ok) assert.ok(result.error.length < 200, `message too long: ${result.error.slice(0, 80)}`);
  }
});

test('any string in, a result out', () => {
  const odd = ['\0', '\u{1F600}', '\uD800', 'a\u0000b', '%', '[', ']', '[]/x', '@:', ':@', '/:@', 'a@b:c'];
  for (const text of odd) {
    const result = parseImageReference(text);
    assert.equal(result.ok, false, JSON.stringify(text));
  }
});

test('DOCKER_HUB is the normalised registry of Docker Hub names', () => {
  assert.equal(DOCKER_HUB, 'docker.io');
  const result = parseImageReference('index.docker.io/x/y');
  assert.ok(result.ok);
  assert.equal(result.image.registry, DOCKER_HUB);
});

test('formatImage writes registry, repository, tag and digest in order', () => {
  assert.equal(formatImage({ repository: 'debian' }), 'debian');
  assert.equal(
    formatImage({ writtenRegistry: 'ghcr.io', repository: 'o/i', tag: '1', digest: SHA }),
    `ghcr.io/o/i:1@${SHA}`,
  );
  assert.equal(formatImage({ writtenRegistry: 'quay.io', repository: 'o/i', digest: SHA }), `quay.io/o/i@${SHA}`);
});

interface PlatformRow {
  text: string;
  platform?: string;
  image: string;
}

const platformRows: PlatformRow[] = [
  { text: '--platform=linux/arm64 debian:trixie', platform: 'linux/arm64', image: 'debian:trixie' },
  {
    text: '--platform linux/loong64 ghcr.io/loong64/debian:trixie',
    platform: 'linux/loong64',
    image: 'ghcr.io/loong64/debian:trixie',
  },
  { text: '  --platform=linux/arm/v7\t  alpine', platform: 'linux/arm/v7', image: 'alpine' },
  { text: '--platform=$BUILDPLATFORM golang:1.23', platform: '$BUILDPLATFORM', image: 'golang:1.23' },
  { text: '--platform=linux/riscv64', platform: 'linux/riscv64', image: '' },
  { text: 'debian:trixie', image: 'debian:trixie' },
  { text: '--platformx=linux/arm64 debian', image: '--platformx=linux/arm64 debian' },
  { text: '--platform= debian', image: '--platform= debian' },
  { text: 'debian --platform=linux/arm64', image: 'debian --platform=linux/arm64' },
];

for (const row of platformRows) {
  test(`splitPlatformFlag: ${row.text}`, () => {
    const split = splitPlatformFlag(row.text);
    assert.equal(split.platform, row.platform);
    assert.equal(row.text.slice(split.imageStart), row.image);
  });
}

test('the image after a --platform flag parses, with offsets into the original text', () => {
  const line = '--platform=linux/arm64 ghcr.io/loong64/debian:trixie';
  const { platform, imageStart } = splitPlatformFlag(line);
  assert.equal(platform, 'linux/arm64');
  const result = parseImageReference(line.slice(imageStart));
  assert.ok(result.ok);
  assert.equal(line.slice(imageStart, imageStart + result.image.nameEnd), 'ghcr.io/loong64/debian');
});
