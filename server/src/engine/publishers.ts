// Who vouches for an image's publisher: the built-in knowledge of verified, vendor, project and
// distribution namespaces, the repository's own organisation under its other spellings, and the
// default images of actions whose publishers choose them. Pure: facts in, answers out.
import { dockerHubPublishers } from './knowledge/dockerHubPublisherTable';
import { isOfficialImageName } from './knowledge/officialImages';
import { registryPublishers } from './knowledge/registryPublisherTable';
import { globMatches } from './knowledge/trustedPublishers';
import { DOCKER_HUB } from './imageReference';
import { imageInputs } from './knowledge/actionInputs';
import type { ImageReference, ParsedImage } from './types';

export type PublisherKind = 'verified' | 'sponsored' | 'vendor' | 'project' | 'distribution' | 'registry';

export interface KnownPublisher {
  /** The namespace or registry pattern that matched. */
  pattern: string;
  kind: PublisherKind;
  /** Who vouches, in words: `Grafana Labs`, `the Fedora Project`. */
  who: string;
  /** Where the fact comes from (a page), or `hub` for the namespace's Docker Hub page. */
  source: string;
}

const kinds: readonly PublisherKind[] = ['verified', 'sponsored', 'vendor', 'project', 'distribution', 'registry'];

function parseTable(table: string): KnownPublisher[] {
  const out: KnownPublisher[] = [];
  for (const line of table.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length !== 4 || !(kinds as readonly string[]).includes(cells[1])) continue;
    out.push({ pattern: cells[0], kind: cells[1] as PublisherKind, who: cells[2], source: cells[3] });
  }
  return out;
}

const hubNamespaces = new Map(parseTable(dockerHubPublishers).map((p) => [p.pattern.toLowerCase(), p]));
const registryPatterns = parseTable(registryPublishers);

/** Every built-in entry, for documentation and tests. */
export function builtInPublishers(): { dockerHub: KnownPublisher[]; registries: KnownPublisher[] } {
  return { dockerHub: [...hubNamespaces.values()], registries: [...registryPatterns] };
}

/** The first path segment of a repository: the namespace on Docker Hub, the organisation on ghcr.io and quay.io. */
export function firstNamespace(image: ParsedImage): string | undefined {
  const slash = image.repository.indexOf('/');
  return slash > 0 ? image.repository.slice(0, slash) : undefined;
}

/** The publisher the built-in knowledge vouches for, if any. */
export function knownPublisher(image: ParsedImage): KnownPublisher | undefined {
  if (image.registry === DOCKER_HUB) {
    const ns = firstNamespace(image);
    return ns ? hubNamespaces.get(ns.toLowerCase()) : undefined;
  }
  const name = `${image.registry}/${image.repository}`;
  return registryPatterns.find((p) => globMatches(p.pattern, name));
}

/** How a kind of publisher is vouched for, in one phrase for hovers. */
export function kindPhrase(kind: PublisherKind): string {
  switch (kind) {
    case 'verified':
      return 'Docker Verified Publisher';
    case 'sponsored':
      return 'Docker-Sponsored Open Source';
    case 'vendor':
      return "the vendor's own namespace";
    case 'project':
      return "the open-source project's own namespace";
    case 'distribution':
      return "the distribution's own namespace";
    case 'registry':
      return "the publisher's own registry";
  }
}

/** `my-org`, `my_org`, `My.Org` and `myorg` are one name: GitHub and registries spell owners differently. */
export function ownerKey(name: string): string {
  return name.toLowerCase().replace(/[-._]/g, '');
}

/** Registries where an organisation's namespace is the first path segment. */
export const ownerRegistries: readonly string[] = ['ghcr.io', 'docker.io', 'quay.io'];

/**
 * When the image lives in one of the repository's own namespaces (its owner under any spelling, or a
 * policy alias), the namespace as written; `registry/namespace` aliases match that registry only.
 */
