// Hover text for image and action references: what the reference is, who publishes it, and why the
// findings on it apply. Markdown kept compact for VS Code's hover widget.
import { isFullCommitSha, shortCommitSha } from '../engine/commitSha';
import { effectiveTag, shortDigest } from '../engine/imageReference';
import { resolvedActionKey, resolvedImageKey } from '../engine/analyze';
import type {
  ActionProvenance,
  Analysis,
  ImageProvenance,
  ResolvedAction,
  ResolvedFacts,
  ResolvedImage,
} from '../engine/api';
import type { ActionReference, Finding, ImageReference, LocalReference, Reference, Standing } from '../engine/types';
import { followTreeMarkdown } from './followHover';
import { provenanceMarkdown } from './provenanceHover';

export interface HoverTarget {
  /** The references under the cursor (several when a `${{ matrix.… }}` site feeds more than one image). */
  references: Reference[];
  /** The span the hover applies to. */
  start: number;
  end: number;
}

const within = (offset: number, span: { start: number; end: number }): boolean =>
  span.start <= offset && offset <= span.end;

/** The narrowest reference whose text (or matrix consumption site) covers `offset`. */
export function referencesAt(analysis: Analysis, offset: number): HoverTarget | undefined {
  let best: HoverTarget | undefined;
  const consider = (reference: Reference, span: { start: number; end: number }): void => {
    if (!within(offset, span)) return;
    const width = span.end - span.start;
    if (!best || width < best.end - best.start) best = { references: [reference], start: span.start, end: span.end };
    else if (width === best.end - best.start && best.start === span.start) best.references.push(reference);
  };
  for (const image of analysis.images) {
    consider(image, image.span);
    for (const site of image.via ?? []) consider(image, site.span);
  }
  for (const action of analysis.actions) consider(action, action.span);
  for (const local of analysis.locals) consider(local, local.span);
  if (best) best.references = dedupe(best.references);
  return best;
}

