// The pipeline: parse → extract references → judge with rules → suppress → fixes.
import type { Analysis, AnalyzeOptions, ImageProvenance, TrustPolicy } from './api';
import { extract } from './extract';
import { isResolvedAction, isResolvedImage } from './factShapes';
import { buildFixes, suppressedFor } from './fixes';
import { globMatches } from './knowledge/trustedPublishers';
import { mergePolicies } from './policy';
import { describeImage, imageName } from './provenance';
import { actionRules, imageRules } from '../rules';
import type { RuleContext } from '../rules/rule';
import type { ActionReference, Finding, ImageReference, ParsedImage, Reference } from './types';
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
  const names = ref.kind === 'image' ? [ref.text, ...(ref.parsed ? [imageName(ref.parsed), ref.parsed.canonical] : [])] : [ref.text, `${ref.owner}/${ref.repo}`];
  return policy.ignore.some((p) => names.some((n) => globMatches(p, n)));
}

/**
 * Never throws: a failure inside the engine becomes a `notChecked` entry for this file, so one
 * hostile file cannot stop the checking of others.
 */
export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  try {
    return analyzeParsed(text, parseYaml(text), options);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return {
      kind: 'unknown',
      images: [],
      actions: [],
      findings: [],
      syntaxErrors: [],
      notChecked: [{ span: lineSpanAt(text, 0), message: `internal error, the file was not checked: ${reason.slice(0, 200)}` }],
    };
  }
}

function analyzeParsed(text: string, parsed: ParsedYaml, options: AnalyzeOptions): Analysis {
  const policy = options.policy ?? mergePolicies();
  const model = extract(
    parsed,
    options.path,
    policy.imageInputs.map((i) => ({ action: i.action.toLowerCase(), input: i.input, optionsInput: i.platformInput })),
  );
  const findings: Finding[] = [];

  const judge = (ref: Reference, prov: ImageProvenance | undefined, ctx: RuleContext) => {
    const rules = ref.kind === 'image' ? imageRules : actionRules;
    for (const rule of rules) {
      const setting = policy.rules[rule.id];
      if (setting === 'off') continue;
      const result = ref.kind === 'image' ? (rule as (typeof imageRules)[number]).check(ref as ImageReference, ctx) : (rule as (typeof actionRules)[number]).check(ref as ActionReference, ctx);
      if (!result) continue;
      if (suppressedFor(text, ref).includes(rule.id)) continue;
      const finding: Finding = {
        rule: rule.id,
        severity: setting ?? rule.defaultSeverity,
        message: result.message,
        span: ref.span,
        reference: ref,
        fixes: [],
      };
      if (ref.kind === 'image' && ref.via) {
        finding.related = ref.via.map((v) => ({ span: v.span, message: `the value reaches the job through ${v.expression}` }));
      }
      finding.fixes = buildFixes(text, model, finding, result.fixes ?? [], { provenance: prov, resolvedImage: ctx.resolvedImage, resolvedAction: ctx.resolvedAction });
      findings.push(finding);
    }
  };

  for (const ref of model.images) {
    if (ignoredByPolicy(ref, policy)) continue;
    const prov = ref.parsed ? describeImage(ref, options, policy) : undefined;
    // Facts come from the network or a cache file: a malformed one counts as none.
    const candidate = ref.parsed ? options.resolved?.images.get(resolvedImageKey(ref.parsed)) : undefined;
    const resolvedImage = isResolvedImage(candidate) ? candidate : undefined;
    judge(ref, prov, { options, policy, provenance: prov, resolvedImage, resolvedAction: undefined });
  }
  for (const ref of model.actions) {
    if (ignoredByPolicy(ref, policy)) continue;
    const candidate = options.resolved?.actions.get(resolvedActionKey(ref));
    const resolvedAction = isResolvedAction(candidate) ? candidate : undefined;
    judge(ref, undefined, { options, policy, provenance: undefined, resolvedImage: undefined, resolvedAction });
  }
  findings.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.rule.localeCompare(b.rule));
  return { kind: model.kind, images: model.images, actions: model.actions, findings, syntaxErrors: parsed.errors, notChecked: [...parsed.notChecked, ...model.notChecked] };
}
