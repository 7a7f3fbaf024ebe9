// The extension as the Marketplace and VS Code see it: the manifest's settings, activation and
// gallery fields, and the README inside the packaged .vsix (`vsce package --readme-path`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, matchesGlob } from 'node:path';
import { test } from 'node:test';
import { settingsSection, userSettingNames } from '../../server/src/lsp/protocol';
import { projectRoot } from './support/engine';

const root = projectRoot();
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  keywords?: string[];
  bugs?: { url?: string };
  galleryBanner?: { color?: string; theme?: string };
  preview?: boolean;
  scripts: Record<string, string>;
  contributes: { configuration: { properties: Record<string, Setting> } };
};
interface Setting {
  markdownDescription?: string;
  description?: string;
  properties?: Record<string, Setting>;
}

test('every setting, and every rule under workflowProvenance.rules, has a markdown description', () => {
  const missing: string[] = [];
  const visit = (name: string, s: Setting) => {
    if (!s.markdownDescription?.trim()) missing.push(name);
    for (const [child, spec] of Object.entries(s.properties ?? {})) visit(`${name}.${child}`, spec);
  };
  for (const [name, s] of Object.entries(manifest.contributes.configuration.properties)) visit(name, s);
  assert.deepEqual(missing, []);
});

test('the settings package.json declares are the ones the protocol module types, no more and no fewer', () => {
  // `trace.server` belongs to the language client library, which reads it by itself.
  const declared = Object.keys(manifest.contributes.configuration.properties)
    .filter((name) => name !== `${settingsSection}.trace.server`)
    .sort();
  assert.deepEqual(declared, userSettingNames.map((name) => `${settingsSection}.${name}`).sort());
});

test('the extension starts for workflows and action.yml files, not for every YAML file', () => {
  const events = manifest.activationEvents;
  assert.ok(
    !events.includes('*') && !events.includes('onLanguage:yaml') && !events.includes('onStartupFinished'),
    events.join(', '),
  );
  const globs = events
    .filter((e) => e.startsWith('workspaceContains:'))
    .map((e) => e.slice('workspaceContains:'.length));
  const starts = (path: string) => globs.some((g) => matchesGlob(path, g));
  for (const path of [
    '.github/workflows/ci.yml',
    '.github/workflows/release.yaml',
    'action.yml',
    'tools/setup/action.yaml',
    'sub/repo/.github/workflows/x.yml',
  ]) {
    assert.ok(starts(path), `${path} does not start the extension`);
  }
  for (const path of [
    'docker-compose.yml',
    'config.yaml',
    '.github/dependabot.yml',
    'charts/app/values.yaml',
    'workflows/ci.yml',
  ]) {
    assert.ok(!starts(path), `${path} starts the extension`);
  }
  // Other activation events are language-based only for the workflow language of the GitHub Actions extension.
  assert.deepEqual(
    events.filter((e) => !e.startsWith('workspaceContains:')),
    ['onLanguage:github-actions-workflow'],
  );
});

test('the gallery fields are filled in', () => {
  assert.ok((manifest.keywords ?? []).length >= 3 && (manifest.keywords ?? []).length <= 30, 'keywords');
  assert.match(manifest.bugs?.url ?? '', /^https:\/\/github\.com\/.+\/issues$/);
  assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i);
  assert.ok(manifest.galleryBanner?.theme === 'dark' || manifest.galleryBanner?.theme === 'light');
  assert.equal(manifest.preview, true);
});

test('the packaged README is the user-facing one, and each of its pictures is a repository image by https URL', (t) => {
  assert.ok(existsSync(join(root, 'dist/extension.js')), 'npm test builds dist/ first');
  const readmePath = /--readme-path (\S+)/.exec(manifest.scripts.package)?.[1];
  assert.ok(readmePath, 'npm run package names its README');
  const out = mkdtempSync(join(tmpdir(), 'wp-vsix-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const vsix = join(out, 'extension.vsix');
  const packed = spawnSync(
    join(root, 'node_modules/.bin/vsce'),
    ['package', '--no-dependencies', '--readme-path', readmePath, '--out', vsix],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 120000,
    },
  );
  assert.equal(packed.status, 0, packed.stderr + packed.stdout);
  const listing = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).stdout.split('\n');
  assert.deepEqual(
    listing.filter((f) => /^extension\/readme\.md$/i.test(f)),
    ['extension/readme.md'],
  );
  const readme = spawnSync('unzip', ['-p', vsix, 'extension/readme.md'], { encoding: 'utf8' }).stdout;
  assert.match(readme, /^# Workflow Provenance\n/);
  assert.doesNotMatch(readme, /npm install && npm test/, 'contributor instructions belong to the repository README');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((m) => m[1]);
  assert.ok(images.length >= 3, 'the page shows the squiggle, hover and quick fixes');
  for (const url of images) {
    const inRepo =
      /^https:\/\/raw\.githubusercontent\.com\/workflow-provenance\/workflow-provenance\/main\/(.+\.png)$/.exec(url);
    assert.ok(inRepo, `${url}: not an https URL of the repository's main branch`);
    assert.ok(existsSync(join(root, inRepo[1])), `${url}: ${inRepo[1]} is not in the repository`);
  }
  t.diagnostic(`packaged README: ${readme.length} characters, ${images.length} pictures`);
});
