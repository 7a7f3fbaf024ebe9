// Checking documents: each workflow file analysed and its diagnostics published, open files from the
// editor's buffer (debounced while typing), closed ones from disk. A file whose check fails gets one
// diagnostic saying so; the server and the other files carry on.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, isAnalyzablePath, lineIndexOf } from '../engine';
import { errorMessage } from '../engine/errorMessage';
import type { DocumentSnapshot } from './codeActions';
import { type ServerContext, keyOf, pathForEngine } from './context';
import { countDiagnostics, type Counts, fileDiagnostic, findingDiagnostics, type RuleDocs } from './convert';
import type { Folders, FolderState } from './folders';
import type { FollowedActions } from './followActions';
import { CheckedFolder, readTextOrUndefined } from '../workspace';

interface FileState {
  key: string;
  /** The URI its diagnostics are published under (the editor's URI once it is opened). */
  uri: string;
  /** What its published diagnostics add to the status; the client keeps the diagnostics themselves. */
  counts: Counts;
  /**
   * The analysis of an editor buffer, for hovers and quick fixes at its version. A closed file's is not
   * kept (it is most of the memory of a workspace of hundreds of files): it is read again when needed.
   */
  snapshot?: DocumentSnapshot;
}

/**
 * Larger files are not analysed as you type: real workflows are a few hundred kilobytes at most, and
 * a multi-megabyte one would hold the server for seconds on every keystroke. The CLI checks any size.
 */
export const maxAnalysedChars = 1_000_000;

/** Analyses slower than this are worth a line in the output channel. */
const slowAnalysisMs = 250;

