// Running the bundled CLI (dist/cli.js) as a user does, in a child process, on files made for the test.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './engine';

export const cliPath = join(projectRoot(), 'dist/cli.js');

/**
 * How long a CLI run in a test may take before it counts as hung (a FIFO read, a look-up that never
 * ends). A guard, not a speed target (the benchmark measures speed): generous, for a loaded machine.
 */
export const hangGuardMs = 10 * 60_000;

export interface CliRun {
  /** The exit status; null when the run was killed (it hung past `hangGuardMs`). */
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd = projectRoot(), env: Record<string, string | undefined> = {}): CliRun {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: hangGuardMs,
    env: { ...process.env, GITHUB_STEP_SUMMARY: undefined, GITHUB_WORKSPACE: undefined, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `runCli` without blocking this process: for tests whose servers (registry, token, git) run in this
 * process and must keep answering the child. `env`, when given, replaces the environment.
 */
export function runCliAsync(args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      { encoding: 'utf8', timeout: hangGuardMs, env },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
      },
    );
  });
}

/** A temporary folder holding `files` (name -> text or bytes). */
export function workspace(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wp-cli-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** The seed story: a community image handed to run-on-arch through a matrix (finding on line 8, column 50). */
export const seedWorkflow = [
  'on: push',
  'jobs:',
  '  t:',
  '    runs-on: ubuntu-latest',
  '    strategy:',
  '      matrix:',
  '        platform:',
  '          - base_image: --platform=linux/loong64 ghcr.io/loong64/debian:trixie',
  '    steps:',
  '      - uses: uraimo/run-on-arch-action@b4ffde65f46336ab88eb53be808477a3936bae11 # v3.0.1',
  '        with:',
  '          base_image: ${{ matrix.platform.base_image }}',
  '',
].join('\n');