function dedupe(references: Reference[]): Reference[] {
  const seen = new Set<string>();
  return references.filter((r) => {
    const key = `${r.kind}:${r.text}:${r.span.start}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** How many matrix combinations one hover lists before summarising the rest. */
const maxReferencesShown = 4;

/** The hover for `target`: the analysis' own judgement, and what online look-ups (`resolved`) learned. */
export function hoverMarkdown(target: HoverTarget, analysis: Analysis, resolved: ResolvedFacts | undefined): string {
  const shown = target.references.slice(0, maxReferencesShown);
  const parts = shown.map((reference) => {
    const findings = analysis.findings.filter((f) => sameReference(f.reference, reference));
    if (reference.kind === 'image') {
      const provenance = analysis.provenance.images.get(reference);
      return imageMarkdown(reference, findings, provenance ?? { standing: 'unknown', reason: 'not judged' }, resolved);
    }
    const followed = analysis.followed.find((u) => u.reference === reference);
    const tree = followed ? `\n\n${followTreeMarkdown(followed.node)}` : '';
    if (reference.kind === 'local') return `${localMarkdown(reference, findings)}${tree}`;
    const provenance = analysis.provenance.actions.get(reference);
    return (
      actionMarkdown(
        reference,
        findings,
        provenance ?? { standing: 'unknown', pinned: false, reason: 'not judged' },
        resolved?.actions.get(resolvedActionKey(reference)),
      ) + tree
    );
  });
  const hidden = target.references.length - shown.length;
  if (hidden > 0) parts.push(`_…and ${hidden} more matrix ${hidden === 1 ? 'combination' : 'combinations'}._`);
  return parts.join('\n\n---\n\n');
}

function sameReference(a: Reference, b: Reference): boolean {
  return (
    a === b || (a.kind === b.kind && a.text === b.text && a.span.start === b.span.start && a.span.end === b.span.end)
  );
}

const standingLabels: Record<Standing, string> = {
  official: 'Official image',
  'verified-publisher': 'Vouched-for publisher',
  trusted: 'Trusted by policy',
  community: 'Community publisher',
  unknown: 'Unknown publisher',
};

/** A code span that survives backticks inside the text. */
export function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ' ' : ''}${text}${fence === '``' ? ' ' : ''}${fence}`;
}

/** Table cells may not contain raw pipes or line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

// The messages themselves are shown by the editor above the hover; here, which rules apply.
function findingList(findings: Finding[]): string {
  if (findings.length === 0) return '**Findings:** none';
  return `**Findings:** ${findings.map((f) => `${code(f.rule)} (${f.severity})`).join(' · ')}`;
}

function imageMarkdown(
  image: ImageReference,
  findings: Finding[],
  provenance: ImageProvenance,
  facts: ResolvedFacts | undefined,
): string {
  // The verdict first (VS Code shows the diagnostics above the hover and cuts long hovers at the bottom),
  // then where the value comes from, then the parts of the reference.
  const out: string[] = [];
  out.push(`**${standingLabels[provenance.standing]}** ${code(image.text)}  \n${provenance.reason}`);
  if (provenance.vouchedBy) out.push(vouchedMarkdown(provenance.vouchedBy));
  if (provenance.officialAlternative && provenance.standing !== 'official') {
    const platforms = provenance.officialPlatforms ?? [];
    const list = platforms.length > 0 ? ` (publishes ${platforms.map(shortPlatform).join(', ')})` : '';
    let line = `**Official alternative:** ${code(provenance.officialAlternative)}`;
    if (image.platform && provenance.officialSupportsPlatform === false)
      line += ` has no ${code(image.platform)}, so it cannot replace this image here${list}`;
    else if (image.platform && provenance.officialSupportsPlatform === true)
      line += ` publishes ${code(image.platform)}: switching to it is offered`;
    else line += `${list}`;
    out.push(line);
  } else if (provenance.standing === 'official' && provenance.officialPlatforms?.length) {
    out.push(`**Platforms:** ${provenance.officialPlatforms.map(shortPlatform).join(', ')}`);
  }
  if (image.platform) out.push(`**Requested platform:** ${code(image.platform)}`);
  if (image.via && image.via.length > 0) {
    const from = image.matrix?.path ? `From ${code(`matrix.${image.matrix.path}`)}` : 'From the matrix';
    out.push(`${from}, used at ${[...new Set(image.via.map((v) => v.expression))].map(code).join(', ')}`);
  } else if (image.source === 'action-implicit') {
    out.push(`Chosen by ${code(image.action ?? 'the action')} from its ${image.input ?? 'inputs'}`);
  }
  const resolved = image.parsed ? facts?.images.get(resolvedImageKey(image.parsed)) : undefined;
  if (resolved) out.push(resolvedImageMarkdown(image, resolved));
  if (resolved?.provenance) out.push(provenanceMarkdown(resolved.provenance, code));
  if (image.parsed) {
    const p = image.parsed;
    const slash = p.repository.lastIndexOf('/');
    const namespace = slash >= 0 ? p.repository.slice(0, slash) : '';
    const name = slash >= 0 ? p.repository.slice(slash + 1) : p.repository;
    const publisher =
      p.registry === 'docker.io' && namespace === 'library'
        ? '`library` (Docker Official Images)'
        : namespace
          ? code(namespace)
          : '—';
    out.push(
      '| Registry | Publisher | Repository | Tag | Digest |\n|:--|:--|:--|:--|:--|\n' +
        `| ${code(p.registry)} | ${cell(publisher)} | ${code(name)} | ${p.tag ? code(p.tag) : '—'} | ${
          p.digest ? code(shortDigest(p.digest)) : 'not pinned'
        } |`,
    );
    if (p.canonical !== image.text) out.push(`Normalised: ${code(p.canonical)}`);
  } else if (!image.runtimeValue) {
    out.push(`Not a valid image reference${image.parseError ? `: ${image.parseError}` : ''}.`);
  }
  out.push(findingList(findings));
  if (provenance.registryPage) out.push(`[Open the image's registry page](${provenance.registryPage})`);
  return out.join('\n\n');
}

function vouchedMarkdown(vouched: NonNullable<ImageProvenance['vouchedBy']>): string {
  const source = vouched.source
    ? ` (source: ${vouched.source.startsWith('https://') ? `[${vouched.source}](${vouched.source})` : cell(vouched.source)})`
    : '';
  return `**Who vouches:** ${cell(vouched.who)}, ${cell(vouched.why)}${source}`;
}

/** `linux/arm64/v8` → `arm64/v8`: the lists are about Linux unless they say otherwise. */
function shortPlatform(platform: string): string {
  return platform.startsWith('linux/') ? platform.slice('linux/'.length) : platform;
}

function resolvedImageMarkdown(image: ImageReference, resolved: ResolvedImage): string {
  const lines: string[] = [];
  const tag = image.parsed ? effectiveTag(image.parsed) : 'latest';
  const seen = `${resolved.fromCache ? 'cached; ' : ''}seen ${resolved.fetchedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`;
  lines.push(
    `**Resolved online** (${seen}): ${tag ? `${code(`:${tag}`)} → ` : ''}${code(shortDigest(resolved.digest))}`,
  );
  if (image.parsed?.digest && image.parsed.digest !== resolved.digest)
    lines.push(`- pinned ${code(shortDigest(image.parsed.digest))}: the tag has moved since`);
  if (resolved.platforms.length > 0) lines.push(`- platforms: ${resolved.platforms.map(code).join(', ')}`);
  if (resolved.created) lines.push(`- built: ${resolved.created}`);
  if (resolved.sourceRepository) lines.push(`- source (image label): ${resolved.sourceRepository}`);
  if (resolved.signatures === undefined) lines.push('- signatures and attestations: looking them up…');
  else {
    lines.push(`- signatures: ${resolved.signatures.length ? resolved.signatures.map(code).join(', ') : 'none found'}`);
    lines.push(
      `- attestations: ${resolved.attestations?.length ? resolved.attestations.map(code).join(', ') : 'none found'}`,
    );
  }
  return lines.join('\n');
}

function actionMarkdown(
  action: ActionReference,
  findings: Finding[],
  description: ActionProvenance,
  resolved: ResolvedAction | undefined,
): string {
  const out: string[] = [];
  out.push(`#### ${action.reusableWorkflow ? 'Reusable workflow' : 'Action'} ${code(action.text)}`);
  out.push(
    '| Owner | Repository | Path | Ref |\n|:--|:--|:--|:--|\n' +
      `| ${code(action.owner)} | ${code(action.repo)} | ${action.path ? code(action.path) : '—'} | ${code(action.ref)} |`,
  );
  const isCommit = isFullCommitSha(action.ref);
  let refLine = isCommit ? 'The ref is a **full commit SHA**' : 'The ref is a **tag or branch**, not a full commit SHA';
  if (action.commentVersion) refLine += ` (comment says ${code(action.commentVersion)})`;
  const locked = description.lockedCommit
    ? `locked to ${code(shortCommitSha(description.lockedCommit))} by ${code('.github/workflows/actions.lock')}`
    : undefined;
  out.push(`${refLine}; ${locked ?? (description.pinned ? 'pinned' : 'not pinned')}.`);
  if (resolved) {
    const cached = resolved.fromCache ? 'cached; ' : '';
    let line = `**Resolved online** (${cached}seen ${resolved.fetchedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}): commit ${code(shortCommitSha(resolved.commit))}`;
    if (resolved.bestTag) line += `, tagged ${code(resolved.bestTag)}`;
    if (action.commentVersion && resolved.commentTagCommit) {
      line +=
        resolved.commentTagCommit === action.ref
          ? `; ${code(action.commentVersion)} points here`
          : `; ${code(action.commentVersion)} points at ${code(shortCommitSha(resolved.commentTagCommit))}`;
    }
    out.push(line);
  }
  out.push(
    `**${description.standing === 'trusted' ? 'Trusted by policy' : capitalise(description.standing)}**: ${description.reason}`,
  );
  out.push(findingList(findings));
  out.push(
    `[Open ${code(`${action.owner}/${action.repo}`)} on GitHub](https://github.com/${action.owner}/${action.repo})`,
  );
  return out.join('\n\n');
}

const localKinds: Record<LocalReference['target'], string> = {
  action: 'Local action',
  workflow: 'Local reusable workflow',
  dockerfile: "The action's Dockerfile",
};

function localMarkdown(local: LocalReference, findings: Finding[]): string {
  const where = local.text.startsWith('$/')
    ? 'this repository at the commit that runs'
    : local.target === 'dockerfile'
      ? "beside the action's metadata"
      : 'the checked-out workspace';
  return `#### ${localKinds[local.target]} ${code(local.text)}\n\nRead from ${where}; it changes with the repository, so it needs no pin.\n\n${findingList(findings)}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
