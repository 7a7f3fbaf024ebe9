// What rules share beyond the engine's rule contract (engine/rule.ts): fix lists and message parts.
import type { FixKind } from '../engine/types';

export type { ActionRule, ImageRule, Precision, Rule, RuleContext, RuleResult, UsesRule } from '../engine/rule';

/** Fixes that stop the workflow running the image: drop its matrix entry, its step or its job. */
export const stopRunningImageFixes: FixKind[] = ['remove-matrix-entry', 'skip-step', 'remove-step', 'remove-job'];

export function platformList(platforms: readonly string[] | undefined): string {
  return platforms && platforms.length ? platforms.join(', ') : 'none known';
}
