// Where the specification cases live, shared by the rule tester and the catalogue test.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../unit/support/engine';

export const casesRoot = join(projectRoot(), 'test', 'rules');

/** The case names of one rule's folder (each a `.yml` with its `.json`). */
export function casesOf(rule: string): string[] {
  const dir = join(casesRoot, rule);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .map((n) => n.slice(0, -'.json'.length))
    .sort();
}
