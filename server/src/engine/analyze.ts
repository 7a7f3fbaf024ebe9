// The pipeline: parse → extract references → judge with rules → suppress → fixes.
import type { Analysis, AnalyzeOptions, ImageProvenance, ProvenanceByReference, TrustPolicy } from './api';
import { errorMessage } from './errorMessage';
import { extract } from './extract';
import { isResolvedAction, isResolvedImage } from './factShapes';
import { buildFixes } from './fixes';
import { globMatches } from './knowledge/trustedPublishers';
import { mergePolicies } from './policy';
import { describeAction, describeImage, imageName } from './provenance';
import type { ImageRule, Rule, RuleContext, RuleResult, RuleSet } from './rule';
import { suppressedFor } from './suppressions';
import type { ActionReference, Finding, ImageReference, ParsedImage, Reference } from './types';
import { lineSpanAt, type ParsedYaml, parseYaml } from './yamlSource';
import { dockerfileImages } from './dockerfile';
import {
  type FileAddress,
  fileKey,
  followDocument,
  type FollowedFile,
  type FollowInput,
  type FollowJudges,
  type FollowResult,
} from './follow';
import { parseImageReference } from './imageReference';
import type { DocumentModel } from './documentModel';

/**
 * The key under which online facts about an image are stored: its canonical form, digest included
 * when written (the facts then say where the tag points now, for `stale-digest`).
 */
export function resolvedImageKey(image: ParsedImage): string {
  return image.canonical;
}

/** The key of an action's online facts: `owner/repo@ref`. */
export function resolvedActionKey(ref: Pick<ActionReference, 'owner' | 'repo' | 'ref'>): string {
  return `${ref.owner}/${ref.repo}@${ref.ref}`;
}

function ignoredByPolicy(ref: Reference, policy: TrustPolicy): boolean {
  if (policy.ignore.length === 0) return false;
  const names =
    ref.kind === 'image'
      ? [ref.text, ...(ref.parsed ? [imageName(ref.parsed), ref.parsed.canonical] : [])]
      : ref.kind === 'action'
        ? [ref.text, `${ref.owner}/${ref.repo}`]
        : [ref.text];
  return policy.ignore.some((p) => names.some((n) => globMatches(p, n)));
}

/** The severity a rule's findings get under `policy`. */
function severityOf(rule: Rule, policy: TrustPolicy): Finding['severity'] {
  const setting = policy.rules[rule.id];
  return setting === undefined || setting === 'off' ? rule.defaultSeverity : setting;
}

const enabled = <R extends Rule>(list: readonly R[], policy: TrustPolicy): R[] =>
  list.filter((rule) => policy.rules[rule.id] !== 'off');

/** What the image rules say about one image: its publisher's standing, and each rule's result. */
function judgeImage(
  rules: readonly ImageRule[],
  ref: ImageReference,
  options: AnalyzeOptions,
  policy: TrustPolicy,
): { provenance: ImageProvenance; results: Array<{ rule: ImageRule; result: RuleResult; ctx: RuleContext }> } {
  // Ignored references are still described: the hover tells what they are.
  const provenance = describeImage(ref, options, policy);
  if (ignoredByPolicy(ref, policy)) return { provenance, results: [] };
  // Facts come from the network or a cache file: a malformed one counts as none.
  const candidate = ref.parsed ? options.resolved?.images.get(resolvedImageKey(ref.parsed)) : undefined;
  const resolvedImage = isResolvedImage(candidate) ? candidate : undefined;
  const ctx: RuleContext = {
    options,
    policy,
    provenance: ref.parsed ? provenance : undefined,
    resolvedImage,
    resolvedAction: undefined,
  };
  const results = [];
  for (const rule of rules) {
    const result = rule.check(ref, ctx);
    if (result) results.push({ rule, result, ctx });
  }
  return { provenance, results };
}

/**
 * The images a Dockerfile builds from, each judged by the image rules. A Dockerfile has no comment a
 * rule could be silenced with on its line, and its findings carry no fixes: they are reported on the
 * `uses:` that runs it.
 */
