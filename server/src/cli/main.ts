// The command-line face: `workflow-provenance check [options] PATH...`.
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { analyze, applyEdits, LineIndex, loadEngine, mergePolicies, parsePolicyFile, type Analysis, type Finding, type ResolvedFacts, type TrustPolicy } from '../engine';
import { combineFixes, pinFixOf } from '../engine/fixes';
import { parseYaml } from '../engine/yamlSource';
import { defaultCacheDir } from '../online/cache';
import { describeErrors, lookUp } from '../online/lookup';
import { OnlineResolver } from '../online/resolver';
import { checkRoot, findPolicyFile, findWorkflowFiles, repositoryOwner, repositoryPath, repositoryRoot } from './files';
import { editBytes, replaceFile, writeTarget } from './fixWriter';
import { findingAnnotations, stepSummary, workflowCommand } from './github';
import { printable, printablePath } from './printable';
import { type FileResult, formatJson, formatSarif, formatText, TOOL_VERSION } from './report';
import { ruleHelp } from './ruleDocs';

const usage = `Usage: workflow-provenance check [--format text|github|json|sarif] [--offline] [--fix] [--exit-zero] [--config FILE] PATH...

Checks GitHub Actions workflows (.github/workflows/*.yml) and action metadata (action.yml) for
untrusted, community and unpinned container images and unpinned actions.

  PATH             a file (checked wherever it lies) or a folder (searched for workflows and action.yml)
  --format F       text (default; file:line:col: severity rule: message), github (annotations as
                   workflow commands, and a summary in $GITHUB_STEP_SUMMARY), json, or sarif (SARIF 2.1.0)
  --exit-zero      exit 0 even when there are findings (for jobs that only upload results)
  --offline        no network look-ups: built-in knowledge and the policy only
  --fix            pin every image to its digest and every action to its commit, in place (online)
  --config FILE    the policy file (default: .github/workflow-provenance.yml found above each file)
  --cache-dir DIR  where online facts are cached (default: $XDG_CACHE_HOME/workflow-provenance)
  --registry-url NAME=URL   reach registry NAME at URL (a mirror; repeatable)
  --git-url URL    the git host for action look-ups (default: https://github.com)
  --timeout MS     per-request time limit for look-ups (default 5000)

Online look-ups use registries' own API and git's smart HTTP; a token for private action
repositories can be given in WORKFLOW_PROVENANCE_GIT_TOKEN. Registry credentials come from Docker's
config ($DOCKER_CONFIG or ~/.docker: auths, credHelpers, credsStore) and go only to the origin they
were filed for (a --registry-url mirror gets only its own). Workflows choose which registries are
asked: for untrusted pull requests, use --offline.

Exit status: 0 no finding at warning or above, 1 findings (0 with --exit-zero), 2 a file could not be
read or had errors, or the command line was wrong.`;

const formats = ['text', 'github', 'json', 'sarif'] as const;

interface Options {
  format: (typeof formats)[number];
  offline: boolean;
  fix: boolean;
  exitZero: boolean;
  config?: string;
  cacheDir?: string;
  registryUrls: Record<string, string>;
  gitUrl?: string;
  timeoutMs?: number;
  paths: string[];
}

