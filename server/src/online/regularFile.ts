// Reading the user's own files (the cache, Docker's config) without being led astray: a symlink, a FIFO
// or a device planted at that path would otherwise be followed, block forever or never end.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The file's text when it is a regular file (not a FIFO or device) of at most `max` bytes; else throws.
 * A symlink at `path` itself is refused unless `followLink` (people keep their Docker config in dotfiles).
 */
export function readRegularFile(path: string, max: number, followLink = false): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (followLink ? 0 : constants.O_NOFOLLOW));
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > max) throw new Error(`${path} is not a regular file of at most ${max} bytes`);
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
