// Following `uses:` in the language server: local files are read as each document is analysed; files
// of published actions arrive in the background (online for documents open in the editor, from the
// cache alone otherwise) and the documents that wanted them are analysed again. Restricted Mode reads
// no published action, not even from the cache.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnalyzeOptions } from '../engine/api';
import { fileKey, type FollowedFile, type FollowInput } from '../engine/follow';
import { errorMessage } from '../engine/errorMessage';
import { CheckedFolder } from '../workspace';
import { collectFollowedFiles, followSetup, maxFollowedFileBytes, type RemoteAddress } from '../workspace/followFiles';
import type { ServerContext } from './context';
import type { Folders, FolderState } from './folders';
import { Interests, RecentFailures } from './lookupRecords';

/** How long a failed read waits before it is tried again. */
const retryFailedMs = 5 * 60 * 1000;

type Mode = 'online' | 'cache';

export class FollowedActions {
  /** Found or missing at a commit: true for good, whichever way it was read. */
  private readonly settled = new Map<string, FollowedFile>();
  private readonly failed = new RecentFailures<FollowedFile>(retryFailedMs);
  private readonly inFlight = new Set<string>();
  private readonly interested = new Map<string, Set<string>>();
  private readonly listeners: Array<(uris: string[]) => void> = [];
  /** For each local file a follow read (by path), the documents whose follow read it. */
  private readonly readers = new Interests();

  constructor(
    private readonly ctx: ServerContext,
    private readonly folders: Folders,
  ) {}

  /** Called with the documents whose followed files changed. */
  onDidChange(listener: (uris: string[]) => void): void {
    this.listeners.push(listener);
  }

  /** Reads in flight, for the status. */
  pending(): number {
    return this.inFlight.size;
  }

  /**
   * The files the document's `uses:` lines lead to, as far as they are known now, and the repository
   * root their paths are relative to; undefined for a document not on disk or outside its repository.
   */
  inputFor(
    folder: FolderState,
    key: string,
    uri: string,
    text: string,
    options: AnalyzeOptions,
  ): { root: string; follow: FollowInput } | undefined {
    if (!uri.startsWith('file:')) return undefined;
    const setup = followSetup(key, folder.path ? new CheckedFolder(folder.path) : undefined, folder.path || key);
    if (!setup) return undefined;
    const source = this.ctx.facts.actionFiles;
    const mode: Mode = folder.settings.online && this.ctx.documents.get(uri) ? 'online' : 'cache';
    const remote = (address: RemoteAddress): FollowedFile | undefined => {
      if (!this.folders.trusted)
        return { kind: 'failed', reason: 'Restricted Mode: trust the workspace to follow published actions' };
      if (!source) return { kind: 'failed', reason: 'offline' };
      return this.known(address, uri, mode);
    };
    const read: string[] = [];
    // An action file open in the editor is read from its buffer, so an edit shows before it is saved.
    const local = (repositoryPath: string): FollowedFile => {
      const file = path.join(setup.root, ...repositoryPath.split('/'));
      read.push(file);
      const open = this.ctx.openDocumentAt(file);
      const inside = folder.path !== '' && !path.relative(folder.path, file).startsWith('..');
      if (open && inside && open.getText().length <= maxFollowedFileBytes)
        return { kind: 'found', text: open.getText() };
      return setup.local(repositoryPath);
    };
    const { follow } = collectFollowedFiles(
      text,
      { ...options, follow: { files: new Map(), path: setup.path } },
      { local, remote },
    );
    this.readers.replace(uri, read);
    return { root: setup.root, follow };
  }

  /** The documents whose follow read the file at `key` (a path), besides `key` itself. */
  dependentsOf(key: string): string[] {
    return this.readers.urisOf(key).filter((uri) => uri !== pathToFileURL(key).href);
  }

  /** What is known of `address`; undefined while it is read (a read is started here). */
  private known(address: RemoteAddress, uri: string, mode: Mode): FollowedFile | undefined {
    const key = fileKey(address);
    const settled = this.settled.get(key);
    if (settled) return settled;
    const failed = this.failed.get(`${mode}:${key}`);
    if (failed) return failed;
    let uris = this.interested.get(key);
    if (!uris) this.interested.set(key, (uris = new Set()));
    uris.add(uri);
    if (this.inFlight.has(`${mode}:${key}`)) return undefined;
    this.read(address, key, mode);
    return undefined;
  }

  private read(address: RemoteAddress, key: string, mode: Mode): void {
    const source = this.ctx.facts.actionFiles?.(mode === 'cache');
    if (!source) return;
    this.inFlight.add(`${mode}:${key}`);
    void source
      .fileAt(address.owner, address.repo, address.ref, address.path)
      .catch((e: unknown): FollowedFile => ({ kind: 'failed', reason: errorMessage(e) }))
      .then((file) => {
        if (file.kind === 'failed') this.failed.add(`${mode}:${key}`, file);
        else this.settled.set(key, file);
        this.inFlight.delete(`${mode}:${key}`);
        let uris = [...(this.interested.get(key) ?? [])];
        this.interested.delete(key);
        // A file that could not be read adds no finding, only the hover's "not followed" note, and a
        // hover needs an open document: closed files are not analysed again for it (opening a workspace
        // would otherwise check every file twice, once more for each answer "not in the cache").
        if (file.kind === 'failed') uris = uris.filter((uri) => this.ctx.documents.get(uri) !== undefined);
        // Called even with no document to analyse again: the status counts the reads in flight.
        for (const listener of this.listeners) listener(uris);
      });
  }
}
