// The GitHub Action's entry point (`dist/action.js` in a release of the action; see
// docs/github-action.md). The runner starts it with the step's inputs in INPUT_* variables; it runs
// the bundled checker beside it (`dist/cli.js`) and turns the results into the step's log, outputs,
// optional SARIF file and exit status. Nothing is built or installed at run time.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

const formats = ['github', 'text', 'json', 'sarif'] as const;
const failOns = ['error', 'warning', 'never'] as const;

interface ActionInputs {
  paths: string[];
  format: (typeof formats)[number];
  online: boolean;
  config?: string;
  failOn: (typeof failOns)[number];
  sarifFile?: string;
}

/** The runner passes input `fail-on` as INPUT_FAIL-ON: upper case, spaces as underscores, hyphens kept. */
function input(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** The inputs, or a message saying which one is wrong and what it accepts. */
function readInputs(env: NodeJS.ProcessEnv): ActionInputs | string {
  const paths = input(env, 'path').split(/\s+/).filter(Boolean);
  const format = input(env, 'format') || 'github';
  const online = (input(env, 'online') || 'true').toLowerCase();
  const failOn = input(env, 'fail-on') || 'error';
  if (!(formats as readonly string[]).includes(format))
    return `input 'format' is '${format}'; use one of ${formats.join(', ')}`;
  if (online !== 'true' && online !== 'false') return `input 'online' is '${online}'; use true or false`;
  if (!(failOns as readonly string[]).includes(failOn))
    return `input 'fail-on' is '${failOn}'; use one of ${failOns.join(', ')}`;
  return {
    paths: paths.length > 0 ? paths : ['.'],
    format: format as ActionInputs['format'],
    online: online === 'true',
    config: input(env, 'config') || undefined,
    failOn: failOn as ActionInputs['failOn'],
    sarifFile: input(env, 'sarif-file') || undefined,
  };
}

interface Counts {
  error: number;
  warning: number;
  info: number;
}

/** Whether the step fails: on findings at or above `fail-on`, and on files the checker could not check. */
function stepFails(failOn: ActionInputs['failOn'], counts: Counts, problems: boolean): boolean {
  if (failOn === 'never') return false;
  if (problems) return true;
  return failOn === 'error' ? counts.error > 0 : counts.error + counts.warning > 0;
}

/** Appends `name=value` to the GITHUB_OUTPUT file, with a random delimiter as the runner requires for any value. */
function setOutput(name: string, value: string): void {
  const file = process.env.GITHUB_OUTPUT;
  if (!file) return;
  const delimiter = `ghadelimiter_${randomBytes(8).toString('hex')}`;
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

/** Workflow commands take `%`, CR and LF escaped in their message. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function run(): number {
  const inputs = readInputs(process.env);
  if (typeof inputs === 'string') {
    process.stdout.write(`::error title=Workflow Provenance::${escapeData(inputs)}\n`);
    return 1;
  }
  const cli = join(__dirname, 'cli.js');
  const common = [
    ...(inputs.online ? [] : ['--offline']),
    ...(inputs.config ? ['--config', inputs.config] : []),
    ...inputs.paths,
  ];
  const check = (format: string, capture: boolean) =>
    spawnSync(process.execPath, [cli, 'check', '--format', format, ...common], {
      stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'],
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });

  // 1. The log, in the chosen format (`github`: annotations on the files and lines).
  const shown = check(inputs.format, false);
  // 2. The counts behind the outputs and the exit status. Online facts come from the cache the first run filled.
  const json = check('json', true);
  let findings: Array<{ severity: keyof Counts }>;
  try {
    findings = (JSON.parse(json.stdout) as { findings: Array<{ severity: keyof Counts }> }).findings;
  } catch {
    process.stdout.write(
      `::error title=Workflow Provenance::${escapeData(`the checker did not run (exit ${json.status}): ${json.stderr.trim()}`)}\n`,
    );
    return 1;
  }
  const counts: Counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity] += 1;
  const problems = shown.status === 2 || json.status === 2;

  // 3. SARIF for github/codeql-action/upload-sarif.
  if (inputs.sarifFile) {
    const sarif = check('sarif', true);
    if (sarif.status !== 0 && sarif.status !== 1 && sarif.status !== 2) {
      process.stdout.write(
        `::error title=Workflow Provenance::${escapeData(`SARIF not written: ${sarif.stderr.trim()}`)}\n`,
      );
      return 1;
    }
    const target = resolve(inputs.sarifFile);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, sarif.stdout);
    setOutput('sarif-file', inputs.sarifFile);
  }

  setOutput('findings', String(findings.length));
  setOutput('errors', String(counts.error));
  setOutput('warnings', String(counts.warning));
  setOutput('notices', String(counts.info));

  const summary = `${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} notice(s)${problems ? '; some files could not be checked' : ''}`;
  if (stepFails(inputs.failOn, counts, problems)) {
    process.stdout.write(
      `::error title=Workflow Provenance::${escapeData(`${summary} (fail-on: ${inputs.failOn})`)}\n`,
    );
    return 1;
  }
  process.stdout.write(`Workflow Provenance: ${summary}\n`);
  return 0;
}

process.exitCode = run();
