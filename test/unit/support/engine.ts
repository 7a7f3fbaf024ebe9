// Shared helpers for engine tests: load once, analyse small fixtures, find things by line.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import {
  type AnalyzeOptions,
  analyze,
  applyEdits,
  type Finding,
  LineIndex,
  loadEngine,
  mergePolicies,
  type TrustPolicy,
} from '../../../server/src/engine';
import { parseImageReference } from '../../../server/src/engine/imageReference';
import type { ParsedImage } from '../../../server/src/engine/types';
import { collectFollowedFiles } from '../../../server/src/workspace/followFiles';

let loaded: Promise<void> | undefined;
export function ready(): Promise<void> {
  loaded ??= loadEngine(__dirname);
  return loaded;
}

/**
 * Analyses `text`; with `files` (the repository's other files by path), every `uses:` is followed
 * into them, a remote one being "offline".
 */
export function check(
  text: string,
  options: AnalyzeOptions & { policyParts?: Partial<TrustPolicy>; files?: Record<string, string> } = {},
) {
  const { files, policyParts, ...rest } = options;
  const policy = options.policy ?? mergePolicies(policyParts);
  const base = { path: '.github/workflows/ci.yml', ...rest, policy };
  if (!files) return analyze(text, base);
  const { follow } = collectFollowedFiles(
    text,
    { ...base, follow: { files: new Map(), path: base.path } },
    {
      local: (path) => (path in files ? { kind: 'found', text: files[path] } : { kind: 'missing' }),
      remote: () => ({ kind: 'failed', reason: 'offline' }),
    },
  );
  return analyze(text, { ...base, follow });
}

/** Lines are 1-based, as a person reads them. */
export function lineOf(text: string, offset: number): number {
  return new LineIndex(text).positionAt(offset).line + 1;
}

export function rulesAt(text: string, findings: Finding[], line: number): string[] {
  return findings
    .filter((f) => lineOf(text, f.span.start) === line)
    .map((f) => f.rule)
    .sort();
}

export function only(findings: Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

export function spanText(text: string, span: { start: number; end: number }): string {
  return text.slice(span.start, span.end);
}

export function applyFix(text: string, finding: Finding, kind: string): string {
  const fix = finding.fixes.find((f) => f.kind === kind);
  if (!fix) throw new Error(`no ${kind} fix on ${finding.rule} (have: ${finding.fixes.map((f) => f.kind).join(', ')})`);
  return applyEdits(text, fix.edits);
}

/** A test's image reference, parsed; one that does not parse is a mistake in the test. */
export function parsedImage(text: string): ParsedImage {
  const result = parseImageReference(text);
  if (!result.ok) throw new Error(`test reference ${text} does not parse: ${result.error}`);
  return result.image;
}

/** Joins lines with LF; keeps fixtures readable in tests. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** A workflow of one job `a` on ubuntu-latest whose `steps:` are the given lines. */
export function oneJob(...steps: string[]): string {
  return yaml('on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', ...steps);
}

/** A workflow of one job `a` running in `container` (job-level `extra` lines after it) with one `run:` step. */
export function containerJob(container: string, extra: string[] = []): string {
  return yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    `    container: ${container}`,
    ...extra,
    '    steps:',
    '      - run: echo hi',
  );
}

/** The project's root: the nearest folder above the running bundle that holds package.json. */
export function projectRoot(): string {
  let d = __dirname;
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
}

/**
 * Parses fixed text: no YAML error (an alias to a deleted anchor is one, as on GitHub), and its plain
 * value, aliases resolved, for comparing what changed.
 */
export function reparses(text: string): Record<string, unknown> {
  const doc = parseDocument(text);
  assert.deepEqual(
    doc.errors.map((e) => e.message),
    [],
  );
  return doc.toJS() as Record<string, unknown>;
}
