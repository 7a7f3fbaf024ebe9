// Reading a file of a checked folder, safely: the folder may be a stranger's repository. Only regular
// files are read (a FIFO would block forever, /dev/zero never ends), up to one size limit, and never
// through a symlink that leads out of the folder or into its `.git` (whose config may hold a token).
// The online layer reads the user's own files (the look-up cache, Docker's config) with the same reader.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../engine/errorMessage';

/**
 * The largest file either face reads. Real workflows are a few hundred kilobytes at most; this
 * leaves room for generated ones while keeping a hostile file from filling memory.
 */
export const maxFileBytes = 64 * 1024 * 1024;

/** The bytes read (a fix edits these, so what is not UTF-8 survives) and their text; or why not. */
export type ReadOutcome = { bytes: Buffer; text: string } | { skipped: string; missing?: boolean };

/** The folder a read must stay inside: the one the user named (its real path is taken once). */
export class CheckedFolder {
  readonly real: string;

  constructor(readonly path: string) {
    this.real = realOrResolved(path);
  }

  /** Why the real path `real` may not be read from this folder, or undefined when it may. */
  refusal(real: string): string | undefined {
    const rel = path.relative(this.real, real);
    if (rel.startsWith('..') || path.isAbsolute(rel))
      return `it is a symlink to ${quotePath(real)}, outside the checked folder`;
    if (rel.split(path.sep).includes('.git')) return 'it is a symlink into .git';
    return undefined;
  }
}

function realOrResolved(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * Reads `file` as UTF-8 when it is a regular file inside `folder` (when given) and within the size
 * limit (`limitBytes`, at most `maxFileBytes`); otherwise says, in a few words, why it was skipped.
 * Never throws, never blocks on a FIFO.
 */
export function readCheckedFile(file: string, folder?: CheckedFolder, limitBytes = maxFileBytes): ReadOutcome {
  const limit = Math.min(limitBytes, maxFileBytes);
  let real: string;
  try {
    real = realpathSync(file);
  } catch (error) {
    const code = codeOf(error);
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? { skipped: `cannot read: ${code}`, missing: true }
      : { skipped: `cannot read: ${code}` };
  }
  const refusal = folder?.refusal(real);
  if (refusal) return { skipped: refusal };
  return readRegularFile(real, limit);
}

/**
 * Reads `file` as UTF-8 when it is a regular file of at most `max` bytes; otherwise says why not. Never
 * throws, never blocks on a FIFO. A symlink at `file` itself is refused unless `followLink`: the
 * user's own files (the look-up cache) are read this way, with no folder to stay inside.
 */
export function readRegularFile(file: string, max = maxFileBytes, followLink = true): ReadOutcome {
  const tooLarge = `it is larger than the ${sizeText(max)} read limit`;
  let fd: number;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | (followLink ? 0 : constants.O_NOFOLLOW));
  } catch (error) {
    return { skipped: `cannot read: ${codeOf(error)}` };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { skipped: `it is ${kindOf(stats)}, not a regular file` };
    if (stats.size > max) return { skipped: tooLarge };
    // Read at most one byte past the limit: a file growing while it is read is still bounded.
    const buffer = Buffer.alloc(Math.min(stats.size, max) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      // More bytes than its size said: it grew while being read.
      if (length === buffer.length) return { skipped: length > max ? tooLarge : 'it changed while it was read' };
    }
    const bytes = buffer.subarray(0, length);
    return { bytes, text: bytes.toString('utf8') };
  } catch (error) {
    return { skipped: `cannot read: ${codeOf(error)}` };
  } finally {
    closeSync(fd);
  }
}

/** The text of a file, or undefined when it is missing or may not be read (see `readCheckedFile`). */
export function readTextOrUndefined(file: string, folder?: CheckedFolder): string | undefined {
  const outcome = readCheckedFile(file, folder);
  return 'text' in outcome ? outcome.text : undefined;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`;
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a folder';
  return 'not a file';
}

function codeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : errorMessage(error);
}

/** A path for a message: control characters escaped, so a file name cannot forge output lines. */
export function quotePath(p: string): string {
  return JSON.stringify(p);
}
