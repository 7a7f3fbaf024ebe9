// Image references as the distribution ("docker") reference grammar defines them:
//   reference := name [ ":" tag ] [ "@" digest ]
//   name      := [ domain "/" ] path-component *( "/" path-component )
// A hand-written scanner: every step moves forward, so hostile input costs linear time and never throws.
import type { ImageParseResult, ParsedImage } from './types';

export const DOCKER_HUB = 'docker.io';

/** Hosts that all mean Docker Hub; the docker CLI writes `docker.io` for each. */
export const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
]);

/** The tag a pull resolves: the written one, `latest` when neither tag nor digest is written, none for a digest alone. */
export function effectiveTag(image: Pick<ParsedImage, 'tag' | 'digest'>): string | undefined {
  return image.tag ?? (image.digest ? undefined : 'latest');
}

/** `sha256:0123456789ab…`: the algorithm and the first 12 hex digits, enough to tell digests apart. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return colon >= 0 && digest.length - colon - 1 > 12 ? `${digest.slice(0, colon + 13)}…` : digest;
}

/** The distribution grammar's limit on a name, registry included. */
const NAME_MAX = 255;
const TAG_MAX = 128;

/** Hex lengths of the algorithms go-digest registers; it refuses any other algorithm. */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

class InvalidReference {
  constructor(readonly message: string) {}
}

function fail(message: string): never {
  throw new InvalidReference(message);
}

/** Names the character at `at` for a message; whitespace and control characters are otherwise invisible. */
function describe(text: string, at: number): string {
  const code = text.codePointAt(at) ?? 0;
  const c = String.fromCodePoint(code);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (c === ' ') return 'space';
  if (c === '\t') return 'tab';
  if (c === '\n' || c === '\r') return 'line break';
  if (/\s/u.test(c)) return `whitespace ${hex}`;
  if (code < 0x20 || code === 0x7f) return `control character ${hex}`;
  return `'${c}'`;
}

function unexpected(text: string, at: number): never {
  fail(`unexpected character ${describe(text, at)} at ${at}`);
}

