// A pass over the real workflows in ../shared/corpus: no crash, and the known cases found.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { describeImage } from '../../server/src/engine';
import { check, lineOf, only, projectRoot, ready, spanText } from './support/engine';

const corpus = join(projectRoot(), '..', 'shared', 'corpus');
const absent = !existsSync(corpus) && `corpus not found at ${corpus}`;

function read(rel: string): string {
  return readFileSync(join(corpus, rel), 'utf8');
}

function corpusFiles(): string[] {
  return readdirSync(corpus, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(corpus, d.name)).filter((f) => /\.ya?ml$/.test(f)).map((f) => `${d.name}/${f}`));
}

before(ready);

test('every corpus file is analysed without a crash, with spans inside the document', { skip: absent }, () => {
  const files = corpusFiles();
  assert.ok(files.length >= 20);
  for (const f of files) {
    const text = read(f);
    const r = check(text, { path: f });
    assert.equal(r.kind, 'workflow', f);
    for (const x of r.findings) assert.ok(x.span.start >= 0 && x.span.end <= text.length && x.span.start <= x.span.end, f);
  }
});

test('the LoongArch image on line 854 of the uv workflow, consumed on lines 878 and 932', { skip: absent }, () => {
  const text = read('astral-sh__uv/build-binaries.at-2fd9e53b.yml');
  const f = only(check(text).findings, 'community-image');
  assert.equal(f.length, 1);
  assert.equal(lineOf(text, f[0].span.start), 854);
  assert.equal(spanText(text, f[0].span), 'ghcr.io/loong64/debian:trixie');
  assert.deepEqual(f[0].related?.map((r) => lineOf(text, r.span.start)), [878, 932]);
  assert.match(f[0].message, /does not publish linux\/loong64/);
});

test('the ruff sibling on line 300', { skip: absent }, () => {
  const text = read('astral-sh__ruff/build-binaries.at-ec863bcd.yml');
  const f = only(check(text).findings, 'community-image');
  assert.deepEqual(f.map((x) => lineOf(text, x.span.start)), [300]);
});

test('the implicit balenalib/rpi-raspbian:bullseye chosen by arch armv6 + distro bullseye', { skip: absent }, () => {
  const text = read('astral-sh__uv/build-release-binaries.yml');
  const r = check(text);
  const implicit = r.images.filter((i) => i.text === 'balenalib/rpi-raspbian:bullseye');
  assert.ok(implicit.length >= 1);
  assert.ok(implicit.every((i) => i.source === 'action-implicit' && i.platform === 'linux/arm/v6'));
  assert.deepEqual(implicit.map((i) => lineOf(text, i.span.start)), [611, 669]);
  // balenalib is a Docker Verified Publisher: no warning, and the hover can say who vouches.
  assert.equal(only(r.findings, 'untrusted-image').filter((x) => x.reference.text === 'balenalib/rpi-raspbian:bullseye').length, 0);
  const provenance = describeImage(implicit[0]);
  assert.equal(provenance.standing, 'verified-publisher');
  assert.match(provenance.reason, /balena/);
});

test('publishers on the whole corpus: only personal namespaces are warned about', { skip: absent }, () => {
  const warned = new Set<string>();
  for (const f of corpusFiles()) {
    for (const x of check(read(f), { path: f }).findings) {
      if (x.rule === 'untrusted-image' || x.rule === 'community-image') warned.add(`${x.rule} ${x.reference.text}`);
    }
  }
  assert.deepEqual([...warned].sort(), [
    'community-image ghcr.io/loong64/debian:trixie',
    'untrusted-image andy5995/slackware-build-essential:15.0@sha256:f4f2242999038a2c2deb4e5727187caaae92502a7daf8353068932621e1ec92f',
    'untrusted-image quay.io/tiran/cpython_autoconf:269',
  ]);
});

test('forms from the index: digests, partial templates, mapping containers, docker:// uses, run scripts, inputs', { skip: absent }, () => {
  const texts = (rel: string) => check(read(rel)).images.map((i) => i.text);
  assert.ok(texts('astral-sh__uv/test-system.yml').includes('rockylinux/rockylinux:9'));
  assert.ok(texts('astral-sh__uv/test-system.yml').some((t) => t.startsWith('cgr.dev/chainguard/python:latest@sha256:')));
  assert.ok(texts('PyO3__maturin/release.yml').includes('ghcr.io/rust-cross/rust-musl-cross:loongarch64-musl'));
  assert.ok(texts('PyO3__maturin/test.yml').includes('quay.io/pypa/manylinux_2_28_x86_64'));
  assert.ok(texts('prometheus__prometheus/prombench.yml').includes('prominfra/prombench:master'));
  assert.ok(texts('python__cpython/build.at-00023da0.yml').includes('quay.io/tiran/cpython_autoconf:269'));
  assert.ok(texts('psycopg__psycopg/packages-bin.yml').includes('tonistiigi/binfmt:qemu-v8.1.5'));
  assert.ok(texts('psycopg__psycopg/tests.yml').includes('postgres:18'));
  assert.ok(texts('SeaQL__sea-orm/rust.yml').includes('mysql:5.7'));
  assert.ok(texts('actions__example-services/postgres-service.yml').includes('node:10.16-jessie'));
  assert.ok(texts('rust-lang__rustup/ci.yaml').includes('centos:7'));
  assert.ok(!texts('rust-lang__rustup/ci.yaml').some((t) => t.startsWith('rustup/')), 'locally built images are not registry images');
  assert.deepEqual(texts('astral-sh__ruff/ci.yaml'), [], 'the negative control has no images');
  // The matrix key called `image` in curl's workflow holds runner labels, not images.
  assert.ok(!texts('curl__curl/linux.yml').some((t) => t.startsWith('ubuntu-')));
});