export function ownNamespace(
  image: ParsedImage,
  owner: string | undefined,
  aliases: readonly string[],
): string | undefined {
  const ns = firstNamespace(image);
  if (!ns) return undefined;
  const key = ownerKey(ns);
  for (const alias of aliases) {
    const slash = alias.indexOf('/');
    if (slash > 0 && alias.slice(0, slash).toLowerCase() === image.registry && ownerKey(alias.slice(slash + 1)) === key)
      return `${image.registry}/${ns}`;
  }
  if (!ownerRegistries.includes(image.registry)) return undefined;
  const names = [...(owner ? [owner] : []), ...aliases.filter((a) => !a.includes('/'))];
  return names.some((n) => ownerKey(n) === key) ? `${image.registry}/${ns}` : undefined;
}

/** `https://github.com/Owner/repo(.git)` (or `git+https`, `git@github.com:`) → `Owner`. */
export function githubOwnerOf(sourceUrl: string): string | undefined {
  const m = /^(?:git\+)?(?:https?:\/\/|git@)(?:www\.)?github\.com[/:]([A-Za-z0-9][A-Za-z0-9-]*)\/[^/\s]+/.exec(
    sourceUrl.trim(),
  );
  return m ? m[1] : undefined;
}

export interface ActionDefault {
  action: string;
  publisher: string;
  defaultImage: string;
}

/**
 * When the image is the default image (any tag) of a well-known action that takes it, the action and
 * who publishes it: that publisher chose the image for everyone who uses the action.
 */
export function actionDefaultFor(ref: ImageReference): ActionDefault | undefined {
  if (!ref.action || !ref.parsed) return undefined;
  const action = ref.action.toLowerCase();
  for (const input of imageInputs) {
    const publisher = input.defaultsPublishedBy;
    if (input.action !== action || !input.defaultImage || !publisher) continue;
    const defaultName = input.defaultImage.replace(/[:@].*$/, '');
    const written =
      ref.parsed.registry === DOCKER_HUB ? ref.parsed.repository : `${ref.parsed.registry}/${ref.parsed.repository}`;
    if (written === defaultName || written === `library/${defaultName}`)
      return { action: input.action, publisher, defaultImage: input.defaultImage };
  }
  return undefined;
}

/**
 * Official image names that are also everyday words for an organisation's own repository: `acme/docker`
 * usually holds acme's images, not a copy of the official `docker`. For these, only a tag shaped like the
 * official image's own tags (a version, or one of its variants) makes a copy.
 */
const everydayNames: Readonly<Record<string, RegExp>> = {
  docker:
    /^(latest|stable|edge|test|dind|dind-rootless|cli|git|windowsservercore(-[\w.]+)?|\d+(\.\d+)*(-(rc|beta|alpha)\.?\d*)?(-(dind|dind-rootless|cli|git|windowsservercore(-[\w.]+)?))?)$/,
  registry: /^(latest|\d+(\.\d+)*)$/,
  'hello-world': /^(latest|linux|nanoserver.*)$/,
};

// Base systems that official images name in their own tags (`python:alpine`, `openjdk:oraclelinux8`):
// a tag starting with one of these is a variant, not another image.
const variantBases = new Set([
  'alpine',
  'debian',
  'ubuntu',
  'busybox',
  'oraclelinux',
  'amazonlinux',
  'fedora',
  'centos',
  'almalinux',
  'rockylinux',
  'photon',
]);

/**
 * The official image the reference copies, decided from the whole name: the last segment names an
 * official image, the repository is not `<name>/<name>` (a project publishing under its own name), and
 * the tag does not name another official image (`acme/docker:postgres-16` is acme's PostgreSQL).
 */
export function communityCopyOf(image: ParsedImage): string | undefined {
  const segs = image.repository.split('/');
  const name = segs[segs.length - 1];
  if (segs.length < 2 || !isOfficialImageName(name)) return undefined;
  if (segs.length === 2 && ownerKey(segs[0]) === ownerKey(name)) return undefined;
  const tag = image.tag;
  if (tag) {
    const first = /^[a-z][a-z-]*?(?=[-_.:]?\d|[-_.]|$)/.exec(tag)?.[0];
    if (first && first !== name && !variantBases.has(first) && isOfficialImageName(first)) return undefined;
    const shape = everydayNames[name];
    if (shape && !shape.test(tag)) return undefined;
  }
  return name;
}
