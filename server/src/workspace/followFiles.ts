// Reading the files `uses:` lines lead to, for the engine's follower: local ones from the checked
// folder through the safe reader, remote ones from an `ActionFileSource` (online, or its cache). The
// engine decides what is needed next (depth, cycles, bounds); this layer only reads.
import * as path from 'node:path';
import { followPlanner } from '../engine/analyze';
import type { AnalyzeOptions } from '../engine/api';
import { type FileAddress, fileKey, type FollowedFile, type FollowInput, maxFollowedFiles } from '../engine/follow';
import type { ActionFileSource } from '../online/actionFiles';
import { CheckedFolder, readCheckedFile } from './readFile';
import { repositoryRoot } from './repository';

/** Action metadata, workflows and Dockerfiles are a few kilobytes; a larger one is not followed. */
export const maxFollowedFileBytes = 1024 * 1024;

export type RemoteAddress = FileAddress & { kind: 'remote' };

export interface FollowReaders {
  /** A file of the repository's working tree, by its path relative to the repository root. */
  local(repositoryPath: string): FollowedFile;
  /** A remote file as known now; undefined when it has yet to be fetched. */
  remote(address: RemoteAddress): FollowedFile | undefined;
}

/**
 * The repository root `./` means for `file`: the folder holding its `.github` (workflows live only
 * there), else the nearest folder with `.git`, else `fallback`.
 */
export function followRoot(file: string, fallback: string): string {
  const resolved = path.resolve(file);
  const marker = `${path.sep}.github${path.sep}`;
  const at = resolved.lastIndexOf(marker);
  if (at >= 0) return resolved.slice(0, at) || path.sep;
  return repositoryRoot(path.dirname(resolved)) ?? path.resolve(fallback);
}

/** The document's path relative to `root`, `/`-separated; undefined when it lies outside. */
export function pathInRepository(file: string, root: string): string | undefined {
  const rel = path.relative(root, path.resolve(file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** Reads files under `root`, never outside `folder` (the folder the user checked) nor into `.git`. */
export function localReader(root: string, folder: CheckedFolder): (repositoryPath: string) => FollowedFile {
  return (repositoryPath) => {
    const full = path.resolve(root, ...repositoryPath.split('/'));
    const outcome = readCheckedFile(full, folder, maxFollowedFileBytes);
    if ('text' in outcome) return { kind: 'found', text: outcome.text };
    if (outcome.missing) return { kind: 'missing' };
    return { kind: 'failed', reason: outcome.skipped };
  };
}

/**
 * Reads, round after round, every file the follower asks for until it asks for none it has not got.
 * Remote files the reader does not know yet are answered as "being read" and listed in `pending`.
 */
export function collectFollowedFiles(
  text: string,
  options: AnalyzeOptions & { follow: FollowInput },
  readers: FollowReaders,
): { follow: FollowInput; pending: RemoteAddress[] } {
  const files = new Map(options.follow.files);
  const pending: RemoteAddress[] = [];
  const filesToFollow = followPlanner(text, options);
  // Each round reads at least one new file, so the rounds are bounded by the file bound.
  for (let round = 0; round <= maxFollowedFiles; round++) {
    const needed = filesToFollow(files);
    if (needed.length === 0) break;
    for (const address of needed) {
      let file: FollowedFile | undefined;
      if (address.kind === 'local') file = readers.local(address.path);
      else {
        file = readers.remote(address);
        if (!file) {
          pending.push(address);
          file = { kind: 'failed', reason: 'being read…' };
        }
      }
      files.set(fileKey(address), file);
    }
  }
  return { follow: { ...options.follow, files }, pending };
}

/**
 * Everything a document's `uses:` lines lead to, fetching remote files from `source` as they are
 * needed (none without a source: they are then "not followed" with `offlineReason`).
 */
export async function followFiles(
  text: string,
  options: AnalyzeOptions & { follow: FollowInput },
  local: (repositoryPath: string) => FollowedFile,
  source: ActionFileSource | undefined,
  offlineReason = 'offline',
): Promise<FollowInput> {
  const fetched = new Map<string, FollowedFile>();
  const remote = (address: RemoteAddress): FollowedFile | undefined =>
    source ? fetched.get(fileKey(address)) : { kind: 'failed', reason: offlineReason };
  for (;;) {
    const round = collectFollowedFiles(text, options, { local, remote });
    if (round.pending.length === 0 || !source) return round.follow;
    await Promise.all(
      round.pending.map(async (a) => {
        const file = await source
          .fileAt(a.owner, a.repo, a.ref, a.path)
          .catch((e: unknown) => ({ kind: 'failed' as const, reason: e instanceof Error ? e.message : String(e) }));
        fetched.set(fileKey(a), file);
      }),
    );
  }
}

/** Where a checked file's `uses:` lines are followed from: its repository root and its path there. */
export interface FollowSetup {
  root: string;
  path: string;
  local: (repositoryPath: string) => FollowedFile;
}

/**
 * How to follow the `uses:` of `file`, reading nothing outside `folder` (the folder the user checked;
 * for a file named on its own, its repository root); undefined when the file lies outside that root.
 */
export function followSetup(
  file: string,
  folder: CheckedFolder | undefined,
  fallbackRoot: string,
): FollowSetup | undefined {
  const root = followRoot(file, fallbackRoot);
  const inRepository = pathInRepository(file, root);
  if (inRepository === undefined) return undefined;
  return { root, path: inRepository, local: localReader(root, folder ?? new CheckedFolder(root)) };
}
