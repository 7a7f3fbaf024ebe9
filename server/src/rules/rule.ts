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

export const stopTestingFixes: FixKind[] = ['remove-matrix-entry', 'skip-step', 'remove-step', 'remove-job'];

export function platformList(platforms: readonly string[] | undefined): string {
  return platforms && platforms.length ? platforms.join(', ') : 'none known';
}
