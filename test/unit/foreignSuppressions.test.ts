// Other tools' suppression comments silence our rules that check the same thing, and nothing else.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { check, lineOf, ready, yaml } from './support/engine';

before(ready);

function workflow(containerLine: string, usesLine: string): string {
  return yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    `    container: ${containerLine}`,
    '    steps:',
    `      - uses: ${usesLine}`,
  );
}

function rulesOnLine(text: string, line: number): string[] {
  return check(text)
    .findings.filter((f) => lineOf(text, f.span.start) === line)
    .map((f) => f.rule)
    .sort();
}

test('without a comment, the pin rules fire on both lines (the baseline the other tests silence)', () => {
  const text = workflow('someone/tool:latest', 'someone/act@v1');
  assert.deepEqual(rulesOnLine(text, 5), ['mutable-tag', 'unpinned-image', 'untrusted-image']);
  assert.deepEqual(rulesOnLine(text, 7), ['unpinned-action']);
});

test('zizmor: ignore[unpinned-images] silences unpinned-image and mutable-tag, not the publisher rules', () => {
  const text = workflow('someone/tool:latest # zizmor: ignore[unpinned-images]', 'someone/act@v1');
  assert.deepEqual(rulesOnLine(text, 5), ['untrusted-image']);
  assert.deepEqual(rulesOnLine(text, 7), ['unpinned-action']);
});

test('zizmor: ignore[unpinned-uses] silences unpinned-action on its line only', () => {
  const text = workflow('someone/tool:latest', 'someone/act@v1 # zizmor: ignore[unpinned-uses]');
  assert.deepEqual(rulesOnLine(text, 7), []);
  assert.deepEqual(rulesOnLine(text, 5), ['mutable-tag', 'unpinned-image', 'untrusted-image']);
});

test('several zizmor audits in one comment, and unknown audit names are ignored', () => {
  const text = workflow(
    'someone/tool:latest # zizmor: ignore[template-injection, unpinned-images,unpinned-uses]',
    'someone/act@v1',
  );
  assert.deepEqual(rulesOnLine(text, 5), ['untrusted-image']);
});

test('ratchet:exclude silences every pin rule on its line, never the publisher rules', () => {
  const image = workflow('someone/tool:latest # ratchet:exclude', 'someone/act@v1 # ratchet:exclude');
  assert.deepEqual(rulesOnLine(image, 5), ['untrusted-image']);
  assert.deepEqual(rulesOnLine(image, 7), []);
});

test('the words in a value, not a comment, silence nothing', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: |',
    '          echo "ratchet:exclude zizmor: ignore[unpinned-images]" && docker run someone/tool:latest',
  );
  assert.deepEqual(rulesOnLine(text, 7), ['mutable-tag', 'unpinned-image', 'untrusted-image']);
});

test('a matrix value is silenced by the comment where the value is written', () => {
  const text = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    strategy:',
    '      matrix:',
    '        image: [someone/tool:latest] # zizmor: ignore[unpinned-images]',
    '    runs-on: ubuntu-latest',
    '    container: ${{ matrix.image }}',
    '    steps:',
    '      - run: echo hi',
  );
  assert.deepEqual(rulesOnLine(text, 6), ['untrusted-image']);
});