export class DocumentChecker {
  private readonly files = new Map<string, FileState>();
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; immediate: boolean }>();
  /** When each file last changed, for the debounce. */
  private readonly lastChange = new Map<string, number>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly folders: Folders,
    private readonly docs: RuleDocs,
    private readonly debounceMs: number,
    /** Called when the counts may have changed. */
    private readonly changed: () => void,
    /** Re-checks the whole workspace (a config file was edited). */
    private readonly recheckWorkspace: (reason: string) => Promise<unknown>,
    private readonly follow: FollowedActions,
  ) {}

  /** Keys of every file with published diagnostics. */
  checkedKeys(): string[] {
    return [...this.files.keys()];
  }

  checkedUris(): string[] {
    return [...this.files.values()].map((f) => f.uri);
  }

  counts(): Counts & { files: number } {
    const counts = { errors: 0, warnings: 0, infos: 0 };
    for (const { counts: c } of this.files.values()) {
      counts.errors += c.errors;
      counts.warnings += c.warnings;
      counts.infos += c.infos;
    }
    return { files: this.files.size, ...counts };
  }

  snapshotOf(uri: string, key: string, version: number | null, text: string): DocumentSnapshot {
    const folder = this.folders.folderFor(key);
    const options = this.folders.analysisOptions(folder, key, uri);
    const followed = this.follow.inputFor(folder, key, uri, text, options);
    const analysis = analyze(text, { ...options, follow: followed?.follow });
    return { uri, version, text, index: lineIndexOf(text), analysis, followRoot: followed?.root };
  }

  /**
   * The document's current text analysed: the cached analysis when it is up to date; a checked file that
   * is not open, read from disk again.
   */
  currentSnapshot(uri: string): DocumentSnapshot | undefined {
    const key = keyOf(uri);
    if (!isAnalyzablePath(pathForEngine(uri))) return undefined;
    const document = this.ctx.documents.get(uri);
    const state = this.files.get(key);
    if (document) {
      const cached = state?.snapshot;
      if (cached && cached.uri === uri && cached.version === document.version) return cached;
      if (document.getText().length > maxAnalysedChars) return undefined;
      return this.snapshotOf(uri, key, document.version, document.getText());
    }
    if (!state) return undefined;
    const text = this.closedText(key);
    return text === undefined ? undefined : this.snapshotOf(state.uri, key, null, text);
  }

  /** A checked file's text on disk, when it may be read and is small enough to analyse. */
  private closedText(key: string): string | undefined {
    const text = readClosedFile(key, this.folders.folderFor(key));
    return text !== undefined && text.length <= maxAnalysedChars ? text : undefined;
  }

  /** Analyses and publishes one file's text under `uri`; a failure becomes the file's one diagnostic. */
  check(uri: string, key: string, version: number | null, text: string): void {
    const state = this.files.get(key);
    if (state && state.uri !== uri) this.ctx.connection.sendDiagnostics({ uri: state.uri, diagnostics: [] });
    let diagnostics: Diagnostic[];
    let snapshot: DocumentSnapshot | undefined;
    try {
      ({ diagnostics, snapshot } = this.judge(uri, key, version, text));
    } catch (error) {
      this.ctx.logError(`check ${key}`, error);
      diagnostics = [
        fileDiagnostic(
          'check-failed',
          DiagnosticSeverity.Error,
          `This file could not be checked: ${errorMessage(error)}`,
        ),
      ];
    }
    const counts = { errors: 0, warnings: 0, infos: 0 };
    countDiagnostics(diagnostics, counts);
    // Only an editor buffer (it has a version) keeps its analysis: hovers and quick fixes ask for it.
    this.files.set(key, { key, uri, counts, snapshot: version === null ? undefined : snapshot });
    this.ctx.connection.sendDiagnostics({ uri, version: version ?? undefined, diagnostics });
  }

  private judge(
    uri: string,
    key: string,
    version: number | null,
    text: string,
  ): { diagnostics: Diagnostic[]; snapshot?: DocumentSnapshot } {
    const folder = this.folders.folderFor(key);
    if (!folder.settings.enable) return { diagnostics: [] };
    if (text.length > maxAnalysedChars) {
      const message = `This file has ${text.length.toLocaleString('en')} characters, more than the ${maxAnalysedChars.toLocaleString('en')} checked as you type; check it with the command line (workflow-provenance check).`;
      return { diagnostics: [fileDiagnostic('file-too-large', DiagnosticSeverity.Information, message)] };
    }
    const started = performance.now();
    const snapshot = this.snapshotOf(uri, key, version, text);
    const took = performance.now() - started;
    if (folder.settings.online) this.ctx.facts.want?.(uri, snapshot.analysis);
    if (took > slowAnalysisMs) this.ctx.log(`Analysing ${key} took ${Math.round(took)} ms.`);
    return {
      diagnostics: findingDiagnostics({
        uri,
        version,
        index: snapshot.index,
        analysis: snapshot.analysis,
        docs: this.docs,
        followRoot: snapshot.followRoot,
      }),
      snapshot,
    };
  }

  documentChanged(document: TextDocument, immediately: boolean): void {
    const key = keyOf(document.uri);
    const delayMs = immediately ? 0 : this.debounceMs;
    if (this.folders.configFolderOf(key)) {
      this.schedule(key, delayMs, () =>
        this.ctx.guardAsync('config', async () => void (await this.recheckWorkspace('config file edited'))),
      );
      return;
    }
    if (!isAnalyzablePath(pathForEngine(document.uri))) return;
    this.schedule(key, delayMs, () => {
      // The timer may fire after the document closed; the latest buffer is what counts.
      const current = this.ctx.documents.get(document.uri);
      // Before the workspace's policy is known a verdict could be wrong; the first check covers this file.
      if (!current || !this.folders.loaded) return;
      this.check(current.uri, key, current.version, current.getText());
      this.refreshDependents(key);
      this.changed();
    });
  }

  /**
   * Runs `run` for `key` at once when the file has been quiet for `delayMs`, else once the burst of
   * changes pauses: the first keystroke after a pause gets instant feedback, fast typing is coalesced.
   */
  private schedule(key: string, delayMs: number, run: () => void): void {
    const pending = this.timers.get(key);
    const now = performance.now();
    const quiet = now - (this.lastChange.get(key) ?? -Infinity) >= delayMs;
    this.lastChange.set(key, now);
    // A run already due "at once" reads the latest buffer when it fires: changes sent together analyse once.
    if (pending?.immediate) return;
    if (pending) clearTimeout(pending.timer);
    const immediate = !pending && quiet;
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        this.ctx.guardVoid('analyze', run);
      },
      immediate ? 0 : delayMs,
    );
    this.timers.set(key, { timer, immediate });
  }

  async documentClosed(document: TextDocument): Promise<void> {
    const key = keyOf(document.uri);
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending.timer);
    this.timers.delete(key);
    this.lastChange.delete(key);
    if (this.folders.configFolderOf(key)) {
      await this.recheckWorkspace('config file closed');
      return;
    }
    if (!this.files.has(key)) return;
    // A closed file that is still on disk inside the workspace stays in the Problems panel.
    const inWorkspace = this.folders.folderFor(key) !== this.folders.loose;
    const text =
      inWorkspace && document.uri.startsWith('file:') ? readClosedFile(key, this.folders.folderFor(key)) : undefined;
    if (text === undefined) this.forget(key);
    else this.check(pathToFileURL(key).href, key, null, text);
    this.changed();
  }

  forget(key: string): void {
    const state = this.files.get(key);
    if (!state) return;
    this.files.delete(key);
    this.ctx.connection.sendDiagnostics({ uri: state.uri, diagnostics: [] });
  }

  /** Re-analyses the documents whose `uses:` lead to the file at `key` (it changed). */
  refreshDependents(key: string): void {
    for (const uri of this.follow.dependentsOf(key)) this.refreshUri(uri);
  }

  /** Re-analyses the checked workflows beside the lockfile at `key` (it changed, appeared or went). */
  refreshLockedBy(key: string): void {
    const folder = path.dirname(key);
    for (const state of [...this.files.values()]) if (path.dirname(state.key) === folder) this.refreshUri(state.uri);
  }

  /** Published actions' files being read for the documents' `uses:` lines. */
  followReads(): number {
    return this.follow.pending();
  }

  /** Re-analyses the file at `uri` (its online facts changed) from the buffer or the last text checked. */
  refreshUri(uri: string): void {
    const key = keyOf(uri);
    const open = this.ctx.documents.get(uri) ?? this.ctx.openDocumentAt(key);
    if (open) this.check(open.uri, key, open.version, open.getText());
    else {
      const state = this.files.get(key);
      const text = state ? this.closedText(key) : undefined;
      if (state && text !== undefined) this.check(state.uri, key, null, text);
    }
    this.changed();
  }
}

/**
 * Reads a closed file of `folder` from disk for checking, within the workspace layer's limits (regular
 * files only, no symlink out of the folder); undefined when it cannot or may not be read.
 */
export function readClosedFile(key: string, folder: FolderState): string | undefined {
  return readTextOrUndefined(key, folder.path ? new CheckedFolder(folder.path) : undefined);
}
