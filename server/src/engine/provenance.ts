// Who publishes an image, and what the official alternative offers: the facts rules and hovers share.
import type { AnalyzeOptions, ImageProvenance, TrustPolicy } from './api';
import { DOCKER_HUB } from './imageReference';
import { architectureNamespaces, isOfficialImageName, namespacePlatform, officialPlatforms, platformsInclude } from './knowledge/officialImages';
import { builtInTrustedPublishers, globMatches, ownerRegistries } from './knowledge/trustedPublishers';
import { defaultPolicy } from './policy';
import type { ActionReference, ImageReference, ParsedImage, Standing } from './types';

const ECR_LIBRARY = 'public.ecr.aws';

/** The official image name (`debian`) when the reference is an official image, else undefined. */
export function officialName(image: ParsedImage): string | undefined {
  const segs = image.repository.split('/');
  if (image.registry === DOCKER_HUB && segs.length === 2 && (segs[0] === 'library' || architectureNamespaces.has(segs[0]))) {
    return segs[1];
  }
  if (image.registry === ECR_LIBRARY && segs.length === 3 && segs[0] === 'docker' && segs[1] === 'library') return segs[2];
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

export function trustedBy(image: ParsedImage, policy: TrustPolicy, owner: string | undefined): string | undefined {
  const name = imageName(image);
  for (const p of policy.trustedImages) if (matchesImagePattern(p, image)) return `the policy trusts ${p}`;
  for (const t of builtInTrustedPublishers) if (globMatches(t.pattern, name)) return `built-in trusted publisher: ${t.who}`;
  if (owner) {
    const first = image.repository.split('/')[0].toLowerCase();
    if (ownerRegistries.includes(image.registry) && first === owner.toLowerCase() && image.repository.includes('/')) {
      return `the repository's own namespace (${image.registry}/${owner})`;
    }
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
export function trustPatternFor(ref: ImageReference): string | undefined {
  if (!ref.parsed || officialName(ref.parsed)) return undefined;
  const segs = ref.parsed.repository.split('/');
  if (segs.length < 2) return `${imageName(ref.parsed)}`;
  return `${publisherOf(ref.parsed)}/*`;
}

function registryPage(image: ParsedImage): string | undefined {
  const official = officialName(image);
  if (image.registry === DOCKER_HUB) {
    return official && image.repository.startsWith('library/') ? `https://hub.docker.com/_/${official}` : `https://hub.docker.com/r/${image.repository}`;
  }
  // ghcr.io answers a browser with a redirect to the package's page on GitHub.
  if (image.registry === 'ghcr.io') return `https://ghcr.io/${image.repository}`;
  if (image.registry === 'quay.io') return `https://quay.io/repository/${image.repository}`;
  if (image.registry === ECR_LIBRARY) return `https://gallery.ecr.aws/${image.repository}`;
  if (image.registry === 'mcr.microsoft.com') return `https://mcr.microsoft.com/artifact/mar/${image.repository}`;
  return undefined;
}

export function describeImage(ref: ImageReference, options: AnalyzeOptions = {}, policy?: TrustPolicy): ImageProvenance {
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
  const trust = trustedBy(image, pol, options.repositoryOwner);
  const base = image.repository.split('/').pop() ?? '';
  const alternative = isOfficialImageName(base) ? base : undefined;
  const altPlatforms = alternative ? officialPlatforms(alternative, image.tag)?.platforms : undefined;
  const result: ImageProvenance = {
    standing: trust ? 'trusted' : 'community',
    reason: trust ?? `published by ${publisherOf(image)}, not an official or trusted publisher`,
    registryPage: page,
  };
  if (alternative) {
    result.officialAlternative = alternative;
    result.officialPlatforms = altPlatforms;
    if (ref.platform && altPlatforms) result.officialSupportsPlatform = platformsInclude(altPlatforms, ref.platform);
  }
  return result;
}

export function describeAction(ref: ActionReference, options: AnalyzeOptions = {}): { standing: Standing; pinned: boolean; reason: string } {
  const pinned = /^[0-9a-f]{40}$/.test(ref.ref);
  const name = `${ref.owner}/${ref.repo}`;
  const policy = options.policy;
  const trusted = policy?.trustedActions.find((p) => globMatches(p, name));
  const firstParty = ['actions', 'github'].includes(ref.owner.toLowerCase());
  const standing: Standing = trusted ? 'trusted' : firstParty ? 'official' : options.repositoryOwner && ref.owner.toLowerCase() === options.repositoryOwner.toLowerCase() ? 'trusted' : 'community';
  const reason = trusted
    ? `the policy trusts ${trusted}`
    : firstParty
      ? `published by GitHub (${ref.owner})`
      : standing === 'trusted'
        ? "the repository's own action"
        : `published by ${ref.owner}`;
  return { standing, pinned, reason };
}
