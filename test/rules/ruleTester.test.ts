// Runs every rule's specification cases (test/rules/<rule-id>/) through the engine, offline.
// A case is `<name>.yml` (a tiny workflow or action file) with `<name>.json` beside it:
//   { "findings": [{ "range": "6:18-6:47", "message": "fragment", "fixes": { "<kind>": "<name>.<kind>.yml" } }],
//     "path": ".github/workflows/ci.yml", "repositoryOwner": "octo", "policy": "<workflow-provenance.yml text>",
//     "resolved": { "images": { "<key>": {...} }, "actions": { "<key>": {...} } },
//     "actionsLock": "<.github/workflows/actions.lock text>",
//     "files": { ".github/actions/x/action.yml": "<text>" } }   (files `uses:` lines are followed into)
// `findings` lists exactly the findings of the folder's rule (1-based line:col, end exclusive); a case
// named `silent-*` must list none, one named `fires-*` at least one. Each fix output is compared
// byte for byte and re-parsed. UPDATE_RULE_CASES=1 writes what the engine says now, for review.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import {
  applyEdits,
  LineIndex,
  parseActionsLock,
  type Finding,
  type ResolvedAction,
  type ResolvedFacts,
  type ResolvedImage,
  type WorkflowLock,
} from '../../server/src/engine';
import { parsePolicyFile } from '../../server/src/engine/policy';
import { allRules } from '../../server/src/rules';
import { check, ready, reparses } from '../unit/support/engine';
import { casesOf, casesRoot } from './cases';

before(ready);

interface ExpectedFinding {
  range: string;
  message: string;
  fixes?: Record<string, string>;
}

interface CaseSpec {
  findings: ExpectedFinding[];
  path?: string;
  repositoryOwner?: string;
  /** The repository's workflow-provenance.yml, for rules that a policy entry switches on. */
  policy?: string;
  resolved?: { images?: Record<string, ResolvedImage>; actions?: Record<string, ResolvedAction> };
  /** The repository's `.github/workflows/actions.lock`, for the lockfile rules. */
  actionsLock?: string;
  /** The repository's other files by path: the case's `uses:` lines are followed into them. */
  files?: Record<string, string>;
}

const updating = process.env.UPDATE_RULE_CASES === '1';

function rangeOf(text: string, f: Finding): string {
  const lines = new LineIndex(text);
  const a = lines.positionAt(f.span.start);
  const b = lines.positionAt(f.span.end);
  return `${a.line + 1}:${a.character + 1}-${b.line + 1}:${b.character + 1}`;
}

function factsOf(spec: CaseSpec): ResolvedFacts | undefined {
  if (!spec.resolved) return undefined;
  return {
    images: new Map(Object.entries(spec.resolved.images ?? {})),
    actions: new Map(Object.entries(spec.resolved.actions ?? {})),
  };
}

function lockOf(spec: CaseSpec, path: string): WorkflowLock | undefined {
  if (spec.actionsLock === undefined) return undefined;
  const { lock, problem } = parseActionsLock(spec.actionsLock);
  assert.ok(lock, `the case's actionsLock does not read: ${problem}`);
  return { lock, workflow: path };
}

function run(text: string, spec: CaseSpec, rule: string): Finding[] {
  const policyParts = spec.policy === undefined ? undefined : parsePolicyFile(spec.policy).policy;
  const path = spec.path ?? '.github/workflows/ci.yml';
  const r = check(text, {
    path,
    actionsLock: lockOf(spec, path),
    repositoryOwner: spec.repositoryOwner,
    resolved: factsOf(spec),
    policyParts,
    files: spec.files,
  });
  return r.findings.filter((f) => f.rule === rule);
}

for (const rule of allRules.map((r) => r.id)) {
  const dir = join(casesRoot, rule);
  const names = casesOf(rule);

  test(`${rule}: has cases that fire and cases that must not`, () => {
    assert.ok(
      names.some((n) => n.startsWith('fires-')),
      `no fires-* case in test/rules/${rule}/`,
    );
    assert.ok(
      names.some((n) => n.startsWith('silent-')),
      `no silent-* case in test/rules/${rule}/`,
    );
    for (const n of names) assert.match(n, /^(fires|silent)-/, `case ${n} must be named fires-* or silent-*`);
  });

  for (const name of names) {
    test(`${rule}: ${name}`, () => {
      const text = readFileSync(join(dir, `${name}.yml`), 'utf8');
      const spec = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as CaseSpec;
      const found = run(text, spec, rule);
      if (updating) {
        spec.findings = found.map((f, i) => ({
          range: rangeOf(text, f),
          message: spec.findings[i]?.message ?? f.message,
          ...(f.fixes.length
            ? { fixes: Object.fromEntries(f.fixes.map((x) => [x.kind, `${name}.${x.kind}.yml`])) }
            : {}),
        }));
        for (const f of found)
          for (const x of f.fixes) writeFileSync(join(dir, `${name}.${x.kind}.yml`), applyEdits(text, x.edits));
        writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(spec, null, 2)}\n`);
      }
      if (name.startsWith('silent-'))
        assert.deepEqual(
          found.map((f) => f.message),
          [],
          'a silent case lists no findings',
        );
      else assert.ok(found.length > 0, 'a fires case has a finding');
      assert.deepEqual(
        found.map((f) => rangeOf(text, f)),
        spec.findings.map((e) => e.range),
        `ranges; messages now: ${found.map((f) => f.message).join(' | ')}`,
      );
      spec.findings.forEach((e, i) => {
        const f = found[i];
        assert.ok(f.message.includes(e.message), `message "${f.message}" lacks "${e.message}"`);
        assert.deepEqual(
          f.fixes.map((x) => x.kind).sort(),
          Object.keys(e.fixes ?? {}).sort(),
          `fix kinds at ${e.range}`,
        );
        for (const x of f.fixes) {
          const fixed = applyEdits(text, x.edits);
          assert.equal(fixed, readFileSync(join(dir, (e.fixes ?? {})[x.kind]), 'utf8'), `${x.kind} output`);
          reparses(fixed);
          // The fixed file is checked again: the engine copes with what its own fix wrote.
          assert.doesNotThrow(() => run(fixed, spec, rule));
        }
      });
    });
  }
}
