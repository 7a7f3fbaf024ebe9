// Publishers judged as a maintainer would: who vouches for an image decides whether untrusted-image or
// community-image fires. One fixture per class, each firing or silent.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import {
  type AnalyzeOptions,
  defaultPolicy,
  describeAction,
  describeImage,
  parsePolicyFile,
  type ResolvedFacts,
} from '../../server/src/engine';
import { hoverMarkdown, referencesAt } from '../../server/src/lsp/hover';
import { check, containerJob as job, ready, yaml } from './support/engine';

before(ready);

function publisherFindings(text: string, options: Parameters<typeof check>[1] = {}): string[] {
  return check(text, options)
    .findings.filter((f) => f.rule === 'untrusted-image' || f.rule === 'community-image')
    .map((f) => f.rule);
}

const vouched: Array<[string, RegExp]> = [
  ['bitnami/redis:7.4', /Bitnami/],
  ['grafana/k6:0.54.0', /Grafana Labs/],
  ['nvidia/cuda:12.4.1-devel-ubuntu22.04', /NVIDIA/],
  ['mongodb/mongodb-community-server:7.0-ubuntu2204', /MongoDB/],
  ['postgis/postgis:16-3.4', /PostGIS/],
  ['almalinux/almalinux:9', /AlmaLinux/],
  ['rockylinux/rockylinux:9', /Rocky/],
  ['quay.io/fedora/fedora:41', /Fedora/],
  ['registry.fedoraproject.org/fedora:41', /Fedora/],
  ['registry.access.redhat.com/ubi9/ubi:9.4', /Red Hat/],
  ['quay.io/centos/centos:stream9', /CentOS/],
  ['ghcr.io/rust-cross/manylinux2014-cross:aarch64', /rust-cross/],
  ['quay.io/prometheus/golang-builder:1.26-base', /Prometheus/],
  ['moby/buildkit:buildx-stable-1', /Moby/],
  ['mcr.microsoft.com/dotnet/sdk:8.0', /Microsoft/],
  ['docker.elastic.co/elasticsearch/elasticsearch:8.15.0', /Elastic/],
];

for (const [image, who] of vouched) {
  test(`a vouched-for publisher: ${image} gets no publisher warning, and says who vouches`, () => {
    const text = job(image);
    assert.deepEqual(publisherFindings(text), []);
    const ref = check(text).images[0];
    const provenance = describeImage(ref);
    assert.equal(provenance.standing, 'verified-publisher');
    assert.match(provenance.vouchedBy?.who ?? '', who);
  });
}

const personal: Array<[string, string]> = [
  ['andy5995/slackware-build-essential:15.0', 'untrusted-image'],
  ['quay.io/tiran/cpython_autoconf:269', 'untrusted-image'],
  ['ghcr.io/someone/tool:1', 'untrusted-image'],
  ['ghcr.io/loong64/debian:trixie', 'community-image'],
  // Lookalikes of known namespaces are not those namespaces.
  ['bitnami-fake/redis:7', 'community-image'],
  ['ghcr.io/bitnami/redis:7', 'community-image'],
  ['ghcr.io/fedora/fedora:41', 'untrusted-image'],
  ['quay.io/fedora-copies/tool:1', 'untrusted-image'],
];

for (const [image, rule] of personal) {
  test(`a personal namespace stays a warning: ${image} → ${rule}`, () => {
    assert.deepEqual(publisherFindings(job(image)), [rule]);
  });
}

test("the repository's own organisation under another spelling: dashes, dots and underscores ignored", () => {
  for (const image of ['myorg/tool:1', 'ghcr.io/my.org/tool:1', 'quay.io/my_org/tool:1', 'my-org/tool:1']) {
    assert.deepEqual(publisherFindings(job(image), { repositoryOwner: 'my-org' }), [], image);
    assert.match(
      describeImage(check(job(image)).images[0], { repositoryOwner: 'my-org' }).reason,
      /repository's own namespace/,
    );
  }
  // A longer or different name is someone else; so is the same name on a registry nobody owns by name.
  for (const image of ['myorgx/tool:1', 'ghcr.io/my-orgs/tool:1', 'registry.example.com/myorg/tool:1']) {
    assert.deepEqual(publisherFindings(job(image), { repositoryOwner: 'my-org' }), ['untrusted-image'], image);
  }
});