function judgeDockerfile(rules: RuleSet, text: string, options: AnalyzeOptions) {
  const policy = options.policy ?? mergePolicies();
  const imageRules = enabled(rules.images, policy);
  return dockerfileImages(text).images.map((image) => {
    const parsed = image.buildArgument ? undefined : parseImageReference(image.text);
    const reference: ImageReference = {
      kind: 'image',
      text: image.text,
      span: { start: image.start, end: image.end },
      editable: image.exact,
      source: 'dockerfile',
      platform: image.platform,
      parsed: parsed?.ok ? parsed.image : undefined,
      parseError: parsed && !parsed.ok ? parsed.error : undefined,
      runtimeValue: image.buildArgument
        ? `it comes from the build argument ${image.buildArgument}, which has no default`
        : undefined,
    };
    const findings: Finding[] = judgeImage(imageRules, reference, options, policy).results.map(({ rule, result }) => ({
      rule: rule.id,
      severity: severityOf(rule, policy),
      message: result.message,
      span: reference.span,
      reference,
      fixes: [],
    }));
    return { reference, findings };
  });
}

const noRules: RuleSet = { images: [], actions: [], uses: [] };

/** How a followed file is judged: by the same rules, with the owner its images answer to. */
function followJudges(rules: RuleSet, options: AnalyzeOptions): FollowJudges {
  const optionsFor = (file: FileAddress): AnalyzeOptions => ({
    path: file.path,
    policy: options.policy,
    resolved: options.resolved,
    // A remote action's own namespace is its publisher's, as this repository's is ours.
    repositoryOwner: file.kind === 'remote' ? file.owner.toLowerCase() : options.repositoryOwner,
    foreign: file.kind === 'remote' || options.foreign,
  });
  return {
    yaml: (text, file) => analyzeWithRules(rules, text, optionsFor(file)),
    dockerfile: (text, file) => judgeDockerfile(rules, text, optionsFor(file)),
    ignored: (ref) => ignoredByPolicy(ref, options.policy ?? mergePolicies()),
  };
}

/**
 * Asks, for the files read so far, which files the document's `uses:` lines lead to that are not read
 * yet: a driver reads them and asks again until nothing is left (depth, cycles and bounds are decided
 * here). The document is parsed once per planner, and each file read is judged once.
 */
export function followPlanner(
  text: string,
  options: AnalyzeOptions & { follow: FollowInput },
): (files: ReadonlyMap<string, FollowedFile>) => FileAddress[] {
  const document = analyzeWithRules(noRules, text, { ...options, follow: undefined });
  const judges = followJudges(noRules, options);
  const seen = new Map<string, { text: string; judged: ReturnType<FollowJudges['yaml']> }>();
  const memo: FollowJudges = {
    ...judges,
    // A file read again with other contents is judged again.
    yaml: (fileText, file) => {
      const known = seen.get(fileKey(file));
      if (known?.text === fileText) return known.judged;
      const judged = judges.yaml(fileText, file);
      seen.set(fileKey(file), { text: fileText, judged });
      return judged;
    },
  };
  return (files) => followDocument(document, text, { ...options.follow, files }, memo).needed;
}

/**
 * Runs `rules` over the document. The faces call `analyze` from the engine's front door, which passes
 * the full rule catalogue; the engine itself never imports a rule.
 *
 * Never throws: a failure inside the engine becomes a `notChecked` entry for this file, so one
 * hostile file cannot stop the checking of others.
 */
export function analyzeWithRules(rules: RuleSet, text: string, options: AnalyzeOptions = {}): Analysis {
  try {
    return analyzeParsed(rules, text, parseYaml(text), options);
  } catch (e) {
    return {
      kind: 'unknown',
      images: [],
      actions: [],
      locals: [],
      followed: [],
      findings: [],
      syntaxErrors: [],
      notChecked: [
        {
          span: lineSpanAt(text, 0),
          message: `internal error, the file was not checked: ${errorMessage(e).slice(0, 200)}`,
        },
      ],
      provenance: { images: new Map(), actions: new Map() },
    };
  }
}

