// Writing a fixed file back. The repository is hostile: names beside the file may be pre-placed
// links, the file itself may be a link, and bytes that are not UTF-8 must come back as they were.
// `check --fix` pins a file through pinFile at the end.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  lstatSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { applyEdits, type Finding, type TextEdit } from '../engine';
import { errorMessage } from '../engine/errorMessage';
import { combineFixes } from '../engine/fixes';
import { pinFixOf } from '../engine/pinFixes';
import { parseYaml } from '../engine/yamlSource';
import { shortPath } from './reportPaths';

/**
 * Decodes UTF-8 exactly as Node's `buffer.toString('utf8')` does (the WHATWG decoder: each maximal
 * ill-formed subsequence becomes one U+FFFD) and records, for each UTF-16 offset of the text, the
 * byte offset it starts at. `starts[text.length]` is `bytes.length`.
 */
function decodeWithOffsets(bytes: Uint8Array): { text: string; starts: Uint32Array } {
  const units: number[] = [];
  const starts: number[] = [];
  const emit = (cp: number, at: number) => {
    if (cp > 0xffff) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      starts.push(at, at);
    } else {
      units.push(cp);
      starts.push(at);
    }
  };
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need = 0;
    let cp = 0;
    let lower = 0x80;
    let upper = 0xbf;
    if (b <= 0x7f) {
      emit(b, i);
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      cp = b & 0x0f;
      if (b === 0xe0) lower = 0xa0;
      if (b === 0xed) upper = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      cp = b & 0x07;
      if (b === 0xf0) lower = 0x90;
      if (b === 0xf4) upper = 0x8f;
    } else {
      emit(0xfffd, i);
      i++;
      continue;
    }
    let j = i + 1;
    let seen = 0;
    while (seen < need && j < bytes.length && bytes[j] >= lower && bytes[j] <= upper) {
      cp = (cp << 6) | (bytes[j] & 0x3f);
      lower = 0x80;
      upper = 0xbf;
      seen++;
      j++;
    }
    // A sequence cut short is one replacement character; the byte that broke it starts anew.
    emit(seen === need ? cp : 0xfffd, i);
    i = j;
  }
  starts.push(bytes.length);
  let text = '';
  for (let k = 0; k < units.length; k += 8192) text += String.fromCharCode(...units.slice(k, k + 8192));
  return { text, starts: Uint32Array.from(starts) };
}

/**
 * Applies text edits (UTF-16 offsets into `text`, the file as it was decoded) to the file's bytes:
 * only the edited ranges change, so invalid UTF-8, a BOM or odd line ends elsewhere survive byte for
 * byte. Undefined when `bytes` does not decode to `text` (the file is not what was analysed).
 */
export function editBytes(bytes: Uint8Array, text: string, edits: readonly TextEdit[]): Buffer | undefined {
  const decoded = decodeWithOffsets(bytes);
  if (decoded.text !== text) return undefined;
  const parts: Buffer[] = [];
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    const start = decoded.starts[e.start];
    const end = decoded.starts[e.end];
    // An edit must not begin or end inside a replaced (invalid) sequence or a surrogate pair.
    const splitsPair = (o: number) => o > 0 && o < text.length && decoded.starts[o - 1] === decoded.starts[o];
    if (start === undefined || end === undefined || start < at || splitsPair(e.start) || splitsPair(e.end))
      return undefined;
    parts.push(Buffer.from(bytes.subarray(at, start)), Buffer.from(e.newText, 'utf8'));
    at = end;
  }
  parts.push(Buffer.from(bytes.subarray(at)));
  return Buffer.concat(parts);
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * The file a fix of `path` should write. A link is followed only to a regular file inside `scope`
 * (the folder checked); the link itself is never replaced.
 */
export function writeTarget(path: string, scope: string): { target: string; linked: boolean } | { error: string } {
  let real: string;
  let root: string;
  try {
    real = realpathSync(path);
    root = realpathSync(scope);
  } catch (e) {
    return { error: `cannot resolve the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  if (!inside(root, real))
    return { error: `not fixed: it is a symbolic link to a file outside ${scope}; file left unchanged` };
  if (!lstatSync(real).isFile()) return { error: 'not fixed: not a regular file; left unchanged' };
  return { target: real, linked: lstatSync(path).isSymbolicLink() };
}

/**
 * Replaces `target` with `bytes` atomically: a fresh temporary file in the same folder, created
 * exclusively and without following links (a name the repository pre-placed is never written
 * through), given the original's mode (and owner, where allowed), flushed to disk, then renamed over
 * the original; the folder is flushed too, so the rename survives a crash.
 */
export function replaceFile(target: string, bytes: Uint8Array): void {
  const st = lstatSync(target);
  if (!st.isFile()) throw new Error('not a regular file');
  const dir = dirname(target);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  let tmp = '';
  let fd = -1;
  for (let attempt = 0; fd < 0; attempt++) {
    tmp = join(dir, `.${basename(target)}.${randomBytes(8).toString('hex')}.workflow-provenance.tmp`);
    try {
      fd = openSync(tmp, flags, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 4) throw e;
    }
  }
  try {
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    fchmodSync(fd, st.mode & 0o7777);
    if (st.uid !== process.getuid?.() || st.gid !== process.getgid?.()) {
      try {
        fchownSync(fd, st.uid, st.gid);
      } catch {
        // Only root may give a file away; anyone else writes it as their own, as an editor would.
      }
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, target);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or never created
    }
    throw e;
  }
  try {
    const dirFd = openSync(dir, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0));
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Some file systems cannot flush a folder; the rename itself has happened.
  }
}

/**
 * Applies every pin fix of a file and writes it safely (see fixWriter); refuses when the result would
 * not parse as well as the original did, or the file changed since it was read, so a user's file is
 * never left corrupt.
 */
export function pinFile(
  path: string,
  scope: string,
  bytes: Buffer,
  text: string,
  findings: Finding[],
): { pinned: number; text: string; linkTarget?: string; error?: string } {
  const { edits, count } = combineFixes(findings, pinFixOf);
  if (edits.length === 0) return { pinned: 0, text };
  const next = applyEdits(text, edits);
  if (parseYaml(next).errors.length > parseYaml(text).errors.length)
    return { pinned: 0, text, error: 'not pinned: the result would not parse; file left unchanged' };
  const target = writeTarget(path, scope);
  if ('error' in target) return { pinned: 0, text, error: target.error };
  const nextBytes = editBytes(bytes, text, edits);
  if (!nextBytes)
    return { pinned: 0, text, error: 'not pinned: an edit falls inside bytes that are not UTF-8; file left unchanged' };
  try {
    // Between reading and now, someone may have edited the file: their work wins.
    if (!readFileSync(target.target).equals(bytes))
      return { pinned: 0, text, error: 'not pinned: the file changed while it was being checked; left unchanged' };
    replaceFile(target.target, nextBytes);
  } catch (e) {
    return {
      pinned: 0,
      text,
      error: `cannot write: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}; file left unchanged`,
    };
  }
  return {
    pinned: count,
    text: nextBytes.toString('utf8'),
    linkTarget: target.linked ? shortPath(target.target) : undefined,
  };
}
