// Who publishes an image, and what the official alternative offers: the facts rules and hovers share.
import { lockStanding } from './actionsLock';
import { isFullCommitSha } from './commitSha';
import type { ActionProvenance, AnalyzeOptions, ImageProvenance, ResolvedImage, TrustPolicy } from './api';
import { DOCKER_HUB } from './imageReference';
import {
  architectureNamespaces,
  namespacePlatform,
  officialPlatforms,
  platformsInclude,
} from './knowledge/officialImages';
import { globMatches } from './knowledge/trustedPublishers';
import { defaultPolicy } from './policy';
import {
  actionDefaultFor,
  communityCopyOf,
  firstNamespace,
  githubOwnerOf,
  kindPhrase,
  knownPublisher,
  ownerKey,
  ownNamespace,
} from './publishers';
import type { ActionReference, ImageReference, ParsedImage, Standing } from './types';

const ECR_LIBRARY = 'public.ecr.aws';

/** The official image name (`debian`) when the reference is an official image, else undefined. */
export function officialName(image: ParsedImage): string | undefined {
  const segs = image.repository.split('/');
  if (
    image.registry === DOCKER_HUB &&
    segs.length === 2 &&
    (segs[0] === 'library' || architectureNamespaces.has(segs[0]))
  ) {
    return segs[1];
  }
  if (image.registry === ECR_LIBRARY && segs.length === 3 && segs[0] === 'docker' && segs[1] === 'library')
    return segs[2];
  return undefined;
}

/** `registry/repository` without tag or digest. */
export function imageName(image: ParsedImage): string {
  return `${image.registry}/${image.repository}`;
}

/** A policy glob against an image's full name (`docker.io/library/debian`) or its familiar one (`debian`). */
export function matchesImagePattern(pattern: string, image: ParsedImage): boolean {
  return globMatches(pattern, imageName(image)) || globMatches(pattern, familiarName(image));
}

function familiarName(image: ParsedImage): string {
  return image.familiar.slice(0, lastNameEnd(image.familiar));
}

// The familiar form ends its name at the tag's colon (after the last slash) or at `@`.
function lastNameEnd(familiar: string): number {
  const atSign = familiar.indexOf('@');
  const head = atSign >= 0 ? familiar.slice(0, atSign) : familiar;
  const slash = head.lastIndexOf('/');
  const colon = head.indexOf(':', slash + 1);
  return colon >= 0 ? colon : head.length;
}

/** Why the policy or the repository itself trusts the image, or undefined. */
function trustedBy(
  image: ParsedImage,
  policy: TrustPolicy,
  owner: string | undefined,
  resolved?: ResolvedImage,
): string | undefined {
  const name = imageName(image);
  const short = familiarName(image);
  for (const p of policy.trustedImages)
    if (globMatches(p, name) || globMatches(p, short)) return `the policy trusts ${p}`;
  const own = ownNamespace(image, owner, policy.ownerAliases);
  if (own) {
    const spelled =
      owner && ownerKey(owner) === ownerKey(firstNamespace(image) ?? '')
        ? `the repository owner ${owner}`
        : 'an owner alias in the policy';
    return `the repository's own namespace (${own}, ${spelled})`;
  }
  // The image says, in its own label, that it is built from one of this owner's repositories.
  const labelOwner = resolved?.sourceRepository ? githubOwnerOf(resolved.sourceRepository) : undefined;
  if (owner && labelOwner && ownerKey(labelOwner) === ownerKey(owner))
    return `the image's source label points at the repository owner's ${resolved?.sourceRepository}`;
  return undefined;
}

/** Who vouches for the image's publisher, from built-in knowledge, Docker Hub's answer, or the action that chose it. */
export function vouchedFor(
  ref: ImageReference,
  image: ParsedImage,
  options: AnalyzeOptions,
): ImageProvenance['vouchedBy'] {
  const known = knownPublisher(image);
  if (known)
    return {
      who: known.who,
      why: kindPhrase(known.kind),
      source: known.source === 'hub' ? `https://hub.docker.com/u/${firstNamespace(image)}` : known.source,
    };
  const ns = image.registry === DOCKER_HUB ? firstNamespace(image) : undefined;
  const hub = ns ? options.resolved?.publishers?.get(ns.toLowerCase()) : undefined;
  if (ns && hub?.badge) {
    const why = hub.badge === 'verified_publisher' ? 'Docker Verified Publisher' : 'Docker-Sponsored Open Source';
    return {
      who: hub.name || ns,
      why: `${why} (Docker Hub says so${hub.fromCache ? ', cached' : ''})`,
      source: `https://hub.docker.com/u/${ns}`,
    };
  }
  const byAction = actionDefaultFor(ref);
  if (byAction) {
    return {
      who: byAction.publisher,
      why: `the default image of ${byAction.action} (${byAction.defaultImage}), chosen by the action's publisher for everyone who runs it`,
    };
  }
  return undefined;
}

/** The publisher part of a name: `ghcr.io/loong64`, `loong64` (Docker Hub), `quay.io/someone`. */
export function publisherOf(image: ParsedImage): string {
  const segs = image.repository.split('/');
  const ns = segs.length > 1 ? segs.slice(0, -1).join('/') : segs[0];
  return image.registry === DOCKER_HUB ? ns : `${image.registry}/${ns}`;
}

