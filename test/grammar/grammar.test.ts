// Tokenises workflow lines with the injection grammar the way VS Code does (vscode-textmate on
// Oniguruma) and checks that suppression comments and image references get their own scopes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

function findRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'syntaxes/workflow-provenance.injection.tmLanguage.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

const root = findRoot();
const injectionPath = join(root, 'syntaxes/workflow-provenance.injection.tmLanguage.json');
const injection = JSON.parse(readFileSync(injectionPath, 'utf8')) as { scopeName: string };

// A small stand-in for VS Code's YAML grammar: keys, plain and quoted scalars, and comments that
// (like the real one) begin at the whitespace before `#`.
const testYaml = {
  scopeName: 'source.yaml',
  patterns: [
    { match: '(?:^[ \\t]*|[ \\t]+)(#).*$', name: 'comment.line.number-sign.yaml' },
    {
      match: '^[ \\t]*(?:(-)[ \\t]+)?([^\\s:#\'"][^:#]*?)[ \\t]*(:)(?=\\s|$)',
      captures: {
        1: { name: 'punctuation.definition.block.sequence.item.yaml' },
        2: { name: 'entity.name.tag.yaml' },
        3: { name: 'punctuation.separator.key-value.mapping.yaml' },
      },
    },
    { match: '"[^"]*"', name: 'string.quoted.double.yaml' },
    { match: '[^\\s#][^#]*?(?=[ \\t]+#|[ \\t]*$)', name: 'string.unquoted.plain.out.yaml' },
  ],
};

