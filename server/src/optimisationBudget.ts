// How long V8 waits before optimising a function, for both entry points. A check of many files (a CLI
// run, a language server opening a workspace) is one burst of work: with V8's default budget it spends
// much of it optimising functions on a background thread that competes for the same cores. Over the
// 24-workflow corpus V8 optimised 160 times (42 thrown away again), mostly the YAML library's; four times
// the default budget halves that, still optimises the hot loops, and took the CLI's corpus run from 548
// to 505 ms and a 240-file workspace from 2.2 to 2.0 s (docs/benchmarks.md).
import { setFlagsFromString } from 'node:v8';

export function optimiseLater(): void {
  setFlagsFromString('--interrupt-budget=270336');
}
