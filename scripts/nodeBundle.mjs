// Bundling a TypeScript entry point for Node (CommonJS), as the test and benchmark scripts run them.
import { join } from 'node:path';
import { build } from 'esbuild';

/** Bundles `entry` (relative to `root`) into `outfile`; `extra` adds or overrides esbuild options. */
export function bundleForNode(root, entry, outfile, extra = {}) {
  return build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    absWorkingDir: root,
    ...extra,
  });
}
