// Online: Docker Hub's badge on a namespace, asked through the resolver and its cache, against a loopback
// server that answers as Docker Hub's `/v2/orgs/<name>/` does.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyze, loadEngine, mergePolicies } from '../../server/src/engine';
import { OnlineResolver } from '../../server/src/online/resolver';
import { startDockerHub, type TestDockerHub } from '../servers/dockerHubApi';
import { freePort } from '../servers/registry';
import { parsedImage as parsed } from '../unit/support/engine';

describe('online: Docker Hub namespaces', () => {
  let hub: TestDockerHub;
  let dir: string;
  let deadRegistry: string;

  before(async () => {
    await loadEngine(__dirname);
    hub = await startDockerHub(
      {
        acmecorp: { badge: 'verified_publisher', fullName: 'Acme', company: 'Acme Corporation' },
        someproject: { badge: 'open_source', fullName: 'Some Project', company: '' },
        plainorg: { badge: '', fullName: 'Plain', company: 'Plain Ltd' },
      },
      ['andy5995'],
    );
    dir = mkdtempSync(join(tmpdir(), 'wp-hub-'));
    // Image look-ups are not what this test is about: both registries are a closed local port.
    deadRegistry = `http://127.0.0.1:${await freePort()}`;
  });
  after(async () => {
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const resolver = () =>
    new OnlineResolver({
      hubApiUrl: hub.url,
      registryUrls: { 'docker.io': deadRegistry, 'ghcr.io': deadRegistry },
      dockerConfigPath: null,
      cacheDir: dir,
      maxAttempts: 1,
    });
  const images = [
    'acmecorp/agent:3',
    'someproject/tool:1',
    'plainorg/x:2',
    'andy5995/slackware-build-essential:15.0',
    'nosuchname/y:1',
    'debian:trixie',
    'bitnami/redis:7',
    'ghcr.io/acmecorp/z:1',
  ].map(parsed);

  test('badges are read from the answer; users, plain organisations and unknown names have none; known and official namespaces are not asked', async () => {
    const facts = await resolver().resolveAll(images, []);
    const badges = Object.fromEntries([...facts.publishers].map(([ns, p]) => [ns, p.badge ?? 'none']));
    assert.deepEqual(badges, {
      acmecorp: 'verified_publisher',
      someproject: 'open_source',
      plainorg: 'none',
      andy5995: 'none',
      nosuchname: 'none',
    });
    assert.equal(facts.publishers.get('acmecorp')?.name, 'Acme Corporation');
    assert.deepEqual(hub.requests.filter((p) => p.startsWith('/v2/orgs/')).sort(), [
      '/v2/orgs/acmecorp/',
      '/v2/orgs/andy5995/',
      '/v2/orgs/nosuchname/',
      '/v2/orgs/plainorg/',
      '/v2/orgs/someproject/',
    ]);
    assert.ok(hub.requests.includes('/v2/users/andy5995/'), 'the redirect for a personal account is followed');
  });

  test('the answers are cached: a second resolver asks Docker Hub nothing', async () => {
    const before = hub.requests.length;
    const facts = await resolver().resolveAll(images, []);
    assert.equal(hub.requests.length, before);
    assert.equal(facts.publishers.get('acmecorp')?.badge, 'verified_publisher');
    assert.equal(facts.publishers.get('acmecorp')?.fromCache, true);
  });

  test('the findings follow the badges', async () => {
    const facts = await resolver().resolveAll(images, []);
    const text = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      ...['acmecorp/agent:3', 'someproject/tool:1', 'plainorg/x:2', 'andy5995/slackware-build-essential:15.0'].map(
        (i) => `      - run: docker run ${i}`,
      ),
      '',
    ].join('\n');
    const untrusted = analyze(text, { policy: mergePolicies(), resolved: facts })
      .findings.filter((f) => f.rule === 'untrusted-image')
      .map((f) => f.reference.text);
    assert.deepEqual(untrusted, ['plainorg/x:2', 'andy5995/slackware-build-essential:15.0']);
  });

  test('with Docker Hub reached through a mirror and no API address given, no namespace is asked about', async () => {
    const before = hub.requests.length;
    const mirrored = new OnlineResolver({
      registryUrls: { 'docker.io': deadRegistry },
      dockerConfigPath: null,
      maxAttempts: 1,
    });
    const facts = await mirrored.resolveAll([parsed('othercorp/tool:1')], []);
    assert.equal(facts.publishers.size, 0);
    assert.equal(hub.requests.length, before);
  });
});