test('owner-aliases in the policy: a bare name on the owner registries, registry/name on that registry only', () => {
  const { policy, problems } = parsePolicyFile(yaml('owner-aliases:', '  - myorgdev', '  - quay.io/myorg-oss'));
  assert.deepEqual(problems, []);
  const options = { repositoryOwner: 'my-org', policyParts: policy };
  assert.deepEqual(publisherFindings(job('myorgdev/tool:1'), options), []);
  assert.deepEqual(publisherFindings(job('ghcr.io/myorgdev/tool:1'), options), []);
  assert.deepEqual(publisherFindings(job('quay.io/myorg-oss/tool:1'), options), []);
  assert.deepEqual(publisherFindings(job('ghcr.io/myorg-oss/tool:1'), options), ['untrusted-image']);
  // Aliases name owners, so they also make the owner's actions the repository's own.
  const action = check(
    yaml('on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: myorgdev/act@v1'),
    options,
  ).actions[0];
  assert.equal(
    describeAction(action, {
      repositoryOwner: 'my-org',
      policy: { ...defaultPolicy(), ownerAliases: policy.ownerAliases ?? [] },
    }).standing,
    'trusted',
  );
});

test('owner-aliases: a wildcard or a path is a mistake reported in the file', () => {
  const { policy, problems } = parsePolicyFile(yaml('owner-aliases:', '  - myorg/*', '  - good-name'));
  assert.deepEqual(policy.ownerAliases, ['good-name']);
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /owner-aliases/);
});

function resolvedWith(image: string, facts: Partial<ResolvedFacts>): AnalyzeOptions['resolved'] {
  const parsed = check(job(image)).images[0].parsed;
  assert.ok(parsed);
  return { images: new Map(), actions: new Map(), ...facts };
}

test("online: the image's org.opencontainers.image.source label pointing at the owner's repository makes it the repository's own", () => {
  const image = 'builders/tool:1';
  const parsed = check(job(image)).images[0].parsed;
  assert.ok(parsed);
  const fact = (source: string) => ({
    images: new Map([
      [
        parsed.canonical,
        {
          digest: `sha256:${'a'.repeat(64)}`,
          platforms: [],
          fetchedAt: '2026-12-01T00:00:00Z',
          sourceRepository: source,
        },
      ],
    ]),
    actions: new Map(),
  });
  assert.deepEqual(
    publisherFindings(job(image), { repositoryOwner: 'my-org', resolved: fact('https://github.com/my-org/tools') }),
    [],
  );
  assert.deepEqual(
    publisherFindings(job(image), {
      repositoryOwner: 'my-org',
      resolved: fact('https://github.com/someone-else/tools'),
    }),
    ['untrusted-image'],
  );
  // Without a known owner the label proves nothing.
  assert.deepEqual(publisherFindings(job(image), { resolved: fact('https://github.com/my-org/tools') }), [
    'untrusted-image',
  ]);
});

test("online: Docker Hub's badge on the namespace makes it a vouched-for publisher; no badge leaves the warning", () => {
  const image = 'acmecorp/agent:3';
  const badge = resolvedWith(image, {
    publishers: new Map([
      [
        'acmecorp',
        {
          namespace: 'acmecorp',
          badge: 'verified_publisher' as const,
          name: 'Acme Corp',
          fetchedAt: '2026-12-01T00:00:00Z',
        },
      ],
    ]),
  });
  assert.deepEqual(publisherFindings(job(image), { resolved: badge }), []);
  const provenance = describeImage(check(job(image)).images[0], { resolved: badge });
  assert.equal(provenance.standing, 'verified-publisher');
  assert.match(provenance.reason, /Acme Corp: Docker Verified Publisher/);
  const none = resolvedWith(image, {
    publishers: new Map([['acmecorp', { namespace: 'acmecorp', fetchedAt: '2026-12-01T00:00:00Z' }]]),
  });
  assert.deepEqual(publisherFindings(job(image), { resolved: none }), ['untrusted-image']);
});

