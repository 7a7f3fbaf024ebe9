// Every rule is complete: a documentation page, a setting, SARIF help, specification cases, and
// documentation examples that do what the page says.
// Example convention in docs/rules/<id>.md: each ```yaml block under the heading `## Fires` must give at
// least one finding of the page's rule, each under `## Does not fire` none; blocks under other headings
// are not run. A block without top-level `jobs:` or `runs:` is one job's body and runs inside a job of
// `runs-on: ubuntu-latest`. An online rule's example takes the facts a registry or git server would return from an
// HTML comment on the line before its block: `<!-- facts: {"images": {...}, "actions": {...}} -->`
// (the JSON form of test/rules/*/*.json's `resolved`), and a rule a policy entry switches on its policy
// from `<!-- policy: <workflow-provenance.yml in YAML flow style> -->`; the two comments may come in
// either order. A block preceded by `<!-- file: PATH -->` (```yaml or ```dockerfile) is not an example:
// it is a file of the next example's repository, which that example's `uses:` lines are followed into.
// A lockfile rule's example reads `.github/workflows/actions.lock` (listing the example as
// `.github/workflows/ci.yml`) from `<!-- actions-lock: <the file in YAML flow style> -->`.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { parseActionsLock, type ResolvedAction, type ResolvedImage } from '../../server/src/engine';
import { parsePolicyFile } from '../../server/src/engine/policy';
import { ruleHelp } from '../../server/src/cli/ruleDocs';
import { allRules } from '../../server/src/rules';
import { check, projectRoot, ready, reparses } from '../unit/support/engine';
import { casesOf } from './cases';

before(ready);

const root = projectRoot();
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { properties?: Record<string, { enum?: string[] }> }> } };
};
const ruleSettings = manifest.contributes.configuration.properties['workflowProvenance.rules'].properties ?? {};

interface Example {
  expect: 'fires' | 'silent';
  line: number;
  text: string;
  facts?: { images?: Record<string, ResolvedImage>; actions?: Record<string, ResolvedAction> };
  policy?: string;
  actionsLock?: string;
  /** The repository's other files the example's `uses:` lines lead to, by path. */
  files?: Record<string, string>;
}

/** A page may show only a job's body (`steps:`, `strategy:`, ...): it runs inside one job. */
function asWorkflow(block: string[]): string {
  if (block.some((l) => /^(jobs|runs):/.test(l))) return `${block.join('\n')}\n`;
  return [
    'on: push',
    'jobs:',
    '  example:',
    '    runs-on: ubuntu-latest',
    ...block.map((l) => (l ? `    ${l}` : l)),
    '',
  ].join('\n');
}

/** The runnable examples of a page, by the convention above. */
function examplesOf(page: string): Example[] {
  const lines = page.split('\n');
  const out: Example[] = [];
  let section = '';
  let files: Record<string, string> | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('## ')) section = lines[i].slice(3).trim();
    const file = /^<!-- file: (\S+) -->$/.exec(lines[i - 1] ?? '');
    if (!/^```(yaml|dockerfile)$/.test(lines[i].trim()) || (lines[i].trim() !== '```yaml' && !file)) continue;
    let end = i + 1;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    assert.ok(end < lines.length, `unclosed block at line ${i + 1}`);
    if (file) {
      // A file of the example's repository, for the next example's `uses:` to lead to.
      files = { ...files, [file[1]]: `${lines.slice(i + 1, end).join('\n')}\n` };
      i = end;
      continue;
    }
    const expect = section === 'Fires' ? 'fires' : section === 'Does not fire' ? 'silent' : undefined;
    const before = lines.slice(Math.max(0, i - 2), i);
    const facts = before.map((l) => /^<!-- facts: (.*) -->$/.exec(l)).find(Boolean);
    const policy = before.map((l) => /^<!-- policy: (.*) -->$/.exec(l)).find(Boolean);
    const actionsLock = before.map((l) => /^<!-- actions-lock: (.*) -->$/.exec(l)).find(Boolean);
    if (expect) {
      out.push({
        expect,
        line: i + 1,
        text: asWorkflow(lines.slice(i + 1, end)),
        facts: facts ? JSON.parse(facts[1]) : undefined,
        policy: policy?.[1],
        actionsLock: actionsLock?.[1],
        files,
      });
    }
    files = undefined;
    i = end;
  }
  return out;
}

for (const rule of allRules) {
  const docPath = join(root, 'docs', 'rules', `${rule.id}.md`);

  test(`${rule.id}: page, setting, SARIF help and specification cases`, () => {
    assert.equal(rule.docPath, `docs/rules/${rule.id}.md`);
    assert.ok(existsSync(docPath), `missing ${rule.docPath}`);
    assert.deepEqual(
      ruleSettings[rule.id]?.enum?.slice().sort(),
      ['error', 'info', 'off', 'warning'],
      `workflowProvenance.rules.${rule.id} setting`,
    );
    assert.equal(ruleHelp[rule.id], readFileSync(docPath, 'utf8'), 'SARIF help is the page');
    assert.ok(casesOf(rule.id).length > 0, `no cases in test/rules/${rule.id}/`);
  });

  test(`${rule.id}: the page's examples do what it says`, () => {
    const examples = examplesOf(readFileSync(docPath, 'utf8'));
    assert.ok(
      examples.some((e) => e.expect === 'fires'),
      'a Fires example',
    );
    assert.ok(
      examples.some((e) => e.expect === 'silent'),
      'a Does not fire example',
    );
    for (const e of examples) {
      reparses(e.text);
      const resolved = e.facts && {
        images: new Map(Object.entries(e.facts.images ?? {})),
        actions: new Map(Object.entries(e.facts.actions ?? {})),
      };
      const policyParts = e.policy === undefined ? undefined : parsePolicyFile(e.policy).policy;
      const lock = e.actionsLock === undefined ? undefined : parseActionsLock(e.actionsLock).lock;
      if (e.actionsLock !== undefined) assert.ok(lock, `the actions-lock comment at ${e.line} reads`);
      const actionsLock = lock && { lock, workflow: '.github/workflows/ci.yml' };
      const found = check(e.text, { resolved, policyParts, files: e.files, actionsLock }).findings.filter(
        (f) => f.rule === rule.id,
      );
      const where = `example at ${rule.docPath}:${e.line}`;
      if (e.expect === 'fires') assert.ok(found.length > 0, `${where} should fire`);
      else
        assert.deepEqual(
          found.map((f) => f.message),
          [],
          `${where} should not fire`,
        );
    }
  });
}

test('no setting names a rule that does not exist', () => {
  const ids = new Set(allRules.map((r) => r.id));
  assert.deepEqual(
    Object.keys(ruleSettings).filter((k) => !ids.has(k)),
    [],
  );
});
