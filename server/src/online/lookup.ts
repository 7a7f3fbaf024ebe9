// Looks up, in one batch, everything a set of analyses refers to: the faces call this, then
// analyse again with the facts (offline findings first, enriched when the look-ups finish).
import type { Analysis } from '../engine/api';
import type { ParsedImage } from '../engine/types';
import { type ActionLookup, type OnlineResolver, type ResolvedAll } from './resolver';

export function referencesOf(analyses: Analysis[]): { images: ParsedImage[]; actions: ActionLookup[] } {
  const images: ParsedImage[] = [];
  const actions: ActionLookup[] = [];
  for (const a of analyses) {
    for (const i of a.images) if (i.parsed) images.push(i.parsed);
    for (const r of a.actions)
      if (r.ref) actions.push({ owner: r.owner, repo: r.repo, ref: r.ref, commentVersion: r.commentVersion });
  }
  return { images, actions };
}

export function lookUp(resolver: OnlineResolver, analyses: Analysis[]): Promise<ResolvedAll> {
  const { images, actions } = referencesOf(analyses);
  return resolver.resolveAll(images, actions);
}

/** One line about what could not be looked up, grouped by cause. */
export function describeErrors(facts: ResolvedAll): string | undefined {
  if (facts.errors.size === 0) return undefined;
  const byCode = new Map<string, string[]>();
  for (const [key, e] of facts.errors) byCode.set(e.code, [...(byCode.get(e.code) ?? []), key]);
  const parts = [...byCode].map(
    ([code, keys]) => `${code}: ${keys.length} (${keys.slice(0, 2).join(', ')}${keys.length > 2 ? ', …' : ''})`,
  );
  return `${facts.errors.size} look-up(s) failed, cached facts used where there were any; ${parts.join('; ')}`;
}
