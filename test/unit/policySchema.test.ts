// The policy's JSON schema is the one definition of a valid workflow-provenance.yml: editors get it
// through yamlValidation, and parsePolicyFile (CLI and language server) is driven by it. Here a real
// JSON-schema validator (ajv) judges the same documents, so the two cannot drift apart.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { parsePolicyFile } from '../../server/src/engine';
import { annotationKeywords, policySchema, understoodKeywords, type SchemaNode } from '../../server/src/engine/policySchema';
import { allRules } from '../../server/src/rules';
import { lineOf, projectRoot } from './support/engine';

const root = projectRoot();
const schemaFile = join(root, 'schemas/workflow-provenance.schema.json');
const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addVocabulary(['markdownDescription']);
const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));

/** Both judges on one text: ajv on the parsed YAML, and the checker's own reading. */
function judge(text: string) {
  const ajvOk = validate(parse(text) ?? null);
  const parsed = parsePolicyFile(text, 'workflow-provenance.yml');
  return { ajvOk, problems: parsed.problems, policy: parsed.policy };
}

test('the schema is valid draft-07, and uses only keywords the checker applies', () => {
  const seen = new Set<string>();
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
    for (const [k, v] of Object.entries(node)) {
      seen.add(k);
      const isMap = k === 'properties' || k === 'definitions';
      if (k === 'examples' || k === 'enum' || k === 'required') continue;
      if (isMap) for (const sub of Object.values(v as object)) walk(sub);
      else if (typeof v === 'object') walk(v);
    }
  };
  walk(policySchema);
  const unknown = [...seen].filter((k) => !understoodKeywords.includes(k) && !annotationKeywords.includes(k));
  assert.deepEqual(unknown, [], 'a keyword the checker would silently ignore');
});

test("the schema's rules are exactly the rules there are, and the same as the editor settings'", () => {
  const rules = (policySchema.properties?.rules?.properties ?? {}) as Record<string, SchemaNode>;
  assert.deepEqual(Object.keys(rules).sort(), allRules.map((r) => r.id).sort(), 'add the rule to schemas/workflow-provenance.schema.json');
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(manifest.contributes.configuration.properties['workflowProvenance.rules'].properties).sort(), Object.keys(rules).sort());
});

test('the extension contributes the schema to YAML language support, and packages it', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const contribution = manifest.contributes.yamlValidation as Array<{ fileMatch: string[]; url: string }>;
  assert.equal(contribution.length, 1);
  assert.deepEqual(contribution[0].fileMatch, ['workflow-provenance.yml', 'workflow-provenance.yaml']);
  assert.ok(existsSync(join(root, contribution[0].url)), contribution[0].url);
  assert.match(readFileSync(join(root, '.vscodeignore'), 'utf8'), /^!schemas\/\*\.json$/m);
});

const documented = [
  // Every key and value the README documents.
  ['README', (() => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration and suppression'));
    return /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  })()],
  ['examples', existsSync(join(root, 'examples/.github/workflow-provenance.yml')) ? readFileSync(join(root, 'examples/.github/workflow-provenance.yml'), 'utf8') : ''],
  ['every severity', `rules:\n${allRules.map((r, i) => `  ${r.id}: ${['error', 'warning', 'info', 'off'][i % 4]}`).join('\n')}\n`],
  ['empty keys', 'trusted-images:\ntrusted-actions:\nrules:\nignore:\nimage-inputs:\n'],
  ['an empty file', '# nothing yet\n'],
] as const;

for (const [name, text] of documented) {
  test(`accepted by the schema and the checker alike: ${name}`, () => {
    assert.ok(text.trim() !== '', `${name}: nothing to check`);
    const r = judge(text);
    assert.deepEqual(r.problems, []);
    assert.equal(r.ajvOk, true, ajv.errorsText(validate.errors));
  });
}

test('the README example sets every key the schema knows', () => {
  const r = judge(documented[0][1]);
  assert.deepEqual(Object.keys(r.policy).sort(), ['ignore', 'imageInputs', 'ownerAliases', 'rules', 'trustedActions', 'trustedImages']);
  assert.deepEqual(r.policy.imageInputs, [{ action: 'my-org/run-in-container', input: 'image', platformInput: 'docker-options' }]);
});

const typos: Array<[string, string, number, number, RegExp]> = [
  ['a key', 'trusted-image:\n  - ghcr.io/my-org/*\n', 1, 1, /unknown key 'trusted-image' \(did you mean 'trusted-images'\?\)/],
  ['a rule', 'rules:\n  mutable-tags: error\n', 2, 3, /unknown key 'mutable-tags' in rules \(did you mean 'mutable-tag'\?\)/],
  ['a severity', 'rules:\n  mutable-tag: warnig\n', 2, 16, /rules\.mutable-tag: 'warnig' is not one of error, warning, info, off/],
  ['an image-inputs field', 'image-inputs:\n  - action: my-org/run\n    imput: image\n', 3, 5, /unknown key 'imput' in image-inputs\[1\] \(did you mean 'input'\?\)/],
  ['a list written as a string', 'ignore: localhost:5000/**\n', 1, 9, /ignore must be a list/],
];

for (const [name, text, line, column, message] of typos) {
  test(`a typo in ${name} is rejected by both, at its line and column`, () => {
    const r = judge(text);
    assert.equal(r.ajvOk, false, 'ajv accepts it');
    assert.ok(r.problems.length >= 1);
    const p = r.problems.find((x) => message.test(x.message));
    assert.ok(p, r.problems.map((x) => x.message).join('; '));
    const col = p.span.start - text.lastIndexOf('\n', p.span.start - 1);
    assert.deepEqual([lineOf(text, p.span.start), col], [line, column]);
  });
}

test('the rest of a policy with a mistake still applies', () => {
  const r = judge('trusted-images:\n  - ghcr.io/a/*\n  - 42\n  - ghcr.io/b/*\nrules:\n  mutable-tag: loud\n  unpinned-image: off\n');
  assert.deepEqual(r.policy.trustedImages, ['ghcr.io/a/*', 'ghcr.io/b/*']);
  assert.deepEqual(r.policy.rules, { 'unpinned-image': 'off' });
  assert.deepEqual(r.problems.map((p) => p.message), ['trusted-images[2] must be a string', "rules.mutable-tag: 'loud' is not one of error, warning, info, off"]);
});