/** Quotes user text in a message, shortened so a hostile input cannot make the message huge. */
function quote(s: string): string {
  return s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`;
}

const isLowerAlnum = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
const isUpper = (c: string): boolean => c >= 'A' && c <= 'Z';
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlnum = (c: string): boolean => isLowerAlnum(c) || isUpper(c);
const isWord = (c: string): boolean => isAlnum(c) || c === '_';
const isHex = (c: string): boolean => isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

/** Parses and normalises an image reference. Any string in, a result out; never throws. */
export function parseImageReference(text: string): ImageParseResult {
  try {
    return { ok: true, image: scan(text) };
  } catch (e) {
    if (e instanceof InvalidReference) return { ok: false, error: e.message };
    return { ok: false, error: `cannot parse image reference: ${String(e)}` };
  }
}

function scan(text: string): ParsedImage {
  if (text.length === 0) fail('empty reference');
  if (text.includes('${{')) fail('contains a GitHub expression');
  if (text.trim().length === 0) fail('empty reference (only whitespace)');
  // `uses: docker://…` carries a scheme that belongs to the workflow syntax, not to the reference.
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  if (scheme) fail(`unexpected '${scheme[0]}' prefix: write the image reference alone`);

  const at = text.indexOf('@');
  const digestStart = at < 0 ? text.length : at;
  if (digestStart === 0) fail("missing repository name before '@'");
  // A tag's ':' is the last one after the last '/'; earlier colons belong to a registry port or IPv6 host.
  const lastSlash = text.lastIndexOf('/', digestStart - 1);
  const lastColon = text.lastIndexOf(':', digestStart - 1);
  const nameEnd = lastColon > lastSlash ? lastColon : digestStart;
  if (nameEnd === 0) fail('missing repository name');

  const firstSlash = text.indexOf('/');
  let writtenRegistry: string | undefined;
  let pathStart = 0;
  if (firstSlash >= 0 && firstSlash < nameEnd) {
    const first = text.slice(0, firstSlash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[')) {
      scanDomain(text, firstSlash);
      writtenRegistry = first;
      pathStart = firstSlash + 1;
    }
  }
  scanPath(text, pathStart, nameEnd);
  const path = text.slice(pathStart, nameEnd);
  // The docker CLI refuses these: 64 hex characters is how it names an image ID.
  if (writtenRegistry === undefined && path.length === 64 && /^[a-f0-9]{64}$/.test(path)) {
    fail('a 64-character hex string is an image ID, not a repository name');
  }

  let tag: string | undefined;
  if (nameEnd < digestStart) {
    tag = text.slice(nameEnd + 1, digestStart);
    if (tag.length === 0) fail(`missing tag after ':' at ${nameEnd}`);
    for (let i = nameEnd + 1; i < digestStart; i++) {
      const c = text[i];
      if (!(isWord(c) || (i > nameEnd + 1 && (c === '.' || c === '-')))) unexpected(text, i);
    }
    if (tag.length > TAG_MAX) fail(`tag too long (${tag.length} characters, at most ${TAG_MAX})`);
  }

  let digest: string | undefined;
  if (at >= 0) digest = scanDigest(text, at);

  const hub = writtenRegistry === undefined || DOCKER_HUB_ALIASES.has(writtenRegistry.toLowerCase());
  // Host names are case-insensitive; one spelling keeps policy matching and cache keys simple.
  const registry = hub ? DOCKER_HUB : (writtenRegistry as string).toLowerCase();
  const repository = hub && !path.includes('/') ? `library/${path}` : path;
  // The docker CLI applies the limit to the normalised name, so `docker.io/library/` counts too.
  const nameLength = registry.length + 1 + repository.length;
  if (nameLength > NAME_MAX) {
    fail(`repository name too long (${nameLength} characters with its registry, at most ${NAME_MAX})`);
  }
  const canonical = formatImage({
    writtenRegistry: registry,
    repository,
    tag: tag ?? (digest ? undefined : 'latest'),
    digest,
  });
  const shortRepository =
    hub && repository.startsWith('library/') && !repository.includes('/', 'library/'.length)
      ? repository.slice('library/'.length)
      : repository;
  const familiar = formatImage({
    writtenRegistry: hub ? undefined : registry,
    repository: shortRepository,
    tag,
    digest,
  });
  return { registry, writtenRegistry, repository, tag, digest, nameEnd, digestStart, canonical, familiar };
}

/** Checks `text[0, end)` as `host[:port]`, where host is a DNS name or a bracketed IPv6 address. */
function scanDomain(text: string, end: number): void {
  let i = 0;
  if (text[0] === '[') {
    i = 1;
    // The distribution grammar allows only hex digits and colons inside the brackets.
    while (i < end && (isHex(text[i]) || text[i] === ':')) i++;
    if (i < end && text[i] === '%') fail(`IPv6 zone identifiers are not allowed in a registry address (at ${i})`);
    if (i >= end) fail("unterminated IPv6 address: missing ']'");
    if (text[i] !== ']') unexpected(text, i);
    if (i === 1) fail("empty IPv6 address '[]'");
    i++;
  } else {
    // Components are letters, digits and inner hyphens, joined by single dots.
    let componentStart = 0;
    while (i < end && text[i] !== ':') {
      const c = text[i];
      if (c === '.') {
        if (i === componentStart) fail(`empty registry host component at ${i}`);
        if (text[i - 1] === '-') fail(`registry host component ends with '-' at ${i - 1}`);
        componentStart = i + 1;
      } else if (c === '-') {
        if (i === componentStart) fail(`registry host component starts with '-' at ${i}`);
      } else if (!isAlnum(c)) {
        unexpected(text, i);
      }
      i++;
    }
    if (i === componentStart) fail(`empty registry host component at ${i}`);
    if (text[i - 1] === '-') fail(`registry host component ends with '-' at ${i - 1}`);
  }
  if (i < end) {
    if (text[i] !== ':') unexpected(text, i);
    const portStart = ++i;
    while (i < end && isDigit(text[i])) i++;
    if (i < end) unexpected(text, i);
    if (i === portStart) fail(`missing registry port after ':' at ${portStart - 1}`);
  }
}

/**
 * Checks `text[start, end)` as path components joined by '/': lowercase letters and digits, separated
 * by one '.', one or two '_', or any run of '-'.
 */
function scanPath(text: string, start: number, end: number): void {
  let componentStart = start;
  // The separator run just read: its first character and its length (0 after a letter or digit).
  let separatorFirst = '';
  let separatorLength = 0;
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (isLowerAlnum(c)) {
      separatorLength = 0;
    } else if (isUpper(c)) {
      fail('repository name must be lowercase');
    } else if (c === '/') {
      if (i === componentStart) fail(`empty path component at ${i}`);
      if (separatorLength > 0) fail(`path component ends with '${text[i - 1]}' at ${i - 1}`);
      componentStart = i + 1;
    } else if (c === '.' || c === '_' || c === '-') {
      if (i === componentStart) fail(`path component starts with '${c}' at ${i}`);
      const allowed =
        separatorLength === 0 ||
        (separatorFirst === '_' && separatorLength === 1 && c === '_') ||
        (separatorFirst === '-' && c === '-');
      if (!allowed) unexpected(text, i);
      if (separatorLength === 0) separatorFirst = c;
      separatorLength++;
    } else {
      unexpected(text, i);
    }
  }
  if (end === componentStart) fail(`empty path component at ${end}`);
  if (separatorLength > 0) fail(`path component ends with '${text[end - 1]}' at ${end - 1}`);
}

