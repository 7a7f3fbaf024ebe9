// The shape every rule shares. A rule reads facts about one reference and says what is wrong;
// it never parses YAML, touches the network, or computes edits.
import type { AnalyzeOptions, ImageProvenance, ResolvedAction, ResolvedImage, TrustPolicy } from '../engine/api';
import type { ActionReference, FixKind, ImageReference, Severity } from '../engine/types';

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

export type Rule = ImageRule | ActionRule;

export const stopTestingFixes: FixKind[] = ['remove-matrix-entry', 'skip-step', 'remove-step', 'remove-job'];

export function platformList(platforms: readonly string[] | undefined): string {
  return platforms && platforms.length ? platforms.join(', ') : 'none known';
}
