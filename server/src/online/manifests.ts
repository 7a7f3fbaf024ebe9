// OCI and Docker manifests as a registry sends them: media types, descriptors, and parsing that
// checks each body against its digest before anything in it is believed.
import { createHash } from 'node:crypto';
import { DIGEST_PATTERN as DIGEST, isObject } from '../engine/factShapes';
import { HttpResponse, OnlineError } from './transport';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

// Registries answer HEAD of an index with 404 unless Accept names the index types (distribution 2.8 does).
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest,
].join(', ');
const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);
const IMAGE_TYPES = new Set<string>([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  artifactType?: string;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  /** Present for an index (OCI index or Docker manifest list). */
  manifests?: Descriptor[];
  /** Present for a single image manifest. */
  config?: Descriptor;
  layers?: Descriptor[];
  /** What an artifact manifest refers to (OCI 1.1 `subject`). */
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ImageConfig {
  created?: unknown;
  os?: string;
  architecture?: string;
  variant?: string;
  config?: { Labels?: Record<string, unknown> | null };
}

export function referenceText(registry: string, repository: string, reference: string): string {
  return `${registry}/${repository}${DIGEST.test(reference) ? '@' : ':'}${reference}`;
}

export function formatPlatform(
  platform: { os?: string; architecture?: string; variant?: string } | undefined,
): string | undefined {
  if (!platform?.os || !platform.architecture) return undefined;
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

export function parseManifest(response: HttpResponse, what: string, expectedDigest?: string): FetchedManifest {
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
  const generic = contentType === 'application/json' || contentType === '';
  if (!generic && !INDEX_TYPES.has(contentType) && !IMAGE_TYPES.has(contentType)) {
    throw new OnlineError('bad-response', `${what} has unexpected content type ${contentType}`);
  }
  const json = parseJson(response.body, what);
  if (!isObject(json)) throw new OnlineError('bad-response', `${what} is not a JSON object`);
  const declared = typeof json.mediaType === 'string' ? json.mediaType : undefined;
  // Some registries label manifests plain `application/json`; the document's own mediaType then decides.
  const mediaType = generic ? declared : contentType;
  if (!mediaType || !(INDEX_TYPES.has(mediaType) || IMAGE_TYPES.has(mediaType))) {
    throw new OnlineError(
      'bad-response',
      `${what} is not an image manifest or index (media type ${mediaType ?? 'none'})`,
    );
  }
  const digest = sha256(response.body);
  const header = response.headers.get('docker-content-digest');
  if ((expectedDigest && digest !== expectedDigest) || (header && DIGEST.test(header) && header !== digest)) {
    throw new OnlineError('bad-response', `${what} does not match its digest`);
  }
  const annotations = isObject(json.annotations) ? stringValues(json.annotations) : undefined;
  if (INDEX_TYPES.has(mediaType)) {
    if (!Array.isArray(json.manifests))
      throw new OnlineError('bad-response', `${what} is an index without a manifests list`);
    const manifests = json.manifests.filter(isDescriptor);
    return { digest, mediaType, manifests, ...(annotations ? { annotations } : {}) };
  }
  if (!isDescriptor(json.config)) throw new OnlineError('bad-response', `${what} is a manifest without a config`);
  const layers = Array.isArray(json.layers) ? json.layers.filter(isDescriptor) : [];
  const found: FetchedManifest = { digest, mediaType, config: json.config, layers };
  if (isDescriptor(json.subject)) found.subject = json.subject;
  if (typeof json.artifactType === 'string') found.artifactType = json.artifactType;
  if (annotations) found.annotations = annotations;
  return found;
}

function stringValues(record: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function isDescriptor(value: unknown): value is Descriptor {
  return isObject(value) && typeof value.digest === 'string' && DIGEST.test(value.digest);
}

export function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new OnlineError('bad-response', `${what} is not valid JSON (${body.length} bytes received)`);
  }
}

export function sha256(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}
