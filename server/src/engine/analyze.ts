// The pipeline: parse → extract references → judge with rules → suppress → fixes.
import type { Analysis, AnalyzeOptions, ProvenanceByReference, TrustPolicy } from './api';
import { errorMessage } from './errorMessage';
import { extract } from './extract';
import { isResolvedAction, isResolvedImage } from './factShapes';
import { buildFixes } from './fixes';
import { globMatches } from './knowledge/trustedPublishers';
import { mergePolicies } from './policy';
import { describeAction, describeImage, imageName } from './provenance';
import type { Rule, RuleContext, RuleResult, RuleSet } from './rule';
import { suppressedFor } from './suppressions';
import type { ActionReference, Finding, ParsedImage, Reference } from './types';
import { lineSpanAt, type ParsedYaml, parseYaml } from './yamlSource';

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
      : [ref.text, `${ref.owner}/${ref.repo}`];
  return policy.ignore.some((p) => names.some((n) => globMatches(p, n)));
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

function analyzeParsed(rules: RuleSet, text: string, parsed: ParsedYaml, options: AnalyzeOptions): Analysis {
  const policy = options.policy ?? mergePolicies();
  const model = extract(
    parsed,
    options.path,
    policy.imageInputs.map((i) => ({ action: i.action.toLowerCase(), input: i.input, optionsInput: i.optionsInput })),
  );
  const findings: Finding[] = [];
  const provenance: ProvenanceByReference = { images: new Map(), actions: new Map() };

  const report = (rule: Rule, result: RuleResult | undefined, ref: Reference, ctx: RuleContext): void => {
    const setting = policy.rules[rule.id];
    if (!result || suppressedFor(text, ref).includes(rule.id)) return;
    const finding: Finding = {
      rule: rule.id,
      severity: setting === undefined || setting === 'off' ? rule.defaultSeverity : setting,
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
    finding.fixes = buildFixes(text, model, finding, result.fixes ?? [], {
      provenance: ctx.provenance,
      resolvedImage: ctx.resolvedImage,
      resolvedAction: ctx.resolvedAction,
    });
    findings.push(finding);
  };
  const enabled = <R extends Rule>(list: readonly R[]): R[] => list.filter((rule) => policy.rules[rule.id] !== 'off');
  const imageRules = enabled(rules.images);
  const actionRules = enabled(rules.actions);

  for (const ref of model.images) {
    // Ignored references are still described: the hover tells what they are.
    const prov = describeImage(ref, options, policy);
    provenance.images.set(ref, prov);
    if (ignoredByPolicy(ref, policy)) continue;
    // Facts come from the network or a cache file: a malformed one counts as none.
    const candidate = ref.parsed ? options.resolved?.images.get(resolvedImageKey(ref.parsed)) : undefined;
    const resolvedImage = isResolvedImage(candidate) ? candidate : undefined;
    const ctx: RuleContext = {
      options,
      policy,
      provenance: ref.parsed ? prov : undefined,
      resolvedImage,
      resolvedAction: undefined,
    };
    for (const rule of imageRules) report(rule, rule.check(ref, ctx), ref, ctx);
  }
  for (const ref of model.actions) {
    provenance.actions.set(ref, describeAction(ref, { ...options, policy }));
    if (ignoredByPolicy(ref, policy)) continue;
    const candidate = options.resolved?.actions.get(resolvedActionKey(ref));
    const resolvedAction = isResolvedAction(candidate) ? candidate : undefined;
    const ctx: RuleContext = { options, policy, provenance: undefined, resolvedImage: undefined, resolvedAction };
    for (const rule of actionRules) report(rule, rule.check(ref, ctx), ref, ctx);
  }
  findings.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.rule.localeCompare(b.rule));
  return {
    kind: model.kind,
    images: model.images,
    actions: model.actions,
    findings,
    syntaxErrors: parsed.errors,
    notChecked: [...parsed.notChecked, ...model.notChecked],
    provenance,
  };
}
