// Choosing the edits of "fix all": one safe fix per finding, preferred first, never two that overlap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/engine';
import type { Finding, Fix, ImageReference } from '../../server/src/engine/types';
import { safeFixEdits } from '../../server/src/lsp/codeActions';

const text = 'container: ghcr.io/loong64/debian:trixie\nservices:\n  db: postgres:16\n';

function finding(fixes: Fix[]): Finding {
  const reference: ImageReference = {
    kind: 'image',
    text: 'x',
    span: { start: 0, end: 1 },
    editable: true,
    source: 'container',
  };
  return { rule: 'r', severity: 'warning', message: 'm', span: { start: 0, end: 1 }, reference, fixes };
}

const at = (needle: string, newText: string) => {
  const start = text.indexOf(needle);
  return { start, end: start + needle.length, newText };
};

test('takes the preferred safe fix of each finding and leaves unsafe ones alone', () => {
  const edits = safeFixEdits([
    finding([
      {
        title: 'switch',
        kind: 'switch-official',
        edits: [at('ghcr.io/loong64/debian:trixie', 'debian:trixie')],
        preferred: true,
      },
      { title: 'pin', kind: 'pin-digest', edits: [at('trixie', 'trixie@sha256:aa')], safe: true },
      { title: 'pin other', kind: 'pin-digest', edits: [at('debian', 'other')], safe: true, preferred: true },
    ]),
    finding([{ title: 'pin db', kind: 'pin-digest', edits: [at('postgres:16', 'postgres:16@sha256:bb')], safe: true }]),
  ]);
  assert.equal(
    applyEdits(text, edits),
    'container: ghcr.io/loong64/other:trixie\nservices:\n  db: postgres:16@sha256:bb\n',
  );
});

test('drops a fix that overlaps one already taken, and the same fix offered twice counts once', () => {
  const pin = { title: 'pin', kind: 'pin-digest' as const, edits: [at('trixie', 'trixie@sha256:aa')], safe: true };
  const edits = safeFixEdits([
    finding([pin]),
    finding([pin]),
    finding([{ title: 'overlap', kind: 'pin-digest', edits: [at('debian:trixie', 'debian@sha256:cc')], safe: true }]),
  ]);
  assert.equal(edits.length, 1);
  assert.equal(
    applyEdits(text, edits),
    'container: ghcr.io/loong64/debian:trixie@sha256:aa\nservices:\n  db: postgres:16\n',
  );
});

test('nothing safe, nothing to do', () => {
  assert.deepEqual(safeFixEdits([finding([{ title: 'ignore', kind: 'ignore', edits: [at('\n', ' # x\n')] }])]), []);
});
