// The engine's front door: everything the faces (CLI, language server, tests) may use.
import { allRules } from '../rules';
import type { Precision } from '../rules/rule';
import type { Severity } from './types';
import { loadShellParser } from './shellImages';

export { analyze, resolvedActionKey, resolvedImageKey } from './analyze';
export { applyEdits } from './fixes';
export { LineIndex } from './lineIndex';
export { addTrustedImageEdits, defaultPolicy, mergePolicies, parsePolicyFile, policyFileNames } from './policy';
export { describeAction, describeImage, trustPatternFor } from './provenance';
export { parseImageReference } from './imageReference';
export type * from './api';
export type * from './types';

/** Loads the shell parser (wasm next to the bundle). Call once before `analyze`. */
export async function loadEngine(wasmDir?: string): Promise<void> {
  await loadShellParser(wasmDir);
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
