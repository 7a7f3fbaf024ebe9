// The shapes online facts must have before anything is built from them. Facts arrive from registries,
// git hosts and a cache file on disk, all of which may be hostile or corrupt; a digest or commit ends up
// written into the user's workflow by a fix, so each is checked character for character.
import type { ResolvedAction, ResolvedImage } from './api';

/** An OCI content digest as pinned in workflows: exactly `sha256:` and 64 lowercase hex digits. */
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;
/** A full git commit id (SHA-1): exactly 40 lowercase hex digits. */
export const COMMIT_PATTERN = /^[0-9a-f]{40}$/;
/**
 * A tag or branch name safe to write into a comment: one line of visible text. Git forbids control
 * characters and spaces in ref names (git-check-ref-format); format characters (bidi overrides) and
 * line separators are refused too, so nothing but a name can reach the file.
 */
export const REF_NAME_PATTERN = /^[^\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}]{1,255}$/u;
/** `os/arch[/variant]` as registries list platforms. */
const PLATFORM_PATTERN = /^[a-z0-9._-]{1,40}(\/[a-z0-9._-]{1,40}){1,2}$/;

export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST_PATTERN.test(value);
}

export function isCommit(value: unknown): value is string {
  return typeof value === 'string' && COMMIT_PATTERN.test(value);
}

export function isRefName(value: unknown): value is string {
  return typeof value === 'string' && REF_NAME_PATTERN.test(value) && !value.includes('..');
}

export function isPlatform(value: unknown): value is string {
  return typeof value === 'string' && PLATFORM_PATTERN.test(value);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown, max = 2048): boolean {
  return value === undefined || (typeof value === 'string' && value.length <= max);
}

function optionalStrings(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.length <= 1000 && value.every((s) => typeof s === 'string' && s.length <= 400));
}

/** Facts about an image, as the engine uses them; anything else is treated as no facts at all. */
export function isResolvedImage(value: unknown): value is ResolvedImage {
  return (
    isObject(value) &&
    isDigest(value.digest) &&
    Array.isArray(value.platforms) &&
    value.platforms.length <= 1000 &&
    value.platforms.every(isPlatform) &&
    typeof value.fetchedAt === 'string' &&
    (value.fromCache === undefined || typeof value.fromCache === 'boolean') &&
    optionalString(value.created) &&
    optionalString(value.sourceRepository) &&
    optionalStrings(value.signatures) &&
    optionalStrings(value.attestations)
  );
}

/** Facts about an action, as the engine uses them; anything else is treated as no facts at all. */
export function isResolvedAction(value: unknown): value is ResolvedAction {
  return (
    isObject(value) &&
    isCommit(value.commit) &&
    (value.bestTag === undefined || isRefName(value.bestTag)) &&
    (value.commentTagCommit === undefined || isCommit(value.commentTagCommit)) &&
    typeof value.fetchedAt === 'string' &&
    (value.fromCache === undefined || typeof value.fromCache === 'boolean')
  );
}