const onigLib = (async () => {
  const wasm = readFileSync(join(root, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  return {
    createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s: string) => new oniguruma.OnigString(s),
  };
})();

/** Loads `source.yaml` from `yamlFiles` (scope name → grammar file or object) with the injection on top. */
async function yamlGrammar(yamlFiles: Record<string, string | object>): Promise<textmate.IGrammar> {
  const registry = new textmate.Registry({
    onigLib,
    loadGrammar: async (scopeName) => {
      if (scopeName === injection.scopeName)
        return textmate.parseRawGrammar(readFileSync(injectionPath, 'utf8'), injectionPath);
      const source = yamlFiles[scopeName];
      if (source === undefined) return null;
      if (typeof source === 'string') return textmate.parseRawGrammar(readFileSync(source, 'utf8'), source);
      return textmate.parseRawGrammar(JSON.stringify(source), `${scopeName}.json`);
    },
    // The same wiring as `contributes.grammars[].injectTo` in package.json.
    getInjections: (scopeName) => (scopeName === 'source.yaml' ? [injection.scopeName] : undefined),
  });
  const grammar = await registry.loadGrammar('source.yaml');
  assert.ok(grammar, 'source.yaml grammar loads');
  return grammar;
}

interface Token {
  text: string;
  scopes: string[];
}

function tokenize(grammar: textmate.IGrammar, lines: string[]): Token[][] {
  let state = textmate.INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** The exact text covered by tokens carrying `scope` (joined runs separated by `|`). */
function textWithScope(tokens: Token[], scope: string): string {
  const runs: string[] = [];
  let current = '';
  for (const token of tokens) {
    if (token.scopes.some((s) => s === scope || s.startsWith(scope + ' ') || s.split(' ').includes(scope)))
      current += token.text;
    else if (current) {
      runs.push(current);
      current = '';
    }
  }
  if (current) runs.push(current);
  return runs.join('|');
}

const workflow = [
  'jobs:',
  '  build:',
  '    container: ghcr.io/loong64/debian:trixie',
  '    steps:',
  '      - uses: docker://alpine:3.20@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  '      - uses: actions/checkout@v4',
  '    services:',
  '      cache:',
  '        image: "redis:7"  # workflow-provenance: ignore[mutable-tag,unpinned-image] cache only',
  '    strategy:',
  '      matrix:',
  '        include:',
  '          - base_image: --platform=linux/loong64 ghcr.io/loong64/debian:trixie',
  '  # workflow-provenance: ignore',
  '  # an ordinary comment: ignore[this]',
  '    image: ${{ matrix.image }}',
];

async function checkScopes(grammar: textmate.IGrammar): Promise<void> {
  const lines = tokenize(grammar, workflow);
  const ref = 'string.unquoted.image-reference.workflow-provenance';

  assert.equal(textWithScope(lines[2], ref), 'ghcr.io/loong64/debian:trixie');
  assert.equal(textWithScope(lines[2], 'entity.name.type.image.workflow-provenance'), 'ghcr.io/loong64/debian');
  assert.equal(textWithScope(lines[2], 'constant.other.tag.workflow-provenance'), 'trixie');
  assert.equal(textWithScope(lines[2], 'entity.name.tag.yaml'), 'container', 'the key stays a YAML key');

  assert.equal(textWithScope(lines[4], 'storage.type.docker-scheme.workflow-provenance'), 'docker://');
  assert.equal(textWithScope(lines[4], 'entity.name.type.image.workflow-provenance'), 'alpine');
  assert.equal(textWithScope(lines[4], 'constant.other.tag.workflow-provenance'), '3.20');
  assert.equal(
    textWithScope(lines[4], 'constant.numeric.digest.workflow-provenance'),
    'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  );
  // An action is not an image.
  assert.equal(textWithScope(lines[5], ref), '');

  assert.equal(textWithScope(lines[8], ref), 'redis:7', 'the quotes stay outside the reference');
  assert.equal(textWithScope(lines[8], 'keyword.other.directive.workflow-provenance'), 'workflow-provenance');
  assert.equal(textWithScope(lines[8], 'keyword.control.ignore.workflow-provenance'), 'ignore');
  assert.equal(textWithScope(lines[8], 'constant.other.rule-id.workflow-provenance'), 'mutable-tag|unpinned-image');
  assert.equal(textWithScope(lines[8], 'comment.line.reason.workflow-provenance'), ' cache only');
  assert.equal(
    textWithScope(lines[8], 'meta.suppression.workflow-provenance').trim(),
    '# workflow-provenance: ignore[mutable-tag,unpinned-image] cache only',
  );
  assert.match(
    textWithScope(lines[8], 'comment.line.number-sign.yaml'),
    /^ *# workflow-provenance/,
    'still a comment for themes',
  );

  assert.equal(
    textWithScope(lines[12], 'variable.parameter.platform.workflow-provenance').trim(),
    '--platform=linux/loong64',
  );
  assert.equal(textWithScope(lines[12], ref), 'ghcr.io/loong64/debian:trixie');

  assert.equal(textWithScope(lines[13], 'keyword.control.ignore.workflow-provenance'), 'ignore');
  assert.equal(textWithScope(lines[13], 'constant.other.rule-id.workflow-provenance'), '');
  // Other comments and expressions are left to the YAML grammar.
  assert.equal(textWithScope(lines[14], 'constant.other.rule-id.workflow-provenance'), '');
  assert.equal(textWithScope(lines[14], 'meta.suppression.workflow-provenance'), '');
  assert.equal(textWithScope(lines[15], ref), '');
}

test('suppression comments and image references get their scopes over a plain YAML grammar', async () => {
  await checkScopes(await yamlGrammar({ 'source.yaml': testYaml }));
});

// VS Code's own YAML grammar, taken from the code-server that scripts/vscode-test.mjs installs.
const vscodeYaml = (() => {
  const cache = join(root, '.cache/code-server');
  if (!existsSync(cache)) return undefined;
  for (const install of readdirSync(cache)) {
    const dir = join(cache, install, 'cs/node_modules/code-server/lib/vscode/extensions/yaml/syntaxes');
    if (existsSync(join(dir, 'yaml.tmLanguage.json'))) return dir;
  }
  return undefined;
})();

test("suppression comments and image references get their scopes over VS Code's YAML grammar", {
  skip: vscodeYaml ? false : 'no code-server in .cache/code-server (run npm run test:vscode once)',
}, async () => {
  const dir = vscodeYaml as string;
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const grammar = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { scopeName: string };
    files[grammar.scopeName] = join(dir, name);
  }
  await checkScopes(await yamlGrammar(files));
});
