// The policy file is checked against its JSON schema (schemas/workflow-provenance.schema.json, the
// same file editors use through YAML language support), walking the YAML nodes so every mistake
// keeps its place in the file. Only the keywords below are understood; a test keeps the schema to them.
import { isMap, isScalar, isSeq } from 'yaml';
import type { Document } from 'yaml';
import type { SyntaxProblem } from './api';
import schemaJson from '../../../schemas/workflow-provenance.schema.json';
import { mapEntries, nodeSpan, seqItems, type YamlNode } from './yamlSource';

type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

export interface SchemaNode {
  $ref?: string;
  type?: JsonType | JsonType[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean;
  required?: string[];
  items?: SchemaNode;
  enum?: Array<string | number | boolean | null>;
  pattern?: string;
  description?: string;
  definitions?: Record<string, SchemaNode>;
}

/** Keywords that constrain values, all of which `check` applies. Anything else must be an annotation. */
export const understoodKeywords = ['$ref', 'type', 'properties', 'additionalProperties', 'required', 'items', 'enum', 'pattern', 'definitions'];
export const annotationKeywords = ['$schema', '$id', 'title', 'description', 'markdownDescription', 'examples', 'default'];

export const policySchema = schemaJson as SchemaNode;

/** A plain value built from the YAML, with every part that broke the schema left out. */
export type PolicyValue = string | number | boolean | null | PolicyValue[] | { [key: string]: PolicyValue };

const typeWords: Record<JsonType, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'empty',
};

function resolveRef(root: SchemaNode, node: SchemaNode): SchemaNode {
  if (!node.$ref) return node;
  const name = /^#\/definitions\/(.+)$/.exec(node.$ref)?.[1];
  const target = name ? root.definitions?.[name] : undefined;
  if (!target) throw new Error(`schema: unresolvable $ref ${node.$ref}`);
  return resolveRef(root, target);
}

function typeOf(node: YamlNode | null): JsonType {
  if (node === null) return 'null';
  if (isMap(node)) return 'object';
  if (isSeq(node)) return 'array';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return 'boolean';
    if (typeof v === 'number' || typeof v === 'bigint') return Number.isInteger(Number(v)) ? 'integer' : 'number';
    return 'string';
  }
  return 'null';
}

function typeMatches(actual: JsonType, allowed: JsonType[]): boolean {
  return allowed.includes(actual) || (actual === 'integer' && allowed.includes('number'));
}

/** Two edits apart or fewer: worth a "did you mean". */
function near(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length] <= 2;
}

const patterns = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) patterns.set(source, (re = new RegExp(source, 'u')));
  return re;
}

function label(path: string): string {
  return path === '' ? 'the policy' : path;
}

/**
 * Checks `node` against `schema`, reporting each mistake at its node, and returns the value with the
 * mistaken parts left out (a wrong list item drops that item, a wrong key drops that key), so the rest
 * of the policy still applies.
 */
export function checkAgainstSchema(doc: Document.Parsed, node: YamlNode | null, problems: SyntaxProblem[], schema: SchemaNode = policySchema): PolicyValue | undefined {
  const walk = (n: YamlNode | null, s: SchemaNode, path: string, at: YamlNode | null): PolicyValue | undefined => {
    const rule = resolveRef(schema, s);
    const where = n ?? at;
    const report = (message: string) => problems.push({ span: where ? nodeSpan(where) : { start: 0, end: 0 }, message });
    const actual = typeOf(n);
    if (rule.type) {
      const allowed = Array.isArray(rule.type) ? rule.type : [rule.type];
      if (!typeMatches(actual, allowed)) {
        report(`${label(path)} must be ${allowed.filter((t) => t !== 'null').map((t) => typeWords[t]).join(' or ')}`);
        return undefined;
      }
    }
    if (actual === 'object') {
      const out: Record<string, PolicyValue> = {};
      const known = Object.keys(rule.properties ?? {});
      for (const e of mapEntries(doc, n)) {
        const sub = rule.properties?.[e.key];
        const keyPath = path ? `${path}.${e.key}` : e.key;
        if (!sub) {
          if (rule.additionalProperties === false) {
            const guess = known.find((k) => near(e.key, k));
            const hint = guess ? `did you mean '${guess}'?` : `expected ${known.join(', ')}`;
            problems.push({ span: nodeSpan(e.keyNode), message: `unknown key '${e.key}'${path ? ` in ${path}` : ''} (${hint})` });
          }
          continue;
        }
        const v = walk(e.value, sub, keyPath, e.keyNode);
        if (v !== undefined) out[e.key] = v;
      }
      for (const key of rule.required ?? []) {
        if (!mapEntries(doc, n).some((e) => e.key === key)) report(`${label(path)}: '${key}' is required`);
      }
      if ((rule.required ?? []).some((k) => !(k in out))) return undefined;
      return out;
    }
    if (actual === 'array') {
      const out: PolicyValue[] = [];
      seqItems(doc, n).forEach((item, i) => {
        const v = rule.items ? walk(item, rule.items, `${path}[${i + 1}]`, item) : undefined;
        if (v !== undefined) out.push(v);
      });
      return out;
    }
    const value = isScalar(n) && n.value !== undefined ? (n.value as string | number | boolean | null) : null;
    if (rule.enum && !rule.enum.includes(value)) {
      const shown = typeof value === 'string' ? `'${value}'` : String(value);
      report(`${label(path)}: ${shown} is not one of ${rule.enum.join(', ')}`);
      return undefined;
    }
    if (rule.pattern !== undefined && typeof value === 'string' && !patternOf(rule.pattern).test(value)) {
      report(value.trim() === '' ? `${label(path)} must not be empty` : `${label(path)}: '${value}' is not ${rule.description ? rule.description.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase()) : `matching ${rule.pattern}`}`);
      return undefined;
    }
    return value;
  };
  return walk(node, schema, '', node);
}
