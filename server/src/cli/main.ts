// The command-line face: `workflow-provenance check [options] PATH...`.
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  analyze,
  applyEdits,
  LineIndex,
  loadEngine,
  mergePolicies,
  parsePolicyFile,
  type Analysis,
  type AnalyzeOptions,
  type Finding,
  type ResolvedFacts,
  type TrustPolicy,
  type WorkflowLock,
} from '../engine';
import { combineFixes, pinFixOf } from '../engine/fixes';
import { errorMessage } from '../engine/errorMessage';
import { parseYaml } from '../engine/yamlSource';
import { defaultCacheDir } from '../online/cache';
import { describeErrors, lookUp } from '../online/lookup';
import { OnlineResolver } from '../online/resolver';
import {
  actionsLockFor,
  CheckedFolder,
  findPolicyFile,
  findWorkflowFiles,
  quotePath,
  readCheckedFile,
  repositoryOwner,
  repositoryRoot,
} from '../workspace';
import { editBytes, replaceFile, writeTarget } from './fixWriter';
import { findingAnnotations, stepSummary, workflowCommand } from './github';
import { printable, printablePath } from './printable';
import { checkRoot, repositoryPath } from './reportPaths';
import { type FileResult, formatJson, formatSarif, formatText, type ImageVerdict, TOOL_VERSION } from './report';
import { resolvedImageKey } from '../engine/analyze';
import { requirementsFor } from '../engine/provenanceRequirements';
import {
  loadTrustedRootFile,
  publicGoodInstance,
  refreshedPublicGoodInstance,
  type SigstoreInstance,
} from '../online/verify/trustRoot';
import { ruleHelp } from './ruleDocs';

