// Restricted Mode: a repository's .vscode/settings.json must not change what is checked or trusted
// before the user trusts it. VS Code ignores workspace values of the settings the manifest lists in
// `restrictedConfigurations`, so every setting the server acts on must be listed there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readSettings } from '../../server/src/lsp/settings';
import { projectRoot } from './support/engine';

interface Manifest {
  contributes: { configuration: { properties: Record<string, unknown> } };
  capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations: string[] } };
}

const manifest = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as Manifest;
const contributed = Object.keys(manifest.contributes.configuration.properties);
const restricted = new Set(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations);

/** Settings a workspace may set in Restricted Mode, and why that is harmless. */
const unrestricted: Record<string, string> = {
  'workflowProvenance.trace.server': 'logs the protocol to the local output channel; changes no finding and sends nothing',
};

test('every contributed setting is restricted in untrusted workspaces, or listed here with the reason it is harmless', () => {
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  const open = contributed.filter((k) => !restricted.has(k) && !(k in unrestricted));
  assert.deepEqual(open, [], 'a workspace could set these in Restricted Mode');
  for (const k of restricted) assert.ok(contributed.includes(k), `${k} is restricted but not contributed (a typo restricts nothing)`);
  assert.ok(restricted.has('workflowProvenance.enable'), 'a repository must not switch the checks off before it is trusted');
});

test('every setting the language server reads is a contributed, restricted setting', () => {
  const read = Object.keys(readSettings({})).map((k) => `workflowProvenance.${k}`);
  assert.ok(read.length >= 6);
  for (const k of read) {
    assert.ok(contributed.includes(k), `the server reads ${k}, which the manifest does not contribute`);
    assert.ok(restricted.has(k), `the server acts on ${k}, which a workspace could set in Restricted Mode`);
  }
});
