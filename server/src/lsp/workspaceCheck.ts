// The workspace pass: every workflow file of every folder re-checked (at start, when settings, the
// policy, the folders or trust change), files changed on disk re-checked as the client's file watcher
// reports them, and the status the client shows.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver';
import { isAnalyzablePath } from '../engine';
import { type ServerContext, keyOf, pathForEngine } from './context';
import { countDiagnostics } from './convert';
import { type DocumentChecker, readClosedFile } from './documents';
import type { Folders } from './folders';
import type { RecheckResult, ServerState, StatusParams } from './protocol';
import { findWorkflowFiles, quotePath } from '../workspace';

/** How many files a workspace check analyses before letting pending requests through. */
const filesPerSlice = 8;

/** What the server watches on disk: workflows, action metadata, policy files and git remotes (owners). */
const watchedGlobs = [
  '**/.github/workflows/*.{yml,yaml}',
  '**/action.{yml,yaml}',
  // Dockerfiles that Docker actions build, followed from the workflows using them.
  '**/Dockerfile',
  '**/workflow-provenance.{yml,yaml}',
  '**/.git/config',
  // GitHub's lockfile for the workflows beside it.
  '**/.github/workflows/actions.lock',
];

export class WorkspaceCheck {
  /** Bumped by each workspace check, so an older one still running stops. */
  private generation = 0;
  private state: ServerState = 'idle';
  private lastStatus = '';

  constructor(
    private readonly ctx: ServerContext,
    private readonly folders: Folders,
    private readonly documents: DocumentChecker,
    private readonly sendStatus: (status: StatusParams) => void,
  ) {}

  /**
   * Asks the client to report changes on disk. The server alone registers watchers (the client
   * registers none), so each change arrives once.
   */
  async watchFiles(): Promise<void> {
    if (!this.ctx.capabilities.dynamicWatchers) return;
    await this.ctx.connection.client
      .register(DidChangeWatchedFilesNotification.type, {
        watchers: watchedGlobs.map((globPattern) => ({ globPattern })),
      })
      .catch((e) => this.ctx.logError('register', e));
  }

  /** Reloads every folder's configuration and re-analyses every workflow file in the workspace. */
  async recheck(reason: string): Promise<RecheckResult> {
    const generation = ++this.generation;
    const started = Date.now();
    this.setState('checking');
    try {
      const loaded = await this.folders.load();
      if (generation !== this.generation) return this.totals();
      this.folders.apply(loaded);

      const queued = new Set<string>();
      for (const folder of loaded.folders) {
        if (!folder.uri.startsWith('file:')) continue;
        const found = await findWorkflowFiles(folder.path);
        for (const file of found.files) queued.add(file);
        for (const s of found.skipped) this.ctx.log(`${quotePath(s.path)} skipped: ${s.reason}.`);
        if (generation !== this.generation) return this.totals();
      }
      // Open documents count too, wherever they live, and come first: they are what the user is looking at.
      const open = this.ctx.documents
        .all()
        .filter((document) => isAnalyzablePath(pathForEngine(document.uri)))
        .map((document) => keyOf(document.uri));
      for (const key of open) queued.add(key);
      const queue = [...new Set([...open, ...queued])];
      for (let i = 0; i < queue.length; i++) {
        const key = queue[i];
        const open = this.ctx.openDocumentAt(key);
        if (open) this.documents.check(open.uri, key, open.version, open.getText());
        else {
          const text = readClosedFile(key, this.folders.folderFor(key));
          if (text !== undefined) this.documents.check(pathToFileURL(key).href, key, null, text);
        }
        if (i % filesPerSlice === filesPerSlice - 1) {
          await new Promise((resolve) => setImmediate(resolve));
          if (generation !== this.generation) return this.totals();
        }
      }
      for (const key of this.documents.checkedKeys()) if (!queued.has(key)) this.documents.forget(key);
      const totals = this.totals();
      this.ctx.log(
        `Checked ${totals.files} workflow file(s) in ${Date.now() - started} ms (${reason}): ` +
          `${totals.errors} error(s), ${totals.warnings} warning(s), ${totals.infos} info(s).`,
      );
      return totals;
    } finally {
      if (generation === this.generation) this.setState('idle'); // reportStatus shows 'resolving' while look-ups are pending
    }
  }

  async watchedFilesChanged(changes: Array<{ uri: string; type: FileChangeType }>): Promise<void> {
    let recheckAll = false;
    for (const change of changes) {
      const key = keyOf(change.uri);
      const isGitConfig = key.endsWith(path.join('.git', 'config'));
      if (this.folders.configFolderOf(key) || isGitConfig) {
        recheckAll = true;
        continue;
      }
      if (path.basename(key) === 'actions.lock') {
        this.documents.refreshLockedBy(key);
        continue;
      }
      // A changed action file or Dockerfile changes what the workflows using it run.
      this.documents.refreshDependents(key);
      if (!isAnalyzablePath(pathForEngine(change.uri))) continue;
      // Open documents are owned by the editor's buffer, not the disk.
      if (this.ctx.openDocumentAt(key)) continue;
      if (change.type === FileChangeType.Deleted) {
        this.documents.forget(key);
        continue;
      }
      if (this.folders.folderFor(key) === this.folders.loose) continue;
      const text = readClosedFile(key, this.folders.folderFor(key));
      if (text === undefined) this.documents.forget(key);
      else this.documents.check(pathToFileURL(key).href, key, null, text);
    }
    if (recheckAll) await this.recheck('config file changed on disk');
    else this.reportStatus();
  }

  // ---- status

  totals(): RecheckResult {
    const counts = this.documents.counts();
    for (const diagnostics of this.folders.configDiagnosticLists()) countDiagnostics(diagnostics, counts);
    return counts;
  }

  private setState(state: ServerState): void {
    this.state = state;
    this.reportStatus();
  }

  reportStatus(): void {
    const lookups = this.ctx.facts.pendingLookups() + this.documents.followReads();
    const state = this.state === 'idle' && lookups > 0 ? 'resolving' : this.state;
    const withheld = this.ctx.facts.withheldRegistries?.() ?? [];
    const status: StatusParams = {
      state,
      ...this.totals(),
      lookups,
      ...(withheld.length > 0 ? { withheldRegistries: withheld } : {}),
    };
    const serialised = JSON.stringify(status);
    if (serialised === this.lastStatus) return;
    this.lastStatus = serialised;
    this.sendStatus(status);
  }
}
