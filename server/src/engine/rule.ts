// The contract between the engine and its rules. Rules (server/src/rules/) implement it and depend on
// the engine; the engine never imports a rule: its pipeline receives the rule list from the front door.
import type { AnalyzeOptions, ImageProvenance, ResolvedAction, ResolvedImage, TrustPolicy } from './api';
import type { ActionReference, FixKind, ImageReference, Severity } from './types';

export interface RuleContext {
  options: AnalyzeOptions;
  policy: TrustPolicy;
  provenance: ImageProvenance | undefined;
  resolvedImage: ResolvedImage | undefined;
  resolvedAction: ResolvedAction | undefined;
}

export interface RuleResult {
  message: string;
  /** Fixes worth offering for this finding, most recommended first. */
  fixes?: FixKind[];
}

interface RuleMetaBase {
  id: string;
  defaultSeverity: Severity;
  summary: string;
  /** Path of the rule's page, relative to the project root. */
  docPath: string;
  /** Needs facts learned online. */
  online?: boolean;
}

export interface ImageRule extends RuleMetaBase {
  target: 'image';
  check(ref: ImageReference, ctx: RuleContext): RuleResult | undefined;
}

export interface ActionRule extends RuleMetaBase {
  target: 'action';
  check(ref: ActionReference, ctx: RuleContext): RuleResult | undefined;
}

export type Rule = ImageRule | ActionRule;

/** The rules a pipeline runs, split by what they judge, each list in reporting order. */
export interface RuleSet {
  images: readonly ImageRule[];
  actions: readonly ActionRule[];
}
