// Where a V8 CPU profile (`node --cpu-prof`) spent its time: the functions with the most self time, and
// the same grouped by package or source file, so a bench run can say where the time went.
//
//   node scripts/profileSummary.mjs FILE.cpuprofile... [--top N]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Self time in milliseconds per function (name and place) and per module, over every profile given. */
export function summarise(files) {
  const byFunction = new Map();
  const byModule = new Map();
  let totalMs = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    // Each sample is charged the interval up to the next one; the last sample gets the mean interval.
    const deltas = profile.timeDeltas ?? [];
    const meanUs = deltas.length > 0 ? deltas.reduce((s, d) => s + d, 0) / deltas.length : 0;
    profile.samples.forEach((id, i) => {
      const us = i + 1 < deltas.length ? deltas[i + 1] : meanUs;
      const frame = nodes.get(id)?.callFrame;
      if (!frame) return;
      const ms = us / 1000;
      totalMs += ms;
      const name = frame.functionName || (frame.url ? '(anonymous)' : frame.url === '' ? frame.functionName : '');
      const where = frame.url ? `${moduleOf(frame.url, frame.lineNumber)}:${frame.lineNumber + 1}` : '';
      const key = `${name || '(program)'}${where ? ` ${where}` : ''}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
      const module = frame.url ? moduleOf(frame.url, frame.lineNumber) : name.startsWith('(') ? name : '(native)';
      byModule.set(module, (byModule.get(module) ?? 0) + ms);
    });
  }
  const top = (map) => [...map].sort((a, b) => b[1] - a[1]);
  return { totalMs, functions: top(byFunction), modules: top(byModule) };
}

/**
 * A source's short name: the package for code under node_modules, the source file for code in an
 * esbuild bundle (read from the `// path` comment esbuild writes above each module), else the file name.
 */
function moduleOf(url, line = 0) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return url;
  if (url.startsWith('wasm://')) return 'wasm (shell parser)';
  const module = bundledModuleAt(url, line);
  return module ?? basename(url);
}

const bundleMaps = new Map();
function bundledModuleAt(url, line) {
  if (!bundleMaps.has(url)) {
    const starts = [];
    try {
      const lines = readFileSync(url.startsWith('file:') ? fileURLToPath(url) : url, 'utf8').split('\n');
      lines.forEach((text, i) => {
        const m = /^\/\/ (\S+\.[cm]?[jt]s)$/.exec(text);
        if (m) starts.push([i, m[1].replace(/^node_modules\/((?:@[^/]+\/)?[^/]+).*/, '$1')]);
      });
    } catch {
      // not a readable file: named by its base name
    }
    bundleMaps.set(url, starts);
  }
  const starts = bundleMaps.get(url);
  let lo = 0;
  let hi = starts.length - 1;
  if (hi < 0 || starts[0][0] > line) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid][0] <= line) lo = mid;
    else hi = mid - 1;
  }
  return starts[lo][1];
}

/** Prints the summary; `label` names what was profiled. */
export function printSummary(label, files, topN = 15) {
  const { totalMs, functions, modules } = summarise(files);
  const pct = (ms) => `${((100 * ms) / (totalMs || 1)).toFixed(1).padStart(5)}%`;
  console.log(`CPU profile of ${label}: ${totalMs.toFixed(0)} ms sampled in ${files.length} profile(s)`);
  console.log('  self time by module:');
  for (const [name, ms] of modules.slice(0, 8)) console.log(`    ${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  console.log(`  top ${topN} functions by self time:`);
  for (const [name, ms] of functions.slice(0, topN))
    console.log(`    ${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${name}`);
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const topN = topAt >= 0 ? Number(args[topAt + 1]) : 15;
  const files = args.filter((a, i) => a !== '--top' && i !== topAt + 1);
  printSummary(files.map((f) => basename(f)).join(', '), files, topN);
}