const usage = `Usage: workflow-provenance check [--format text|github|json|sarif] [--offline] [--fix] [--exit-zero] [--provenance] [--require-provenance[=PATTERN]] [--config FILE] PATH...

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
  --provenance     look up each image's Sigstore signatures and attestations and verify them
                   (rule unverified-image; the verdict per image in json and sarif output)
  --require-provenance[=PATTERN]  images (matching PATTERN, default all) must have verified provenance:
                   error provenance-mismatch otherwise, exit status 1 (implies --provenance; repeatable)
  --trusted-root FILE  also verify against this Sigstore trust root (trusted_root.json, or JSON lines
                   as \`gh attestation trusted-root\` prints); the public-good root is always used
  --refresh-trust-root  update the public-good Sigstore root through TUF (tuf-repo-cdn.sigstore.dev),
                   cached under --cache-dir; without it the root shipped with the tool is used

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
  provenance: boolean;
  requireProvenance: string[];
  trustedRoots: string[];
  refreshTrustRoot: boolean;
  paths: string[];
}

function parseArgs(argv: string[]): Options | string {
  const o: Options = {
    format: 'text',
    offline: false,
    fix: false,
    exitZero: false,
    registryUrls: {},
    provenance: false,
    requireProvenance: [],
    trustedRoots: [],
    refreshTrustRoot: false,
    paths: [],
  };
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
      else if (a === '--provenance') o.provenance = true;
      else if (a === '--refresh-trust-root') o.refreshTrustRoot = true;
      else if (a === '--require-provenance') o.requireProvenance.push('**');
      else if (a.startsWith('--require-provenance='))
        o.requireProvenance.push(a.slice('--require-provenance='.length) || '**');
      else if (a === '--trusted-root' || a.startsWith('--trusted-root=')) o.trustedRoots.push(value('--trusted-root'));
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
        if (eq <= 0 || !/^https?:\/\//.test(v.slice(eq + 1)))
          return `--registry-url takes NAME=URL (http or https), not '${printable(v)}'`;
        o.registryUrls[v.slice(0, eq)] = v.slice(eq + 1);
      } else if (a.startsWith('-') && a !== '-') return `unknown option '${printable(a)}'`;
      else o.paths.push(a);
    } catch (e) {
      return errorMessage(e);
    }
  }
  if (o.paths.length === 0) return 'no PATH given';
  if (o.fix && o.offline) return '--fix needs online look-ups; drop --offline';
  if (o.requireProvenance.length > 0) o.provenance = true;
  if (o.provenance && o.offline) return '--provenance and --require-provenance need online look-ups; drop --offline';
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
  return workflowCommand({
    severity: 'error',
    file,
    line: at?.line,
    column: at?.column,
    title: 'workflow-provenance',
    message,
  });
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
  /**
   * Each file to check, with the folder the user named around it (reads stay inside it) and what
   * `--fix` may write: a link is followed only to a file inside the folder checked (for a file named on
   * its own, inside its repository, else its own folder).
   */
  const files: Array<{ path: string; named: string; folder?: CheckedFolder; scope: string }> = [];
  for (const p of parsed.paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      problems.push({ path: p, message: 'no such file or folder' });
      continue;
    }
    if (st.isDirectory()) {
      const found = await findWorkflowFiles(p);
      const folder = new CheckedFolder(p);
      files.push(...found.files.map((f) => ({ path: shortPath(f), named: p, folder, scope: p })));
      for (const s of found.skipped) err(`${quotePath(shortPath(s.path))}: skipped: ${s.reason}`);
    } else {
      // A file named on the command line is read wherever it lies, as the user asked.
      files.push({ path: p, named: dirname(p), scope: repositoryRoot(dirname(resolve(p))) ?? dirname(resolve(p)) });
    }
  }

  // Each file is judged with its own repository's owner and policy file: one run may span several.
  const policies = new Map<string, TrustPolicy>();
  const policyFor = (file: string, named: string): TrustPolicy => {
    const configPath = parsed.config ?? findPolicyFile(dirname(resolve(file)), named);
    const key = configPath ?? '';
    let policy = policies.get(key);
    if (!policy) {
      let part = {};
      if (configPath) {
        // A policy file named with --config is the user's own; one found in the tree may be anything.
        const read = readCheckedFile(
          configPath,
          parsed.config ? undefined : new CheckedFolder(repositoryRoot(dirname(configPath)) ?? resolve(named)),
        );
        if ('text' in read) {
          const r = parsePolicyFile(read.text);
          part = r.policy;
          for (const pr of r.problems)
            problems.push({
              path: configPath,
              text: read.text,
              offset: pr.span.start,
              message: `config: ${pr.message}`,
            });
          err(`policy file: ${quotePath(shortPath(configPath))}`);
        } else problems.push({ path: configPath, message: `cannot read config: ${read.skipped}` });
      }
      const required = parsed.requireProvenance.map((image) => ({ image }));
      policy = mergePolicies(part, { requireProvenance: required });
      policies.set(key, policy);
    }
    return policy;
  };
  const owners = new Map<string, string | undefined>();
  const ownerFor = (file: string): string | undefined => {
    const root = repositoryRoot(dirname(resolve(file))) ?? '';
    if (!owners.has(root)) owners.set(root, root ? repositoryOwner(root) : undefined);
    return owners.get(root);
  };

  interface Checked {
    path: string;
    /** The bytes read: a fix edits these, so what is not UTF-8 survives. */
    bytes: Buffer;
    text: string;
    /** What `--fix` may write through a link (see `files`). */
    scope: string;
    policy: TrustPolicy;
    owner?: string;
    actionsLock?: WorkflowLock;
    analysis?: Analysis;
  }
  const optionsOf = (c: Checked, resolved?: ResolvedFacts): AnalyzeOptions => ({
    path: c.path,
    policy: c.policy,
    repositoryOwner: c.owner,
    actionsLock: c.actionsLock,
    resolved,
  });
  const lockProblems = new Set<string>();
  const checked: Checked[] = [];
  let skippedFiles = 0;
  for (const { path: file, named, folder, scope } of files) {
    const read = readCheckedFile(file, folder);
    if (!('text' in read)) {
      // A file found in a folder that may not be read is skipped with a word; one the user named is a problem.
      if (folder) {
        err(`${quotePath(file)}: skipped: ${read.skipped}`);
        skippedFiles++;
      } else problems.push({ path: file, message: read.skipped });
      continue;
    }
    const { bytes, text } = read;
    const lock = actionsLockFor(file);
    if (lock.problem && !lockProblems.has(lock.problem.path)) {
      lockProblems.add(lock.problem.path);
      problems.push(lock.problem);
    }
    const entry: Checked = {
      path: file,
      bytes,
      text,
      scope,
      policy: policyFor(file, named),
      owner: ownerFor(file),
      actionsLock: lock.lock,
    };
    try {
      entry.analysis = analyze(text, optionsOf(entry));
      for (const e of entry.analysis.syntaxErrors)
        problems.push({ path: file, text, offset: e.span.start, message: `YAML: ${e.message}` });
      for (const e of entry.analysis.notChecked)
        problems.push({ path: file, text, offset: e.span.start, message: `not checked: ${e.message}` });
    } catch (e) {
      // The engine is built never to throw; if it does, say so and keep checking other files.
      problems.push({ path: file, message: `internal error while checking: ${errorMessage(e)}` });
    }
    checked.push(entry);
  }

  let resolved: ResolvedFacts | undefined;
  let sigstoreInstances: SigstoreInstance[] | undefined;
  if (parsed.trustedRoots.length > 0 || (parsed.refreshTrustRoot && parsed.provenance)) {
    sigstoreInstances = [
      parsed.refreshTrustRoot
        ? await refreshedPublicGoodInstance(join(parsed.cacheDir ?? defaultCacheDir(), 'sigstore-tuf'))
        : publicGoodInstance(),
    ];
    for (const file of parsed.trustedRoots) {
      try {
        sigstoreInstances.push(...loadTrustedRootFile(file));
      } catch (e) {
        problems.push({ path: file, message: `cannot use as a Sigstore trust root: ${(e as Error).message}` });
      }
    }
  }
  if (!parsed.offline) {
    const resolver = new OnlineResolver({
      cacheDir: parsed.cacheDir ?? defaultCacheDir(),
      registryUrls: parsed.registryUrls,
      gitBaseUrl: parsed.gitUrl,
      gitToken: process.env.WORKFLOW_PROVENANCE_GIT_TOKEN || undefined,
      timeoutMs: parsed.timeoutMs,
      // Digests, platforms and commits by default; signatures and attestations only when asked for.
      details: parsed.provenance,
      ...(sigstoreInstances ? { sigstoreInstances } : {}),
    });
    const facts = await lookUp(
      resolver,
      checked.flatMap((c) => (c.analysis ? [c.analysis] : [])),
    );
    resolved = facts;
    const note = describeErrors(facts);
    if (note) err(`note: ${printable(note)}`);
    for (const problem of resolver.credentialProblems()) err(`note: ${printable(problem)}`);
    for (const c of checked) {
      if (!c.analysis) continue;
      try {
        c.analysis = analyze(c.text, optionsOf(c, resolved));
      } catch (e) {
        problems.push({ path: c.path, message: `internal error while checking: ${errorMessage(e)}` });
      }
    }
  }

  if (parsed.fix) {
    for (const c of checked) {
      if (!c.analysis) continue;
      const outcome = pinFile(c.path, c.scope, c.bytes, c.text, c.analysis.findings);
      if (outcome.error) problems.push({ path: c.path, message: outcome.error });
      else if (outcome.pinned > 0) {
        const where = outcome.linkTarget ? ` in ${printablePath(outcome.linkTarget)}, which it links to` : '';
        err(`${printablePath(c.path)}: pinned ${outcome.pinned} reference(s)${where}`);
        c.text = outcome.text;
        c.analysis = analyze(c.text, optionsOf(c, resolved));
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

  const verdicts = parsed.provenance ? imageVerdicts(checked, resolved, problems) : undefined;

  if (parsed.format === 'github') {
    for (const a of findingAnnotations(results)) out(workflowCommand(a));
    for (const p of problems) out(problemCommand(p, root));
    const summaryFile = process.env.GITHUB_STEP_SUMMARY;
    if (summaryFile) {
      try {
        appendFileSync(summaryFile, stepSummary(results));
      } catch (e) {
        err(`cannot write the step summary: ${printable(errorMessage(e))}`);
      }
    }
  } else {
    const output =
      parsed.format === 'json'
        ? formatJson(results, verdicts)
        : parsed.format === 'sarif'
          ? formatSarif(
              results,
              root,
              ruleHelp,
              problems.map((p) => ({ ...p, ...problemPosition(p), repoPath: repositoryPath(p.path, root) })),
              verdicts,
            )
          : formatText(results);
    if (output) out(output);
    for (const p of problems) err(problemLine(p));
  }
  if (parsed.format === 'text' || parsed.format === 'github') {
    const n = results.reduce((a, r) => a + r.findings.length, 0);
    err(
      `${files.length - skippedFiles} file(s) checked, ${n} finding(s)${problems.length ? `, ${problems.length} problem(s)` : ''}`,
    );
  }
  if (problems.length > 0) return 2;
  if (parsed.exitZero) return 0;
  return results.some((r) => r.findings.some((f) => f.severity !== 'info')) ? 1 : 0;
}

/**
 * The provenance verdict of every image checked, for json and sarif; an image a policy requires
 * provenance for whose evidence could not be looked up is a problem (exit 2), never a silent pass.
 */
function imageVerdicts(
  checked: Array<{ path: string; text: string; policy: TrustPolicy; analysis?: Analysis }>,
  resolved: ResolvedFacts | undefined,
  problems: Problem[],
): ImageVerdict[] {
  const verdicts: ImageVerdict[] = [];
  for (const c of checked) {
    for (const image of c.analysis?.images ?? []) {
      if (!image.parsed) continue;
      const facts = resolved?.images.get(resolvedImageKey(image.parsed));
      const verdict: ImageVerdict = { file: c.path, text: c.text, span: image.span, reference: image.text };
      if (facts) verdict.digest = image.parsed.digest ?? facts.digest;
      if (facts?.provenance) verdict.provenance = facts.provenance;
      else if (requirementsFor(image.parsed, c.policy).length > 0) {
        problems.push({
          path: c.path,
          text: c.text,
          offset: image.span.start,
          message: `provenance of ${image.text} is required but could not be looked up`,
        });
      }
      verdicts.push(verdict);
    }
  }
  return verdicts;
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
  if (parseYaml(next).errors.length > parseYaml(text).errors.length)
    return { pinned: 0, text, error: 'not pinned: the result would not parse; file left unchanged' };
  const target = writeTarget(path, scope);
  if ('error' in target) return { pinned: 0, text, error: target.error };
  const nextBytes = editBytes(bytes, text, edits);
  if (!nextBytes)
    return { pinned: 0, text, error: 'not pinned: an edit falls inside bytes that are not UTF-8; file left unchanged' };
  try {
    // Between reading and now, someone may have edited the file: their work wins.
    if (!readFileSync(target.target).equals(bytes))
      return { pinned: 0, text, error: 'not pinned: the file changed while it was being checked; left unchanged' };
    replaceFile(target.target, nextBytes);
  } catch (e) {
    return {
      pinned: 0,
      text,
      error: `cannot write: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}; file left unchanged`,
    };
  }
  return {
    pinned: count,
    text: nextBytes.toString('utf8'),
    linkTarget: target.linked ? shortPath(target.target) : undefined,
  };
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
      const lines = String((e as Error).stack ?? e)
        .split('\n')
        .map(printablePath);
      process.stderr.write(`workflow-provenance: ${lines.join('\n')}\n`);
      process.exitCode = 2;
    },
  );
}