function parseArgs(argv: string[]): Options | string {
  const o: Options = { format: 'text', offline: false, fix: false, exitZero: false, registryUrls: {}, paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (name: string) => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    try {
      if (a === '--format' || a.startsWith('--format=')) {
        const f = value('--format');
        const known = formats.find((x) => x === f);
        if (!known) return `unknown format '${printable(f)}' (${formats.join(', ')})`;
        o.format = known;
      } else if (a === '--offline') o.offline = true;
      else if (a === '--online') o.offline = false;
      else if (a === '--fix') o.fix = true;
      else if (a === '--exit-zero') o.exitZero = true;
      else if (a === '--config' || a.startsWith('--config=')) o.config = value('--config');
      else if (a === '--cache-dir' || a.startsWith('--cache-dir=')) o.cacheDir = value('--cache-dir');
      else if (a === '--git-url' || a.startsWith('--git-url=')) o.gitUrl = value('--git-url');
      else if (a === '--timeout' || a.startsWith('--timeout=')) {
        const ms = Number(value('--timeout'));
        if (!Number.isInteger(ms) || ms <= 0) return '--timeout takes a whole number of milliseconds';
        o.timeoutMs = ms;
      } else if (a === '--registry-url' || a.startsWith('--registry-url=')) {
        const v = a.startsWith('--registry-url=') ? a.slice('--registry-url='.length) : value('--registry-url');
        const eq = v.indexOf('=');
        if (eq <= 0 || !/^https?:\/\//.test(v.slice(eq + 1))) return `--registry-url takes NAME=URL (http or https), not '${printable(v)}'`;
        o.registryUrls[v.slice(0, eq)] = v.slice(eq + 1);
      }
      else if (a.startsWith('-') && a !== '-') return `unknown option '${printable(a)}'`;
      else o.paths.push(a);
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (o.paths.length === 0) return 'no PATH given';
  if (o.fix && o.offline) return '--fix needs online look-ups; drop --offline';
  return o;
}

interface Problem {
  path: string;
  text?: string;
  offset?: number;
  message: string;
}

function problemPosition(p: Problem): { line: number; column: number } | undefined {
  if (p.text === undefined || p.offset === undefined) return undefined;
  const pos = new LineIndex(p.text).positionAt(p.offset);
  return { line: pos.line + 1, column: pos.character + 1 };
}

function problemLine(p: Problem): string {
  const at = problemPosition(p);
  return `${printablePath(p.path)}${at ? `:${at.line}:${at.column}` : ''}: ${printable(p.message)}`;
}

/** A problem as an annotation; a file outside the repository is named in the message instead. */
function problemCommand(p: Problem, root: string): string {
  const file = repositoryPath(p.path, root);
  const at = file ? problemPosition(p) : undefined;
  const message = file ? p.message : `${p.path}: ${p.message}`;
  return workflowCommand({ severity: 'error', file, line: at?.line, column: at?.column, title: 'workflow-provenance', message });
}

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (argv[0] === '--version') {
    out(TOOL_VERSION);
    return 0;
  }
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    out(usage);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] !== 'check') {
    err(`workflow-provenance: unknown command '${printable(argv[0])}'\n\n${usage}`);
    return 2;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    out(usage);
    return 0;
  }
  const parsed = parseArgs(argv.slice(1));
  if (typeof parsed === 'string') {
    err(`workflow-provenance: ${parsed}\n\n${usage}`);
    return 2;
  }
  await loadEngine();

  const problems: Problem[] = [];
  const files: string[] = [];
  const scopeOf = new Map<string, string>();
  for (const p of parsed.paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      problems.push({ path: p, message: 'no such file or folder' });
      continue;
    }
    // What `--fix` may write: a link is followed only to a file inside the folder checked (for a file
    // named on its own, inside its repository, else its own folder).
    const scope = st.isDirectory() ? p : (repositoryRoot(dirname(resolve(p))) ?? dirname(resolve(p)));
    for (const f of st.isDirectory() ? findWorkflowFiles(p).map(shortPath) : [p]) {
      files.push(f);
      scopeOf.set(f, scope);
    }
  }

  const policies = new Map<string, { policy: TrustPolicy; owner?: string }>();
  const policyFor = (file: string) => {
    const configPath = parsed.config ?? findPolicyFile(dirname(resolve(file)));
    const key = configPath ?? '';
    let entry = policies.get(key);
    if (!entry) {
      let part = {};
      if (configPath) {
        try {
          const text = readFileSync(configPath, 'utf8');
          const r = parsePolicyFile(text, configPath);
          part = r.policy;
          for (const pr of r.problems) problems.push({ path: configPath, text, offset: pr.span.start, message: `config: ${pr.message}` });
        } catch (e) {
          problems.push({ path: configPath, message: `cannot read config: ${(e as Error).message}` });
        }
      }
      entry = { policy: mergePolicies(part), owner: repositoryOwner(repositoryRoot(dirname(resolve(file)))) };
      policies.set(key, entry);
    }
    return entry;
  };

  interface Checked {
    path: string;
    /** The bytes read: a fix edits these, so what is not UTF-8 survives. */
    bytes: Buffer;
    text: string;
    policy: TrustPolicy;
    owner?: string;
    analysis?: Analysis;
  }
  const checked: Checked[] = [];
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      problems.push({ path: file, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      continue;
    }
    const text = bytes.toString('utf8');
    const { policy, owner } = policyFor(file);
    const entry: Checked = { path: file, bytes, text, policy, owner };
    try {
      entry.analysis = analyze(text, { path: file, policy, repositoryOwner: owner });
      for (const e of entry.analysis.syntaxErrors) problems.push({ path: file, text, offset: e.span.start, message: `YAML: ${e.message}` });
      for (const e of entry.analysis.notChecked) problems.push({ path: file, text, offset: e.span.start, message: `not checked: ${e.message}` });
    } catch (e) {
      // The engine is built never to throw; if it does, say so and keep checking other files.
      problems.push({ path: file, message: `internal error while checking: ${(e as Error).message}` });
    }
    checked.push(entry);
  }

  let resolved: ResolvedFacts | undefined;
  if (!parsed.offline) {
    const resolver = new OnlineResolver({
      cacheDir: parsed.cacheDir ?? defaultCacheDir(),
      registryUrls: parsed.registryUrls,
      gitBaseUrl: parsed.gitUrl,
      gitToken: process.env.WORKFLOW_PROVENANCE_GIT_TOKEN || undefined,
      timeoutMs: parsed.timeoutMs,
      // The CLI needs digests, platforms and commits; signatures and config labels are for the hover.
      details: false,
    });
    const facts = await lookUp(resolver, checked.flatMap((c) => (c.analysis ? [c.analysis] : [])));
    resolved = facts;
    const note = describeErrors(facts);
    if (note) err(`note: ${printable(note)}`);
    for (const problem of resolver.credentialProblems()) err(`note: ${printable(problem)}`);
    for (const c of checked) {
      if (!c.analysis) continue;
      try {
        c.analysis = analyze(c.text, { path: c.path, policy: c.policy, repositoryOwner: c.owner, resolved });
      } catch (e) {
        problems.push({ path: c.path, message: `internal error while checking: ${(e as Error).message}` });
      }
    }
  }

  if (parsed.fix) {
    for (const c of checked) {
      if (!c.analysis) continue;
      const outcome = pinFile(c.path, scopeOf.get(c.path) ?? dirname(c.path), c.bytes, c.text, c.analysis.findings);
      if (outcome.error) problems.push({ path: c.path, message: outcome.error });
      else if (outcome.pinned > 0) {
        const where = outcome.linkTarget ? ` in ${printablePath(outcome.linkTarget)}, which it links to` : '';
        err(`${printablePath(c.path)}: pinned ${outcome.pinned} reference(s)${where}`);
        c.text = outcome.text;
        c.analysis = analyze(c.text, { path: c.path, policy: c.policy, repositoryOwner: c.owner, resolved });
      }
    }
  }
  const root = checkRoot(parsed.paths[0]);
  const results: FileResult[] = checked.map((c) => ({
    path: c.path,
    repoPath: repositoryPath(c.path, root),
    text: c.text,
    findings: c.analysis?.findings ?? [],
  }));

  if (parsed.format === 'github') {
    for (const a of findingAnnotations(results)) out(workflowCommand(a));
    for (const p of problems) out(problemCommand(p, root));
    const summaryFile = process.env.GITHUB_STEP_SUMMARY;
    if (summaryFile) {
      try {
        appendFileSync(summaryFile, stepSummary(results));
      } catch (e) {
        err(`cannot write the step summary: ${printable((e as Error).message)}`);
      }
    }
  } else {
    const output = parsed.format === 'json' ? formatJson(results) : parsed.format === 'sarif' ? formatSarif(results, root, ruleHelp, problems.map((p) => ({ ...p, ...problemPosition(p), repoPath: repositoryPath(p.path, root) }))) : formatText(results);
    if (output) out(output);
    for (const p of problems) err(problemLine(p));
  }
  if (parsed.format === 'text' || parsed.format === 'github') {
    const n = results.reduce((a, r) => a + r.findings.length, 0);
    err(`${files.length} file(s) checked, ${n} finding(s)${problems.length ? `, ${problems.length} problem(s)` : ''}`);
  }
  if (problems.length > 0) return 2;
  if (parsed.exitZero) return 0;
  return results.some((r) => r.findings.some((f) => f.severity !== 'info')) ? 1 : 0;
}