/** Checks the digest after the '@' at `at` and returns it (`algorithm:hex`). */
function scanDigest(text: string, at: number): string {
  const start = at + 1;
  if (start === text.length) fail(`missing digest after '@' at ${at}`);
  const colon = text.indexOf(':', start);
  if (colon < 0) fail('invalid digest: expected algorithm:hex, e.g. sha256:<64 hex characters>');
  if (colon === start) fail(`invalid digest: missing algorithm before ':' at ${colon}`);
  // OCI image spec: algorithm := component (separator component)*, component := [a-z0-9]+, separator := [+._-]
  for (let i = start; i < colon; i++) {
    const c = text[i];
    if (isLowerAlnum(c)) continue;
    if (isUpper(c)) fail('invalid digest: algorithm must be lowercase');
    const isSeparator = c === '+' || c === '.' || c === '_' || c === '-';
    if (!isSeparator || i === start || i === colon - 1 || !isLowerAlnum(text[i - 1])) unexpected(text, i);
  }
  const algorithm = text.slice(start, colon);
  const expected = DIGEST_HEX_LENGTH[algorithm];
  if (expected === undefined) fail(`unsupported digest algorithm ${quote(algorithm)}`);
  let upper = false;
  for (let i = colon + 1; i < text.length; i++) {
    const c = text[i];
    if (!isHex(c)) unexpected(text, i);
    if (c >= 'A' && c <= 'F') upper = true;
  }
  const hexLength = text.length - colon - 1;
  if (hexLength !== expected)
    fail(`invalid digest: ${algorithm} needs ${expected} hex characters (found ${hexLength})`);
  if (upper) fail('invalid digest: hex must be lowercase');
  return text.slice(start);
}

/** Writes `[registry/]repository[:tag][@digest]`. */
export function formatImage(parts: {
  writtenRegistry?: string;
  repository: string;
  tag?: string;
  digest?: string;
}): string {
  const name = parts.writtenRegistry ? `${parts.writtenRegistry}/${parts.repository}` : parts.repository;
  return name + (parts.tag ? `:${parts.tag}` : '') + (parts.digest ? `@${parts.digest}` : '');
}

/**
 * Recognises a leading `--platform=os/arch` or `--platform os/arch` (as `FROM` lines and
 * run-on-arch-action's `base_image` carry) and returns where the image text starts.
 * Without the flag, `imageStart` is 0 and the text is left as it is.
 */
export function splitPlatformFlag(text: string): { platform?: string; imageStart: number } {
  const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';
  let i = 0;
  while (isBlank(text[i])) i++;
  const flag = '--platform';
  if (!text.startsWith(flag, i)) return { imageStart: 0 };
  i += flag.length;
  if (text[i] === '=') {
    i++;
  } else if (isBlank(text[i])) {
    while (isBlank(text[i])) i++;
  } else {
    return { imageStart: 0 };
  }
  const valueStart = i;
  while (i < text.length && !isBlank(text[i]) && text[i] !== '\n' && text[i] !== '\r') i++;
  if (i === valueStart) return { imageStart: 0 };
  const platform = text.slice(valueStart, i);
  while (isBlank(text[i])) i++;
  return { platform, imageStart: i };
}
