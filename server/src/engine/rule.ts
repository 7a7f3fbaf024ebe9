// The contract between the engine and its rules. Rules (server/src/rules/) implement it and depend on
// the engine; the engine never imports a rule: its pipeline receives the rule list from the front door.
import type { AnalyzeOptions, ImageProvenance, ResolvedAction, ResolvedImage, TrustPolicy } from './api';
import type { FollowedUse } from './follow';
import type { ActionReference, FixKind, ImageReference, RelatedLocation, Severity } from './types';

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
  /** Places the finding points at besides its own (for a followed `uses:`, each hop of the chain). */
  related?: RelatedLocation[];
}

export type Precision = 'very-high' | 'high' | 'medium' | 'low';

interface RuleMetaBase {
  id: string;
  defaultSeverity: Severity;
  /**
   * 0.0 to 10.0, for code scanning's alert severity (GitHub reads 9+ as critical, 7+ high, 4+ medium,
   * above 0 low): how much a supply-chain attacker gains from what the rule finds.
   */
  securitySeverity: number;
  /** How often a finding is right (SARIF's `precision`: code scanning ranks alerts by it). */
  precision: Precision;
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

/** Judges a `uses:` by what it runs, followed into the files it names (see follow.ts). */
export interface UsesRule extends RuleMetaBase {
  target: 'uses';
  check(use: FollowedUse, ctx: RuleContext): RuleResult | undefined;
}

export type Rule = ImageRule | ActionRule | UsesRule;

/** The rules a pipeline runs, split by what they judge, each list in reporting order. */
export interface RuleSet {
  images: readonly ImageRule[];
  actions: readonly ActionRule[];
  uses: readonly UsesRule[];
}
