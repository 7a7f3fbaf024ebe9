// The trust policy: built-in defaults, the repository's config file, and editor settings merged.
import { isSeq } from 'yaml';
import type { RuleSetting, SyntaxProblem, TrustPolicy } from './api';
import { checkAgainstSchema, type PolicyValue } from './policySchema';
import type { TextEdit } from './types';
import { mapEntries, nodeSpan, parseYaml, scalarText, seqItems, type YamlNode } from './yamlSource';

/** Where the config file may live, relative to the repository root, in the order they are tried. */
export const policyFileNames = ['.github/workflow-provenance.yml', '.github/workflow-provenance.yaml', 'workflow-provenance.yml', 'workflow-provenance.yaml'];

const settings: readonly RuleSetting[] = ['error', 'warning', 'info', 'off'];
const severityAliases: Record<string, RuleSetting> = { information: 'info', warn: 'warning', none: 'off', false: 'off', note: 'info' };

export function defaultPolicy(): TrustPolicy {
  return { trustedImages: [], trustedActions: [], rules: {}, ignore: [], imageInputs: [], ownerAliases: [] };
}

export function mergePolicies(...parts: Array<Partial<TrustPolicy> | undefined>): TrustPolicy {
  const out = defaultPolicy();
  for (const p of parts) {
    if (!p) continue;
    // concat, not push(...list): a list of 200,000 patterns would overflow the call stack.
    out.trustedImages = out.trustedImages.concat(p.trustedImages ?? []);
    out.trustedActions = out.trustedActions.concat(p.trustedActions ?? []);
    out.ignore = out.ignore.concat(p.ignore ?? []);
    out.imageInputs = out.imageInputs.concat(p.imageInputs ?? []);
    out.ownerAliases = out.ownerAliases.concat(p.ownerAliases ?? []);
    Object.assign(out.rules, p.rules ?? {});
  }
  return out;
}

export function normalizeSetting(value: unknown): RuleSetting | undefined {
  if (typeof value === 'boolean') return value ? undefined : 'off';
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  return (settings as readonly string[]).includes(v) ? (v as RuleSetting) : severityAliases[v];
}

/** Reads a config file. Never throws; every mistake comes back with its place in the file. */
export function parsePolicyFile(text: string, _path: string): { policy: Partial<TrustPolicy>; problems: SyntaxProblem[] } {
  const parsed = parseYaml(text);
  const problems: SyntaxProblem[] = [...parsed.errors, ...parsed.notChecked];
  // The schema decides what is valid (one definition for editors, the CLI and the language server);
  // what is left after its check is already the right shape.
  const value = checkAgainstSchema(parsed.doc, parsed.doc.contents as YamlNode | null, problems);
  const policy: Partial<TrustPolicy> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { policy, problems };
  const strings = (v: PolicyValue | undefined) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((x) => x.trim()) : []);
  if ('trusted-images' in value) policy.trustedImages = strings(value['trusted-images']);
  if ('trusted-actions' in value) policy.trustedActions = strings(value['trusted-actions']);
  if ('ignore' in value) policy.ignore = strings(value.ignore);
  if ('owner-aliases' in value) policy.ownerAliases = strings(value['owner-aliases']);
  const rules = value.rules;
  if (rules !== undefined) {
    policy.rules = {};
    if (typeof rules === 'object' && rules !== null && !Array.isArray(rules)) {
      for (const [id, setting] of Object.entries(rules)) {
        const s = normalizeSetting(setting);
        if (s) policy.rules[id] = s;
      }
    }
  }
  const inputs = value['image-inputs'];
  if (inputs !== undefined) {
    policy.imageInputs = [];
    for (const item of Array.isArray(inputs) ? inputs : []) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
      const { action, input, 'platform-input': platformInput } = item;
      if (typeof action !== 'string' || typeof input !== 'string') continue;
      policy.imageInputs.push(typeof platformInput === 'string' ? { action, input: input.trim(), platformInput: platformInput.trim() } : { action, input: input.trim() });
    }
  }
  return { policy, problems };
}

function yamlString(s: string): string {
  return /^[\w./*@:-]+$/.test(s) && !s.startsWith('*') ? s : JSON.stringify(s);
}

/** Text edits that add `pattern` to `trusted-images` (creating the key, or the file's text, as needed). */
export function addTrustedImageEdits(configText: string | undefined, pattern: string): TextEdit[] {
  const item = yamlString(pattern);
  const text = configText ?? '';
  if (text.trim() === '') return [{ start: 0, end: text.length, newText: `# Workflow Provenance policy\ntrusted-images:\n  - ${item}\n` }];
  const parsed = parseYaml(text);
  const root = parsed.doc.contents as YamlNode | null;
  const entry = mapEntries(parsed.doc, root).find((e) => e.key === 'trusted-images');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (!entry) {
    const sep = text.endsWith('\n') ? '' : eol;
    return [{ start: text.length, end: text.length, newText: `${sep}trusted-images:${eol}  - ${item}${eol}` }];
  }
  const value = entry.value;
  if (isSeq(value) && value.flow) {
    const span = nodeSpan(value);
    const close = text.lastIndexOf(']', span.end);
    const empty = seqItems(parsed.doc, value).length === 0;
    return [{ start: close, end: close, newText: empty ? item : `, ${item}` }];
  }
  if (isSeq(value)) {
    const items = seqItems(parsed.doc, value);
    const last = items[items.length - 1];
    const first = items[0];
    const lineStart = text.lastIndexOf('\n', nodeSpan(first).start - 1) + 1;
    const indent = text.slice(lineStart, nodeSpan(first).start).replace(/-\s*$/, '');
    const end = text.indexOf('\n', nodeSpan(last).end - 1);
    if (end < 0) return [{ start: text.length, end: text.length, newText: `${eol}${indent}- ${item}` }];
    return [{ start: end + 1, end: end + 1, newText: `${indent}- ${item}${eol}` }];
  }
  // `trusted-images:` with no list (or a scalar): replace the value with a one-item list.
  const keyEnd = nodeSpan(entry.keyNode).end;
  const colon = text.indexOf(':', keyEnd);
  const valueEnd = value ? nodeSpan(value).end : colon + 1;
  const existing = scalarText(value);
  const items = existing && existing.trim() ? [yamlString(existing.trim()), item] : [item];
  return [{ start: colon + 1, end: valueEnd, newText: `${eol}${items.map((i) => `  - ${i}`).join(eol)}` }];
}