function qemuStep(withLine?: string): string {
  return yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: docker/setup-qemu-action@v3',
    ...(withLine ? ['        with:', `          ${withLine}`] : []),
  );
}

test("the default image of a trusted action is vouched for by the action's publisher, any tag of it", () => {
  for (const text of [qemuStep(), qemuStep('image: tonistiigi/binfmt:qemu-v8.1.5')]) {
    const r = check(text);
    const image = r.images.find((i) => i.text.startsWith('tonistiigi/binfmt'));
    assert.ok(image, 'the binfmt image is found');
    assert.deepEqual(publisherFindings(text), []);
    const provenance = describeImage(image);
    assert.equal(provenance.standing, 'verified-publisher');
    assert.match(provenance.reason, /default image of docker\/setup-qemu-action/);
  }
  // Another image in the same input is judged on its own.
  assert.deepEqual(publisherFindings(qemuStep('image: someone/binfmt:1')), ['untrusted-image']);
});

test('the hover says who vouches, and where that is written', () => {
  const text = job('bitnami/redis:7.4');
  const analysis = check(text);
  const offset = text.indexOf('bitnami') + 2;
  const target = referencesAt(analysis, offset);
  assert.ok(target);
  const md = hoverMarkdown(target, analysis, undefined);
  assert.match(md, /\*\*Vouched-for publisher\*\*/);
  assert.match(
    md,
    /\*\*Who vouches:\*\* Bitnami \(Broadcom\), Docker Verified Publisher \(source: \[https:\/\/hub\.docker\.com\/u\/bitnami\]/,
  );
});

const copies: Array<[string, string[]]> = [
  // An organisation's database image in a repository it happens to call `docker` is not a copy of docker.
  ['ghcr.io/acme/docker:postgres-16', ['untrusted-image']],
  ['ghcr.io/acme/docker:build-env', ['untrusted-image']],
  ['someone/docker:dind', ['community-image']],
  ['someone/docker:27-dind', ['community-image']],
  // A distribution under its own name is the distribution.
  ['almalinux/almalinux:9', []],
  ['ghcr.io/someproject/someproject:1', ['untrusted-image']],
  ['ghcr.io/alpine/alpine:3', ['untrusted-image']],
  // The tag names another official image: the repository name is a label, not a copy.
  ['ghcr.io/acme/node:redis-7', ['untrusted-image']],
  // Variant tags of the official image itself still make a copy.
  ['someone/python:alpine', ['community-image']],
  ['someone/debian', ['community-image']],
  ['quay.io/someone/alpine:3.20', ['community-image']],
];

for (const [image, rules] of copies) {
  test(`community copies are about whole names: ${image} → ${rules.join(', ') || 'nothing'}`, () => {
    assert.deepEqual(publisherFindings(job(image)), rules);
  });
}

test('every built-in entry names its source and is reachable', async () => {
  const { builtInPublishers } = await import('../../server/src/engine/publishers');
  const { dockerHub, registries } = builtInPublishers();
  assert.ok(dockerHub.length + registries.length >= 250, `${dockerHub.length} + ${registries.length} entries`);
  for (const p of [...dockerHub, ...registries]) assert.ok(p.source.length > 2 && p.who.length > 2, p.pattern);
  const hubNames = dockerHub.map((p) => p.pattern);
  assert.equal(new Set(hubNames).size, hubNames.length, 'no namespace listed twice');
});
