// Fixes are text edits computed from source spans; the document is never re-serialised, so
// comments, quoting and layout outside the edited part survive. This file picks the fixes of a
// finding; the edits themselves are made in textEdits.ts, removalFixes.ts, pinFixes.ts and
// suppressions.ts.
import type { ImageProvenance, ResolvedAction, ResolvedImage } from './api';
import type { DocumentModel } from './extract';
import { pinAction, pinDigest } from './pinFixes';
import { removeJob, removeMatrixEntry, removeStep, skipStep } from './removalFixes';
import { ignoreFix } from './suppressions';
import type { Finding, Fix, FixKind, ImageReference, TextEdit } from './types';

function switchOfficial(text: string, ref: ImageReference, prov: ImageProvenance | undefined): Fix | undefined {
  const image = ref.parsed;
  if (!image || !ref.editable || !prov?.officialAlternative || prov.officialSupportsPlatform === false)
    return undefined;
  if (text.slice(ref.span.start, ref.span.end) !== ref.text) return undefined;
  const tagPart = ref.text.slice(image.nameEnd, image.digestStart);
  const newText = `${prov.officialAlternative}${tagPart}`;
  const platformNote = ref.platform ? `, which publishes ${ref.platform}` : '';
  return {
    title: `Switch to the official image ${newText}${platformNote}`,
    kind: 'switch-official',
    edits: [{ start: ref.span.start, end: ref.span.end, newText }],
  };
}

/**
 * One fix per finding (the one `pick` chooses), identical fixes once, and none that overlaps a fix
 * already taken: the edits of "fix all", "pin all" and `check --fix`, sorted, with how many fixes they hold.
 */
export function combineFixes(
  findings: readonly Finding[],
  pick: (finding: Finding) => Fix | undefined,
): { edits: TextEdit[]; count: number } {
  const accepted: TextEdit[] = [];
  const seen = new Set<string>();
  let count = 0;
  for (const finding of findings) {
    const fix = pick(finding);
    if (!fix || fix.edits.length === 0) continue;
    const key = JSON.stringify(fix.edits);
    if (seen.has(key)) continue;
    seen.add(key);
    const overlaps = fix.edits.some((e) =>
      accepted.some((a) => (e.start < a.end && a.start < e.end) || (e.start === e.end && e.start === a.start)),
    );
    if (overlaps) continue;
    accepted.push(...fix.edits);
    count++;
  }
  return { edits: accepted.sort((a, b) => a.start - b.start), count };
}

// Removing a job walks every other job's `needs:`; many findings share a job, so it is done once.
const fixMemo = new WeakMap<DocumentModel, Map<string, Fix | undefined>>();

function memoized(model: DocumentModel, key: string, make: () => Fix | undefined): Fix | undefined {
  let memo = fixMemo.get(model);
  if (!memo) fixMemo.set(model, (memo = new Map()));
  if (!memo.has(key)) memo.set(key, make());
  const fix = memo.get(key);
  // Each finding gets its own copy: `preferred` is set per finding.
  return fix && { ...fix, edits: [...fix.edits] };
}

export interface FixFacts {
  provenance?: ImageProvenance;
  resolvedImage?: ResolvedImage;
  resolvedAction?: ResolvedAction;
}

export function buildFixes(
  text: string,
  model: DocumentModel,
  finding: Finding,
  kinds: readonly FixKind[],
  facts: FixFacts,
): Fix[] {
  const prov = facts.provenance;
  const fixes: Fix[] = [];
  const ref = finding.reference;
  for (const kind of kinds) {
    let fix: Fix | undefined;
    switch (kind) {
      case 'switch-official':
        if (ref.kind === 'image') fix = switchOfficial(text, ref, prov);
        break;
      case 'remove-step':
        fix = removeStep(text, model, ref);
        break;
      case 'skip-step':
        if (ref.kind === 'image') fix = skipStep(text, model, ref);
        break;
      case 'remove-matrix-entry':
        if (ref.kind === 'image') fix = removeMatrixEntry(text, model, ref);
        break;
      case 'remove-job':
        fix = memoized(model, `remove-job:${ref.job}`, () => removeJob(text, model, ref));
        break;
      case 'ignore':
        fix = ignoreFix(text, finding);
        break;
      case 'pin-digest':
        if (ref.kind === 'image') fix = pinDigest(text, ref, facts.resolvedImage);
        break;
      case 'pin-action':
        if (ref.kind === 'action') fix = pinAction(text, ref, facts.resolvedAction);
        break;
    }
    if (fix) fixes.push(fix);
  }
  const preferred =
    fixes.find((f) => f.kind === 'pin-digest' || f.kind === 'pin-action' || f.kind === 'switch-official') ??
    fixes.find((f) => f.kind !== 'ignore');
  if (preferred) preferred.preferred = true;
  return fixes;
}
