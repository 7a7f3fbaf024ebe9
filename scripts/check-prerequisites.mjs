// Runs first in `npm test`: checks, in well under a second, that the programs the tests drive are
// installed, and stops with one message naming what is missing and the one command that installs it,
// instead of failing minutes later inside a native build or a browser launch.
//
//   node scripts/check-prerequisites.mjs            exit 0 when everything is there, 1 otherwise
//   node scripts/check-prerequisites.mjs --json     print {"missing": [...]} (for the test of this script)
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { codeServerInstalled } from './install-code-server.mjs';

const [major] = process.versions.node.split('.').map(Number);

function onPath(program) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, program)));
}

/** Each prerequisite: the Debian package that provides it, why the tests need it, and how to see it. */
const prerequisites = [
  {
    deb: 'chromium',
    why: 'drives the real VS Code (code-server) headless',
    present: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
  },
  {
    deb: 'docker-registry',
    why: 'the real container registry of the online tests',
    present: () => onPath('docker-registry'),
  },
  { deb: 'openssl', why: "signs the test registry's tokens", present: () => onPath('openssl') },
  { deb: 'git', why: 'the real git server of the online tests', present: () => onPath('git') },
  { deb: 'neovim', why: "the third-party LSP client of the npm package's test", present: () => onPath('nvim') },
  { deb: 'pre-commit', why: "runs the release's pre-commit hook", present: () => onPath('pre-commit') },
  // Compilers matter only until code-server's native modules are built once.
  { deb: 'g++', why: "compiles code-server's native modules", present: () => codeServerInstalled() || onPath('g++') },
  { deb: 'make', why: "compiles code-server's native modules", present: () => codeServerInstalled() || onPath('make') },
  {
    deb: 'python3',
    why: "node-gyp, which compiles code-server's native modules",
    present: () => codeServerInstalled() || onPath('python3'),
  },
];

const missing = prerequisites.filter((p) => !p.present());

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ node: major, missing: missing.map((p) => p.deb) }));
} else if (major < 20 || missing.length > 0) {
  const lines = ['npm test cannot start:'];
  if (major < 20) lines.push(`  Node ${process.versions.node} is too old; the tests need Node 20 or later.`);
  for (const p of missing) lines.push(`  ${p.deb} is not installed (${p.why}).`);
  if (missing.length > 0) {
    lines.push(
      '',
      'Install what is missing with:',
      `  sudo apt-get install -y --no-install-recommends ${missing.map((p) => p.deb).join(' ')}`,
    );
    lines.push('or, on a fresh Debian machine, run `bash .ci/run` (installs everything, then runs the tests).');
  }
  console.error(lines.join('\n'));
  process.exitCode = 1;
}