/**
 * Applies every pin fix of a file and writes it safely (see fixWriter); refuses when the result would
 * not parse as well as the original did, or the file changed since it was read, so a user's file is
 * never left corrupt.
 */
function pinFile(
  path: string,
  scope: string,
  bytes: Buffer,
  text: string,
  findings: Finding[],
): { pinned: number; text: string; linkTarget?: string; error?: string } {
  const { edits, count } = combineFixes(findings, pinFixOf);
  if (edits.length === 0) return { pinned: 0, text };
  const next = applyEdits(text, edits);
  if (parseYaml(next).errors.length > parseYaml(text).errors.length) return { pinned: 0, text, error: 'not pinned: the result would not parse; file left unchanged' };
  const target = writeTarget(path, scope);
  if ('error' in target) return { pinned: 0, text, error: target.error };
  const nextBytes = editBytes(bytes, text, edits);
  if (!nextBytes) return { pinned: 0, text, error: 'not pinned: an edit falls inside bytes that are not UTF-8; file left unchanged' };
  try {
    // Between reading and now, someone may have edited the file: their work wins.
    if (!readFileSync(target.target).equals(bytes)) return { pinned: 0, text, error: 'not pinned: the file changed while it was being checked; left unchanged' };
    replaceFile(target.target, nextBytes);
  } catch (e) {
    return { pinned: 0, text, error: `cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; file left unchanged` };
  }
  return { pinned: count, text: nextBytes.toString('utf8'), linkTarget: target.linked ? shortPath(target.target) : undefined };
}

/** Paths under the working folder are shown relative to it, as editors' problem matchers expect. */
function shortPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

if (require.main === module) {
  main(
    process.argv.slice(2),
    (s) => process.stdout.write(`${s}\n`),
    (s) => process.stderr.write(`${s}\n`),
  ).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      // Line by line, so the stack stays readable but no line can act as a workflow command.
      const lines = String((e as Error).stack ?? e).split('\n').map(printablePath);
      process.stderr.write(`workflow-provenance: ${lines.join('\n')}\n`);
      process.exitCode = 2;
    },
  );
}