// The language server first asks which files a document's `uses:` lead to, then judges the same text:
// both read one extraction of the one parse. Nothing changes a model once it is extracted; a model that
// left scripts unread (the shell parser was not loaded yet) is not reused.
const extractions = new WeakMap<ParsedYaml, { path: string | undefined; inputs: string; model: DocumentModel }>();

function extractOnce(parsed: ParsedYaml, path: string | undefined, policy: TrustPolicy): DocumentModel {
  const inputs = policy.imageInputs.map((i) => ({
    action: i.action.toLowerCase(),
    input: i.input,
    optionsInput: i.optionsInput,
  }));
  const inputsKey = JSON.stringify(inputs);
  const known = extractions.get(parsed);
  if (known && known.path === path && known.inputs === inputsKey && known.model.scriptsNotRead === 0)
    return known.model;
  const model = extract(parsed, path, inputs);
  extractions.set(parsed, { path, inputs: inputsKey, model });
  return model;
}

function analyzeParsed(rules: RuleSet, text: string, parsed: ParsedYaml, options: AnalyzeOptions): Analysis {
  const policy = options.policy ?? mergePolicies();
  const model = extractOnce(parsed, options.path, policy);
  const findings: Finding[] = [];
  const provenance: ProvenanceByReference = { images: new Map(), actions: new Map() };

  const report = (rule: Rule, result: RuleResult | undefined, ref: Reference, ctx: RuleContext): void => {
    if (!result || (!options.foreign && suppressedFor(text, ref).includes(rule.id))) return;
    const finding: Finding = {
      rule: rule.id,
      severity: severityOf(rule, policy),
      message: result.message,
      span: ref.span,
      reference: ref,
      fixes: [],
    };
    if (ref.kind === 'image' && ref.via) {
      finding.related = ref.via.map((v) => ({
        span: v.span,
        message: `the value reaches the job through ${v.expression}`,
      }));
    }
    if (result.related?.length) finding.related = [...(finding.related ?? []), ...result.related];
    finding.fixes = buildFixes(text, model, finding, result.fixes ?? [], {
      provenance: ctx.provenance,
      resolvedImage: ctx.resolvedImage,
      resolvedAction: ctx.resolvedAction,
    });
    findings.push(finding);
  };
  const imageRules = enabled(rules.images, policy);
  const actionRules = enabled(rules.actions, policy);

  for (const ref of model.images) {
    const judged = judgeImage(imageRules, ref, options, policy);
    provenance.images.set(ref, judged.provenance);
    for (const { rule, result, ctx } of judged.results) report(rule, result, ref, ctx);
  }
  for (const ref of model.actions) {
    provenance.actions.set(ref, describeAction(ref, { ...options, policy }));
    if (ignoredByPolicy(ref, policy)) continue;
    const candidate = options.resolved?.actions.get(resolvedActionKey(ref));
    const resolvedAction = isResolvedAction(candidate) ? candidate : undefined;
    const ctx: RuleContext = { options, policy, provenance: undefined, resolvedImage: undefined, resolvedAction };
    for (const rule of actionRules) report(rule, rule.check(ref, ctx), ref, ctx);
  }
  const followed = options.follow ? follow(rules, text, model, options).uses : [];
  const usesRules = enabled(rules.uses, policy);
  for (const use of followed) {
    if (ignoredByPolicy(use.reference, policy)) continue;
    const ctx: RuleContext = {
      options,
      policy,
      provenance: undefined,
      resolvedImage: undefined,
      resolvedAction: undefined,
    };
    for (const rule of usesRules) report(rule, rule.check(use, ctx), use.reference, ctx);
  }
  findings.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.rule.localeCompare(b.rule));
  return {
    kind: model.kind,
    images: model.images,
    actions: model.actions,
    locals: model.locals,
    followed,
    findings,
    syntaxErrors: parsed.errors,
    notChecked: [...parsed.notChecked, ...model.notChecked],
    provenance,
    ...(model.scriptsNotRead > 0 ? { scriptsNotRead: model.scriptsNotRead } : {}),
  };
}

function follow(rules: RuleSet, text: string, model: DocumentModel, options: AnalyzeOptions): FollowResult {
  const input = options.follow as NonNullable<AnalyzeOptions['follow']>;
  return followDocument(model, text, input, followJudges(rules, options));
}