/** A glob for trusting the reference's publisher, as written in a policy. */
function trustPatternFor(ref: ImageReference): string | undefined {
  if (!ref.parsed || officialName(ref.parsed)) return undefined;
  const segs = ref.parsed.repository.split('/');
  if (segs.length < 2) return `${imageName(ref.parsed)}`;
  return `${publisherOf(ref.parsed)}/*`;
}

function registryPage(image: ParsedImage): string | undefined {
  const official = officialName(image);
  if (image.registry === DOCKER_HUB) {
    return official && image.repository.startsWith('library/')
      ? `https://hub.docker.com/_/${official}`
      : `https://hub.docker.com/r/${image.repository}`;
  }
  // ghcr.io answers a browser with a redirect to the package's page on GitHub.
  if (image.registry === 'ghcr.io') return `https://ghcr.io/${image.repository}`;
  if (image.registry === 'quay.io') return `https://quay.io/repository/${image.repository}`;
  if (image.registry === ECR_LIBRARY) return `https://gallery.ecr.aws/${image.repository}`;
  if (image.registry === 'mcr.microsoft.com') return `https://mcr.microsoft.com/artifact/mar/${image.repository}`;
  return undefined;
}

export function describeImage(
  ref: ImageReference,
  options: AnalyzeOptions = {},
  policy?: TrustPolicy,
): ImageProvenance {
  const image = ref.parsed;
  if (ref.runtimeValue) return { standing: 'unknown', reason: `chosen when the workflow runs: ${ref.runtimeValue}` };
  if (!image) return { standing: 'unknown', reason: `not a valid image reference: ${ref.parseError ?? 'unparsable'}` };
  const pol = policy ?? options.policy ?? defaultPolicy();
  const official = officialName(image);
  const page = registryPage(image);
  if (official) {
    const ns = image.repository.split('/')[0];
    const perArch = namespacePlatform(ns);
    const known = officialPlatforms(official, image.tag);
    const platforms = perArch ? [perArch] : known?.platforms;
    return {
      standing: 'official',
      reason: perArch
        ? `Docker Official Image, per-architecture namespace ${ns}/ (${perArch} only)`
        : image.registry === ECR_LIBRARY
          ? 'Docker Official Image (public.ecr.aws mirror)'
          : 'Docker Official Image',
      officialAlternative: official,
      officialPlatforms: platforms,
      officialSupportsPlatform: ref.platform && platforms ? platformsInclude(platforms, ref.platform) : undefined,
      registryPage: page,
    };
  }
  // The same key as resolvedImageKey in analyze.ts (which imports this module).
  const resolved = options.resolved?.images.get(image.canonical);
  const trust = trustedBy(image, pol, options.repositoryOwner, resolved);
  if (trust) return { standing: 'trusted', reason: trust, registryPage: page };
  const vouchedBy = vouchedFor(ref, image, options);
  if (vouchedBy)
    return {
      standing: 'verified-publisher',
      reason: `vouched for by ${vouchedBy.who}: ${vouchedBy.why}`,
      registryPage: page,
      vouchedBy,
    };
  const alternative = communityCopyOf(image);
  const altPlatforms = alternative ? officialPlatforms(alternative, image.tag)?.platforms : undefined;
  const result: ImageProvenance = {
    standing: 'community',
    reason: `published by ${publisherOf(image)}, a publisher nobody here vouches for`,
    registryPage: page,
  };
  if (!trust) result.trustPattern = trustPatternFor(ref);
  if (alternative) {
    result.officialAlternative = alternative;
    result.officialPlatforms = altPlatforms;
    if (ref.platform && altPlatforms) result.officialSupportsPlatform = platformsInclude(altPlatforms, ref.platform);
  }
  return result;
}

export function describeAction(ref: ActionReference, options: AnalyzeOptions = {}): ActionProvenance {
  const lock = lockStanding(ref, options.actionsLock);
  const lockedCommit = lock.status === 'locked' ? lock.commit : undefined;
  const pinned = isFullCommitSha(ref.ref) || lockedCommit !== undefined;
  const name = `${ref.owner}/${ref.repo}`;
  const policy = options.policy;
  const trusted = policy?.trustedActions.find((p) => globMatches(p, name));
  const firstParty = ['actions', 'github'].includes(ref.owner.toLowerCase());
  const owners = [
    ...(options.repositoryOwner ? [options.repositoryOwner] : []),
    ...(policy?.ownerAliases ?? []).filter((a) => !a.includes('/')),
  ];
  const own = owners.some((o) => ownerKey(o) === ownerKey(ref.owner));
  const standing: Standing = trusted ? 'trusted' : firstParty ? 'official' : own ? 'trusted' : 'community';
  const reason = trusted
    ? `the policy trusts ${trusted}`
    : firstParty
      ? `published by GitHub (${ref.owner})`
      : standing === 'trusted'
        ? "the repository's own action"
        : `published by ${ref.owner}`;
  return { standing, pinned, reason, ...(lockedCommit ? { lockedCommit } : {}) };
}
