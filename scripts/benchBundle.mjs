// Bench parts run TypeScript sources (the product and the test servers) through one esbuild bundle in a
// temporary directory under .test-tmp, loaded with require; `dispose` removes it.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Bundles `exports` (lines of `export … from './…'`, relative to the repository root) and loads them. */
export async function loadBundle(root, name, exports) {
  mkdirSync(join(root, '.test-tmp'), { recursive: true });
  const dir = mkdtempSync(join(root, '.test-tmp', `${name}-`));
  const outfile = join(dir, 'bundle.cjs');
  await build({
    stdin: { contents: exports.join('\n'), resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return { lib: createRequire(import.meta.url)(outfile), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
