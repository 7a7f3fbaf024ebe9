// What the npm package holds, for the tests of the package and of a release (which carries it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The files of the npm package, sorted: the bundles (the CLI's Sigstore code in one of its own), their
 * wasm files, the rule pages, manifest, README, LICENSE.
 */
export function packageFiles(root: string): string[] {
  const rules = readFileSync(join(root, 'README.md'), 'utf8').match(/docs\/rules\/[a-z-]+\.md/g) ?? [];
  if (rules.length < 10) throw new Error('the README no longer lists the rule pages');
  const files = [
    'LICENSE',
    'README.md',
    'package.json',
    'dist/cli.js',
    'dist/server.js',
    'dist/sigstore.js',
    'dist/tree-sitter-bash.wasm',
    'dist/web-tree-sitter.wasm',
    ...rules,
  ];
  return [...new Set(files)].sort();
}
