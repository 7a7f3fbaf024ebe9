// The shared corpus of real workflows (read in place, never copied) and checks that every range the
// engine reports lies inside its document.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Analysis, Span } from '../../../server/src/engine';
import { corpusSkipped, projectRootAbove, sharedCorpusDir } from '../../../scripts/sharedCorpus.mjs';

const found = sharedCorpusDir(__dirname);
// Said once per test file, so a run on a fresh clone shows why the corpus tests did not run.
if (!found) console.log(corpusSkipped);

/** `../shared/corpus` beside the repository root (where it would be, when absent). */
export const corpusDir = found ?? join(projectRootAbove(__dirname), '..', 'shared', 'corpus');
/** The skip reason of a test that needs the corpus, or false when it is there. */
export const corpusAbsent: string | false = found ? false : corpusSkipped;
export const loongArchWorkflow = join(corpusDir, 'astral-sh__uv/build-binaries.at-2fd9e53b.yml');

export interface CorpusFile {
  /** Path below the corpus folder, e.g. `astral-sh__uv/test-system.yml`. */
  name: string;
  path: string;
  text: string;
}

/** Every `.yml`/`.yaml` file below `dir`, at any depth. */
export function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/** Every `.yml`/`.yaml` file of the corpus in a stable order, or undefined when the folder is absent. */
export function corpusFiles(): CorpusFile[] | undefined {
  if (!found) return undefined;
  return yamlFilesUnder(corpusDir)
    .sort()
    .map((path) => ({ name: relative(corpusDir, path), path, text: readFileSync(path, 'utf8') }));
}

function spanProblem(what: string, span: Span, length: number): string | undefined {
  const ok =
    Number.isInteger(span.start) &&
    Number.isInteger(span.end) &&
    span.start >= 0 &&
    span.start <= span.end &&
    span.end <= length;
  return ok ? undefined : `${what} [${span.start}, ${span.end}) outside [0, ${length}]`;
}

/**
 * Every range in an analysis that does not lie inside a document of `length` UTF-16 units: findings,
 * related locations, fix edits (which must not overlap within one fix), references and syntax errors.
 */
export function rangeProblems(analysis: Analysis, length: number): string[] {
  const problems: (string | undefined)[] = [];
  for (const f of analysis.findings) {
    problems.push(spanProblem(`${f.rule} finding`, f.span, length));
    for (const r of f.related ?? []) problems.push(spanProblem(`${f.rule} related location`, r.span, length));
    for (const fix of f.fixes) {
      const edits = [...fix.edits].sort((a, b) => a.start - b.start);
      edits.forEach((e, i) => {
        problems.push(spanProblem(`${f.rule} ${fix.kind} edit`, e, length));
        if (i > 0 && edits[i - 1].end > e.start) problems.push(`${f.rule} ${fix.kind} edits overlap at ${e.start}`);
      });
    }
  }
  for (const image of analysis.images) {
    problems.push(spanProblem(`image ${image.text.slice(0, 40)}`, image.span, length));
    for (const v of image.via ?? []) problems.push(spanProblem('image via', v.span, length));
  }
  for (const action of analysis.actions) {
    problems.push(spanProblem(`action ${action.text.slice(0, 40)}`, action.span, length));
    problems.push(spanProblem(`action ref ${action.text.slice(0, 40)}`, action.refSpan, length));
  }
  for (const e of analysis.syntaxErrors) problems.push(spanProblem(`syntax error "${e.message}"`, e.span, length));
  return problems.filter((p): p is string => p !== undefined);
}
