// The engine's front door: everything the faces (CLI, language server, tests) may use. Here the rule
// catalogue is handed to the pipeline, so the engine's own modules never import a rule.
//
// Where engine vocabulary lives:
//   types.ts  what the engine reads out of a document: spans, references, findings, fixes, edits;
//   api.ts    what a face passes in and gets back: options, policy, facts learned online, the analysis;
//   rule.ts   the contract a rule implements;
//   index.ts  this file: functions and re-exports only, no types of its own but the rule catalogue's.
import type { Analysis, AnalyzeOptions } from './api';
import type { Precision } from './rule';
import { analyzeWithRules } from './analyze';
import { loadShellParser } from './shellImages';
import type { Severity } from './types';
import { allRules, ruleSet } from '../rules';

export { actionsLockPath, parseActionsLock } from './actionsLock';
export { resolvedActionKey, resolvedImageKey } from './analyze';
export { applyEdits } from './textEdits';
export { LineIndex, lineIndexOf } from './lineIndex';
export { addTrustedImageEdits, defaultPolicy, mergePolicies, parsePolicyFile, policyFileNames } from './policy';
export { describeAction, describeImage } from './provenance';
export { parseImageReference } from './imageReference';
export { mayNameImage as mayRunContainers } from './shellImages';
export type * from './api';
export type * from './types';

/** Loads the shell parser (wasm next to the bundle). Call once before `analyze`. */
export async function loadEngine(wasmDir?: string): Promise<void> {
  await loadShellParser(wasmDir);
}

/** Judges one document with every rule. */
export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  return analyzeWithRules(ruleSet, text, options);
}

export interface RuleMeta {
  id: string;
  defaultSeverity: Severity;
  summary: string;
  docPath: string;
  online: boolean;
  securitySeverity: number;
  precision: Precision;
}

export const ruleCatalog: RuleMeta[] = allRules.map((r) => ({
  id: r.id,
  defaultSeverity: r.defaultSeverity,
  summary: r.summary,
  docPath: r.docPath,
  online: r.online === true,
  securitySeverity: r.securitySeverity,
  precision: r.precision,
}));

/** Workflow files and action metadata: the files this engine reads. */
export function isAnalyzablePath(path: string): boolean {
  const p = path.replace(/\\/g, '/');
  return /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(p) || /(^|\/)action\.ya?ml$/.test(p);
}
