// The command-line face: `workflow-provenance check [options] PATH...`.
import { appendFileSync, type Stats, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { optimiseLater } from '../optimisationBudget';
import {
  analyze,
  loadEngine,
  mayRunContainers,
  mergePolicies,
  parsePolicyFile,
  type Analysis,
  type AnalyzeOptions,
  type ResolvedFacts,
  type TrustPolicy,
  type WorkflowLock,
} from '../engine';
import { errorMessage } from '../engine/errorMessage';
import { defaultCacheDir } from '../online/cache';
import { describeErrors, lookUp } from '../online/lookup';
import { OnlineResolver, type ResolvedAll } from '../online/resolver';
import { createActionFileSource } from '../online/actionFiles';
import { type FollowInput, pathsTo } from '../engine/follow';
import { followFiles, followSetup } from '../workspace/followFiles';
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
import { pinFile } from './fixWriter';
import { findingAnnotations, stepSummary, workflowCommand } from './github';
import { parseArgs, usage } from './options';
import { printable, printablePath } from './printable';
import { type Problem, problemCommand, problemLine, problemPosition } from './problems';
import { checkRoot, repositoryPath, shortPath } from './reportPaths';
import {
  type FileResult,
  formatJson,
  formatSarif,
  formatText,
  type ImageVerdict,
  type NotChecked,
  type ProvenanceReport,
  TOOL_VERSION,
} from './report';
import { resolvedImageKey } from '../engine/analyze';
import { requirementsFor } from '../engine/provenanceRequirements';
import type { SigstoreInstance } from '../online/verify/trustRoot';
import { ruleHelp } from './ruleDocs';

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
  const problems: Problem[] = [];
  /**
   * Each file to check, with the folder the user named around it (reads stay inside it) and what
   * `--fix` may write: a link is followed only to a file inside the folder checked (for a file named on
   * its own, inside its repository, else its own folder).
   */
  const files: Array<{ path: string; named: string; folder?: CheckedFolder; scope: string }> = [];
  for (const p of parsed.paths) {
    let st: Stats;
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

  // Published actions are read online, else from the cache alone: offline means no request.
  const actionFiles = createActionFileSource({
    resolver: new OnlineResolver({
      cacheDir: parsed.cacheDir ?? defaultCacheDir(),
      gitBaseUrl: parsed.gitUrl,
      gitToken: process.env.WORKFLOW_PROVENANCE_GIT_TOKEN || undefined,
      timeoutMs: parsed.timeoutMs,
    }),
    cacheOnly: parsed.offline,
  });
  // A file named on its own is followed inside its repository (the folder holding its `.github`).
  const followFor = async (file: string, text: string, folder: CheckedFolder | undefined, options: AnalyzeOptions) => {
    const setup = followSetup(file, folder, dirname(resolve(file)));
    if (!setup) return undefined;
    const follow = await followFiles(
      text,
      { ...options, follow: { files: new Map(), path: setup.path } },
      setup.local,
      actionFiles,
    );
    return { root: setup.root, follow };
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
    /** The files its `uses:` lines lead to, and the repository root their paths are relative to. */
    followed?: { root: string; follow: FollowInput };
  }
  const optionsOf = (c: Checked, resolved?: ResolvedFacts): AnalyzeOptions => ({
    path: c.path,
    policy: c.policy,
    repositoryOwner: c.owner,
    actionsLock: c.actionsLock,
    resolved,
    follow: c.followed?.follow,
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
      entry.followed = await followFor(file, text, folder, optionsOf(entry));
      // The shell parser is loaded on the first file whose text may start a container: a run over
      // workflows that never do is spared compiling it. A script the test missed (a YAML escape spelling
      // `docker`) is reported as not read, and the file is analysed again with the parser. Followed files
      // may run containers in their own scripts.
      if (mayRunContainers(text) || (entry.followed?.follow.files.size ?? 0) > 0) await loadEngine();
      entry.analysis = analyze(text, optionsOf(entry));
      if (entry.analysis.scriptsNotRead) {
        await loadEngine();
        entry.analysis = analyze(text, optionsOf(entry));
      }
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

  let resolved: ResolvedAll | undefined;
  let sigstoreInstances: SigstoreInstance[] | undefined;
  if (parsed.trustedRoots.length > 0 || (parsed.refreshTrustRoot && parsed.provenance)) {
    const { loadTrustedRootFile, publicGoodInstance, refreshedPublicGoodInstance } = await import('../online/sigstore');
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
    followRoot: c.followed?.root,
  }));

  const report: ProvenanceReport = {
    notChecked: [
      ...checked.flatMap((c) =>
        (c.analysis?.notChecked ?? []).map((n) => ({ file: c.path, text: c.text, span: n.span, reason: n.message })),
      ),
      ...notFollowed(checked),
    ],
  };
  if (parsed.provenance) report.verdicts = imageVerdicts(checked, resolved, problems, report.notChecked);

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
        ? formatJson(results, report)
        : parsed.format === 'sarif'
          ? formatSarif(
              results,
              root,
              ruleHelp,
              problems.map((p) => ({ ...p, ...problemPosition(p), repoPath: repositoryPath(p.path, root) })),
              report,
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
 * Every action or reusable workflow whose files were not read (offline and not in the cache, a missing
 * `action.yml`, a path chosen at run time), at the `uses:` line of the checked file, with why: what it
 * runs is unknown, which json and SARIF say rather than passing it over in silence.
 */
function notFollowed(checked: Array<{ path: string; text: string; analysis?: Analysis }>): NotChecked[] {
  return checked.flatMap((c) =>
    (c.analysis?.followed ?? []).flatMap((use) =>
      pathsTo(use.node, (node) => (node.notFollowed ? [node.notFollowed] : [])).map(({ path, found }) => ({
        file: c.path,
        text: c.text,
        span: use.reference.span,
        reference: path[path.length - 1].uses,
        reason: `not followed: ${found}`,
      })),
    ),
  );
}

/**
 * The provenance verdict of every image checked, for json and sarif, and (into `notChecked`) every image
 * whose provenance was not looked at, with why; an image a policy requires provenance for whose
 * evidence could not be looked up is a problem (exit 2), never a silent pass.
 */
function imageVerdicts(
  checked: Array<{ path: string; text: string; policy: TrustPolicy; analysis?: Analysis }>,
  resolved: ResolvedAll | undefined,
  problems: Problem[],
  notChecked: NotChecked[],
): ImageVerdict[] {
  const verdicts: ImageVerdict[] = [];
  for (const c of checked) {
    for (const image of c.analysis?.images ?? []) {
      const skip = (reason: string) =>
        notChecked.push({ file: c.path, text: c.text, span: image.span, reference: image.text, reason });
      if (!image.parsed) {
        skip(
          image.runtimeValue !== undefined
            ? `chosen at run time (${image.runtimeValue}): there is no image to look up before the workflow runs`
            : `not an image reference (${image.parseError ?? 'unreadable'})`,
        );
        continue;
      }
      const key = resolvedImageKey(image.parsed);
      const facts = resolved?.images.get(key);
      const verdict: ImageVerdict = { file: c.path, text: c.text, span: image.span, reference: image.text };
      if (facts) verdict.digest = image.parsed.digest ?? facts.digest;
      if (facts?.provenance) verdict.provenance = facts.provenance;
      else {
        const failed = resolved?.errors.get(key);
        skip(
          !resolved
            ? 'offline: signatures and attestations were not looked up'
            : failed
              ? `the look-up failed (${failed.code}: ${failed.error})`
              : 'signatures and attestations were not looked up',
        );
        if (requirementsFor(image.parsed, c.policy).length > 0) {
          problems.push({
            path: c.path,
            text: c.text,
            offset: image.span.start,
            message: `provenance of ${image.text} is required but could not be looked up`,
          });
        }
      }
      verdicts.push(verdict);
    }
  }
  return verdicts;
}

if (require.main === module) {
  // A check is over in well under a second: V8's baseline WebAssembly compiler alone readies the shell
  // parser in a fraction of the time its optimising compiler takes, and that time is never won back.
  // Set before the parser is compiled; the language server, long-running, keeps the optimised code.
  setFlagsFromString('--liftoff-only');
  // Likewise for JavaScript: optimising compilations were a sixth to a quarter of a corpus run's CPU time.
  optimiseLater();
  main(
    process.argv.slice(2),
    (s) => process.stdout.write(`${s}\n`),
    (s) => process.stderr.write(`${s}\n`),
  ).then(exitWhenWritten, (e) => {
    // Line by line, so the stack stays readable but no line can act as a workflow command.
    const lines = String((e as Error).stack ?? e)
      .split('\n')
      .map(printablePath);
    process.stderr.write(`workflow-provenance: ${lines.join('\n')}\n`);
    exitWhenWritten(2);
  });
}

/**
 * Ends the process as soon as everything written has reached standard output and error. Left to itself,
 * Node would first let V8 finish its housekeeping (a last full garbage collection among it): 20 to 40 ms
 * of a corpus run, for memory about to be returned anyway. Nothing else is pending by then: the cache,
 * fixed files and the step summary are written synchronously.
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  let streams = 2;
  const written = () => {
    if (--streams === 0) process.exit(code);
  };
  process.stdout.write('', written);
  process.stderr.write('', written);
}
