// The trust policy: built-in defaults, the repository's config file, and editor settings merged.
import { isMap, isScalar, isSeq } from 'yaml';
import type { ImageInputRule, ProvenanceRequirement, RuleSetting, SyntaxProblem, TrustPolicy } from './api';
import { allRules } from '../rules';
import type { TextEdit } from './types';
import { mapEntries, mapValue, nodeSpan, parseYaml, scalarText, seqItems, type YamlNode } from './yamlSource';

/** Where the config file may live, relative to the repository root, in the order they are tried. */
export const policyFileNames = ['.github/workflow-provenance.yml', '.github/workflow-provenance.yaml', 'workflow-provenance.yml', 'workflow-provenance.yaml'];

const settings: readonly RuleSetting[] = ['error', 'warning', 'info', 'off'];
const severityAliases: Record<string, RuleSetting> = { information: 'info', warn: 'warning', none: 'off', false: 'off', note: 'info' };

export function defaultPolicy(): TrustPolicy {
  return { trustedImages: [], trustedActions: [], rules: {}, ignore: [], imageInputs: [], requireProvenance: [] };
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
    out.requireProvenance = out.requireProvenance.concat(p.requireProvenance ?? []);
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

const ruleIds = () => new Set(allRules.map((r) => r.id));

/** Reads a config file. Never throws; every mistake comes back with its place in the file. */
export function parsePolicyFile(text: string, _path: string): { policy: Partial<TrustPolicy>; problems: SyntaxProblem[] } {
  const parsed = parseYaml(text);
  const problems: SyntaxProblem[] = [...parsed.errors];
  const policy: Partial<TrustPolicy> = {};
  const root = parsed.doc.contents as YamlNode | null;
  if (root === null || (isScalar(root) && root.value === null)) return { policy, problems };
  if (!isMap(root)) {
    problems.push({ span: nodeSpan(root), message: 'the config file must be a mapping with keys trusted-images, trusted-actions, rules, ignore' });
    return { policy, problems };
  }
  const stringList = (node: YamlNode | null, key: string): string[] => {
    if (node === null || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) {
      problems.push({ span: node ? nodeSpan(node) : { start: 0, end: 0 }, message: `${key} must be a list of patterns` });
      return [];
    }
    const out: string[] = [];
    for (const item of seqItems(parsed.doc, node)) {
      const s = scalarText(item);
      if (s === undefined || s.trim() === '') problems.push({ span: nodeSpan(item), message: `${key}: each entry must be a non-empty string pattern` });
      else out.push(s.trim());
    }
    return out;
  };
  const known = ruleIds();
  for (const e of mapEntries(parsed.doc, root)) {
    switch (e.key) {
      case 'trusted-images':
      case 'trusted_images':
        policy.trustedImages = stringList(e.value, e.key);
        break;
      case 'trusted-actions':
      case 'trusted_actions':
        policy.trustedActions = stringList(e.value, e.key);
        break;
      case 'ignore':
        policy.ignore = stringList(e.value, e.key);
        break;
      case 'image-inputs':
      case 'image_inputs': {
        const rules: ImageInputRule[] = [];
        if (e.value !== null && !(isScalar(e.value) && e.value.value === null) && !isSeq(e.value)) {
          problems.push({ span: nodeSpan(e.value), message: 'image-inputs must be a list of {action: owner/repo, input: name}' });
        }
        for (const item of seqItems(parsed.doc, e.value)) {
          const action = scalarText(mapValue(parsed.doc, item, 'action'))?.trim();
          const input = scalarText(mapValue(parsed.doc, item, 'input'))?.trim();
          const platformInput = scalarText(mapValue(parsed.doc, item, 'platform-input'))?.trim();
          if (!action || !/^[\w.-]+\/[\w.-]+$/.test(action) || !input) {
            problems.push({ span: nodeSpan(item), message: 'image-inputs: each entry needs action (owner/repo) and input' });
            continue;
          }
          rules.push(platformInput ? { action, input, platformInput } : { action, input });
        }
        policy.imageInputs = rules;
        break;
      }
      case 'require-provenance':
      case 'require_provenance': {
        const entries: ProvenanceRequirement[] = [];
        if (e.value !== null && !(isScalar(e.value) && e.value.value === null) && !isSeq(e.value)) {
          problems.push({ span: nodeSpan(e.value), message: 'require-provenance must be a list of {image, issuer, subject, repository}' });
        }
        for (const item of seqItems(parsed.doc, e.value)) {
          const field = (key: string) => scalarText(mapValue(parsed.doc, item, key))?.trim() || undefined;
          const image = field('image');
          if (!isMap(item) || !image) {
            problems.push({ span: nodeSpan(item), message: 'require-provenance: each entry needs image (a pattern such as ghcr.io/my-org/*)' });
            continue;
          }
          const known = new Set(['image', 'issuer', 'subject', 'repository']);
          for (const k of mapEntries(parsed.doc, item)) {
            if (!known.has(k.key)) problems.push({ span: nodeSpan(k.keyNode), message: `require-provenance: unknown key '${k.key}' (expected image, issuer, subject, repository)` });
          }
          const entry: ProvenanceRequirement = { image };
          const issuer = field('issuer');
          const subject = field('subject');
          const repository = field('repository');
          if (issuer) entry.issuer = issuer;
          if (subject) entry.subject = subject;
          if (repository) entry.repository = repository;
          entries.push(entry);
        }
        policy.requireProvenance = entries;
        break;
      }
      case 'rules': {
        const rules: Record<string, RuleSetting> = {};
        if (e.value !== null && !(isScalar(e.value) && e.value.value === null) && !isMap(e.value)) {
          problems.push({ span: nodeSpan(e.value), message: 'rules must map rule ids to error, warning, info or off' });
        }
        for (const r of mapEntries(parsed.doc, e.value)) {
          if (!known.has(r.key)) {
            problems.push({ span: nodeSpan(r.keyNode), message: `unknown rule '${r.key}' (known: ${[...known].join(', ')})` });
            continue;
          }
          const setting = normalizeSetting(isScalar(r.value) ? r.value.value : undefined);
          if (!setting) {
            problems.push({ span: r.value ? nodeSpan(r.value) : nodeSpan(r.keyNode), message: `rule '${r.key}': severity must be error, warning, info or off` });
            continue;
          }
          rules[r.key] = setting;
        }
        policy.rules = rules;
        break;
      }
      default:
        problems.push({ span: nodeSpan(e.keyNode), message: `unknown key '${e.key}' (expected trusted-images, trusted-actions, rules, ignore, image-inputs, require-provenance)` });
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
  const entry = mapEntries(parsed.doc, root).find((e) => e.key === 'trusted-images' || e.key === 'trusted_images');
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
    let end = text.indexOf('\n', nodeSpan(last).end - 1);
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
