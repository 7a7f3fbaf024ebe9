// The language server proper: keeps every workflow file of the workspace analysed (open ones from the
// editor buffer, closed ones from disk), and answers hovers, code actions and commands from the engine.
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  CodeAction,
  CodeActionKind,
  CreateFile,
  Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  Hover,
  InitializeParams,
  InitializeResult,
  MarkupKind,
  TextDocumentEdit,
  TextDocuments,
  TextDocumentSyncKind,
  WorkspaceEdit,
  WorkspaceFolder,
  type Connection,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  addTrustedImageEdits,
  analyze,
  describeAction,
  describeImage,
  isAnalyzablePath,
  LineIndex,
  loadEngine,
  mergePolicies,
  parsePolicyFile,
  trustPatternFor,
} from '../engine';
import type { AnalyzeOptions, SyntaxProblem, TrustPolicy } from '../engine/api';
import type { Finding } from '../engine/types';
import { combineFixes, pinFixOf } from '../engine/fixes';
import { codeActions, type DocumentSnapshot, fixAllKind, lspEdits } from './codeActions';
import { configProblemCode, countDiagnostics, findingDiagnostics, problemDiagnostic, RuleDocs } from './diagnostics';
import { type FactsProvider, offlineFacts } from './facts';
import { hoverMarkdown, referencesAt } from './hover';
import { configFileNames, defaultConfigFileName, readSettings, type Settings, settingsPolicy } from './settings';
import { findAnalyzableFiles, readRepositoryOwner } from './workspaceFiles';

import { configureOnlineNotification, workspaceTrustedNotification, pinAllCommand, recheckCommand, type ServerState, type StatusParams, statusNotification } from './protocol';

export { pinAllCommand, recheckCommand, statusNotification, type ServerState, type StatusParams };

export interface ServerOptions {
  /** Directory holding `rules/<id>.md`. */
  docsDir: string;
  /** Quiet time after the last keystroke before a document is re-analysed. */
  debounceMs: number;
  facts?: FactsProvider;
  version?: string;
}

interface FolderState {
  uri: string;
  path: string;
  settings: Settings;
  owner?: string;
  /** The config file in use, when one exists. */
  configPath?: string;
  configProblems: SyntaxProblem[];
  policy: TrustPolicy;
}

interface FileState {
  key: string;
  /** The URI its diagnostics are published under (the editor's URI once it is opened). */
  uri: string;
  diagnostics: Diagnostic[];
  snapshot?: DocumentSnapshot;
}

/**
 * Larger files are not analysed as you type: real workflows are a few hundred kilobytes at most, and
 * a multi-megabyte one would hold the server for seconds on every keystroke. The CLI checks any size.
 */
export const maxAnalysedChars = 1_000_000;

/** Analyses slower than this are worth a line in the output channel. */
const slowAnalysisMs = 250;

/** How many files a workspace check analyses before letting pending requests through. */
const filesPerSlice = 8;

/** File-system path of a `file:` URI; other schemes are keyed by the URI itself. */
function keyOf(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  return uri;
}

function pathForEngine(uri: string): string {
  if (uri.startsWith('file:')) return keyOf(uri);
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}

export class WorkflowProvenanceServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly docs: RuleDocs;
  private readonly facts: FactsProvider;
  private folders: FolderState[] = [];
  /** Settings used for files outside every workspace folder. */
  private looseFolder: FolderState;
  private readonly files = new Map<string, FileState>();
  /** Config file diagnostics, by config file path. */
  private readonly configDiagnostics = new Map<string, { uri: string; diagnostics: Diagnostic[] }>();
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; immediate: boolean }>();
  /** When each file last changed, for the debounce. */
  private readonly lastChange = new Map<string, number>();
  private state: ServerState = 'idle';
  private lastStatus = '';
  /** Bumped by each workspace check, so an older one still running stops. */
  private generation = 0;
  private capabilities = {
    configuration: false,
    dynamicConfiguration: false,
    dynamicWatchers: false,
    workspaceFolders: false,
    createFiles: false,
    documentChanges: false,
  };
  private initFolders: WorkspaceFolder[] = [];
  /**
   * False in an untrusted workspace (VS Code's Restricted Mode): the repository's own config file and
   * its `origin` owner could otherwise trust the very images a hostile repository wants hidden.
   */
  private workspaceTrusted = true;
  /** False until the folders' settings and config files are first loaded; the first check covers open files. */
  private foldersLoaded = false;

  constructor(
    private readonly connection: Connection,
    private readonly options: ServerOptions,
  ) {
    this.docs = new RuleDocs(options.docsDir);
    this.facts = options.facts ?? offlineFacts;
    this.looseFolder = this.folderState('', '', { ...readSettings(undefined) }, undefined, undefined, []);
  }

  start(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => this.guardAsync('initialized', () => this.initialized()));
    c.onHover((params) => this.guard('hover', null, () => this.hover(params.textDocument.uri, params.position)));
    c.onCodeAction((params) =>
      this.guard('codeAction', [] as CodeAction[], () =>
        this.codeActions(params.textDocument.uri, params.range, params.context.diagnostics, params.context.only),
      ),
    );
    c.onExecuteCommand((params) => this.guardPromise('executeCommand', null, () => this.executeCommand(params.command, params.arguments ?? [])));
    c.onDidChangeConfiguration((params) =>
      this.guardAsync('didChangeConfiguration', async () => {
        if (!this.capabilities.configuration) {
          const section = (params.settings as Record<string, unknown> | null)?.workflowProvenance;
          const settings = readSettings(section);
          for (const folder of [...this.folders, this.looseFolder]) folder.settings = settings;
        }
        await this.recheckWorkspace('settings changed');
      }),
    );
    c.onDidChangeWatchedFiles((params) =>
      this.guardAsync('didChangeWatchedFiles', () => this.watchedFilesChanged(params.changes.map((ch) => ({ uri: ch.uri, type: ch.type })))),
    );
    this.documents.onDidOpen((e) => this.guardVoid('didOpen', () => this.documentChanged(e.document, 0)));
    this.documents.onDidChangeContent((e) => this.guardVoid('didChange', () => this.documentChanged(e.document, this.options.debounceMs)));
    this.documents.onDidClose((e) => this.guardAsync('didClose', () => this.documentClosed(e.document)));
    c.onNotification(workspaceTrustedNotification, () =>
      this.guardAsync('workspaceTrusted', async () => {
        this.workspaceTrusted = true;
        this.facts.setWorkspaceTrusted?.(true);
        await this.recheckWorkspace('workspace trusted');
      }),
    );
    c.onNotification(configureOnlineNotification, (params: unknown) =>
      this.guardAsync('configureOnline', async () => {
        if (params && typeof params === 'object') this.facts.configure?.(params as Record<string, unknown>);
        await this.recheckWorkspace('online settings changed');
      }),
    );
    this.facts.onDidChange((uris) => this.guardVoid('facts', () => uris.forEach((uri) => this.refreshUri(uri))));
    this.documents.listen(c);
    c.listen();
  }

  // ---- error containment: a handler's failure is logged and answered with an empty result

  private guard<T>(name: string, fallback: T, run: () => T): T {
    try {
      return run();
    } catch (error) {
      this.logError(name, error);
      return fallback;
    }
  }

  private async guardPromise<T>(name: string, fallback: T, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.logError(name, error);
      return fallback;
    }
  }

  private guardVoid(name: string, run: () => void): void {
    this.guard(name, undefined, run);
  }

  private guardAsync(name: string, run: () => Promise<void>): void {
    void this.guardPromise(name, undefined, run);
  }

  private logError(name: string, error: unknown): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.connection.console.error(`[${name}] ${detail}`);
  }

  private log(message: string): void {
    this.connection.console.log(message);
  }

  // ---- lifecycle

  private async initialize(params: InitializeParams): Promise<InitializeResult> {
    const caps = params.capabilities;
    const workspaceEdit = caps.workspace?.workspaceEdit;
    this.capabilities = {
      configuration: caps.workspace?.configuration === true,
      dynamicConfiguration: caps.workspace?.didChangeConfiguration?.dynamicRegistration === true,
      dynamicWatchers: caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      workspaceFolders: caps.workspace?.workspaceFolders === true,
      documentChanges: workspaceEdit?.documentChanges === true,
      createFiles: workspaceEdit?.documentChanges === true && (workspaceEdit.resourceOperations ?? []).includes('create'),
    };
    const init = (params.initializationOptions ?? {}) as Record<string, unknown>;
    this.workspaceTrusted = init.workspaceTrusted !== false;
    this.facts.setWorkspaceTrusted?.(this.workspaceTrusted);
    if (init.online && typeof init.online === 'object') this.facts.configure?.(init.online as Record<string, unknown>);
    this.initFolders =
      params.workspaceFolders ??
      (params.rootUri ? [{ uri: params.rootUri, name: path.basename(keyOf(params.rootUri)) }] : []);
    try {
      await loadEngine();
    } catch (error) {
      // Without the shell parser the engine still reads YAML; only images inside `run:` scripts are missed.
      this.logError('loadEngine', error);
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, fixAllKind], resolveProvider: false },
        executeCommandProvider: { commands: [recheckCommand, pinAllCommand] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'workflow-provenance', version: this.options.version },
    };
  }

  private async initialized(): Promise<void> {
    const c = this.connection;
    // A client that refuses a registration still gets the workspace checked.
    if (this.capabilities.dynamicConfiguration) {
      await c.client.register(DidChangeConfigurationNotification.type, { section: 'workflowProvenance' }).catch((e) => this.logError('register', e));
    }
    if (this.capabilities.dynamicWatchers) {
      await c.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [
            { globPattern: '**/.github/workflows/*.{yml,yaml}' },
            { globPattern: '**/action.{yml,yaml}' },
            { globPattern: '**/workflow-provenance.{yml,yaml}' },
            { globPattern: '**/.git/config' },
          ],
        })
        .catch((e) => this.logError('register', e));
    }
    if (this.capabilities.workspaceFolders) {
      c.workspace.onDidChangeWorkspaceFolders((e) =>
        this.guardAsync('didChangeWorkspaceFolders', async () => {
          const removed = new Set(e.removed.map((f) => f.uri));
          this.initFolders = [...this.initFolders.filter((f) => !removed.has(f.uri)), ...e.added];
          await this.recheckWorkspace('workspace folders changed');
        }),
      );
    }
    await this.recheckWorkspace('start');
  }

  // ---- configuration

  private folderState(
    uri: string,
    folderPath: string,
    settings: Settings,
    owner: string | undefined,
    configPath: string | undefined,
    configProblems: SyntaxProblem[],
    configPolicy?: Partial<TrustPolicy>,
  ): FolderState {
    // Settings come last so a user can override the repository's file for themselves.
    const policy = mergePolicies(configPolicy, settingsPolicy(settings));
    return { uri, path: folderPath, settings, owner, configPath, configProblems, policy };
  }

  private async fetchSettings(scopeUri: string | undefined, current: Settings): Promise<Settings> {
    if (!this.capabilities.configuration) return current;
    try {
      const value: unknown = await this.connection.workspace.getConfiguration({ scopeUri, section: 'workflowProvenance' });
      return readSettings(value);
    } catch (error) {
      this.logError('workspace/configuration', error);
      return current;
    }
  }

  /** The config file text: the editor's buffer when it is open (so edits apply live), else the disk. */
  private async readConfigText(configPath: string): Promise<string | undefined> {
    const open = this.openDocumentAt(configPath);
    if (open) return open.getText();
    try {
      return await fs.readFile(configPath, 'utf8');
    } catch {
      return undefined;
    }
  }

  private async loadFolder(folder: WorkspaceFolder): Promise<FolderState> {
    const folderPath = keyOf(folder.uri);
    const previous = this.folders.find((f) => f.uri === folder.uri);
    const settings = await this.fetchSettings(folder.uri, previous?.settings ?? this.looseFolder.settings);
    const owner = folder.uri.startsWith('file:') && this.workspaceTrusted ? await readRepositoryOwner(folderPath) : undefined;
    let configPath: string | undefined;
    let configText: string | undefined;
    for (const name of configFileNames) {
      const candidate = path.join(folderPath, name);
      configText = await this.readConfigText(candidate);
      if (configText !== undefined) {
        configPath = candidate;
        break;
      }
    }
    let configPolicy: Partial<TrustPolicy> | undefined;
    let problems: SyntaxProblem[] = [];
    if (configPath !== undefined && configText !== undefined) {
      const parsed = parsePolicyFile(configText, configPath);
      if (this.workspaceTrusted) {
        configPolicy = parsed.policy;
        problems = parsed.problems;
      } else {
        problems = [{ span: { start: 0, end: 0 }, message: 'not applied in Restricted Mode: trust the workspace to use this policy' }];
      }
    }
    this.publishConfigProblems(folderPath, configPath, configText ?? '', problems);
    return this.folderState(folder.uri, folderPath, settings, owner, configPath, problems, configPolicy);
  }

  private publishConfigProblems(folderPath: string, configPath: string | undefined, text: string, problems: SyntaxProblem[]): void {
    // Clear what was published for this folder's config files before, wherever it was.
    for (const name of configFileNames) {
      const p = path.join(folderPath, name);
      const old = this.configDiagnostics.get(p);
      if (old && (p !== configPath || problems.length === 0)) {
        this.connection.sendDiagnostics({ uri: old.uri, diagnostics: [] });
        this.configDiagnostics.delete(p);
      }
    }
    if (!configPath || problems.length === 0) return;
    const index = new LineIndex(text);
    const uri = this.openDocumentAt(configPath)?.uri ?? pathToFileURL(configPath).href;
    const diagnostics = problems.map((p) => problemDiagnostic(index, p, configProblemCode));
    this.configDiagnostics.set(configPath, { uri, diagnostics });
    this.connection.sendDiagnostics({ uri, diagnostics });
  }

  private folderFor(key: string): FolderState {
    let best: FolderState | undefined;
    for (const folder of this.folders) {
      if (key === folder.path || key.startsWith(folder.path.endsWith(path.sep) ? folder.path : folder.path + path.sep)) {
        if (!best || folder.path.length > best.path.length) best = folder;
      }
    }
    return best ?? this.looseFolder;
  }

  private isConfigPath(key: string): FolderState | undefined {
    return this.folders.find((f) => configFileNames.some((name) => path.join(f.path, name) === key));
  }

  // ---- analysis

  private openDocumentAt(key: string): TextDocument | undefined {
    return this.documents.all().find((d) => keyOf(d.uri) === key);
  }

  private analysisOptions(folder: FolderState, key: string, uri: string): AnalyzeOptions {
    // With `online` off nothing is looked up and no online fact is used.
    return { path: key, policy: folder.policy, repositoryOwner: folder.owner, resolved: folder.settings.online ? this.facts.factsFor(uri) : undefined };
  }

  private snapshotOf(uri: string, key: string, version: number | null, text: string): DocumentSnapshot {
    const folder = this.folderFor(key);
    const analysis = analyze(text, this.analysisOptions(folder, key, uri));
    return { uri, version, text, index: new LineIndex(text), analysis };
  }

  /** Analyses and publishes one file's text under `uri`. */
  private check(uri: string, key: string, version: number | null, text: string): void {
    const folder = this.folderFor(key);
    const state = this.files.get(key);
    if (state && state.uri !== uri) this.connection.sendDiagnostics({ uri: state.uri, diagnostics: [] });
    if (!folder.settings.enable) {
      this.files.set(key, { key, uri, diagnostics: [] });
      this.connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    if (text.length > maxAnalysedChars) {
      const diagnostics: Diagnostic[] = [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: DiagnosticSeverity.Information,
          source: 'workflow-provenance',
          code: 'file-too-large',
          message: `This file has ${text.length.toLocaleString('en')} characters, more than the ${maxAnalysedChars.toLocaleString('en')} checked as you type; check it with the command line (workflow-provenance check).`,
        },
      ];
      this.files.set(key, { key, uri, diagnostics });
      this.connection.sendDiagnostics({ uri, version: version ?? undefined, diagnostics });
      return;
    }
    const started = performance.now();
    const snapshot = this.snapshotOf(uri, key, version, text);
    const took = performance.now() - started;
    if (folder.settings.online) this.facts.want?.(uri, snapshot.analysis);
    if (took > slowAnalysisMs) this.log(`Analysing ${key} took ${Math.round(took)} ms.`);
    const diagnostics = findingDiagnostics({
      uri,
      version,
      index: snapshot.index,
      analysis: snapshot.analysis,
      docs: this.docs,
      trustPatternOf: (f) => this.trustPatternOf(f, folder, key, uri),
    });
    this.files.set(key, { key, uri, diagnostics, snapshot });
    this.connection.sendDiagnostics({ uri, version: version ?? undefined, diagnostics });
  }

  private trustPatternOf(finding: Finding, folder: FolderState, key: string, uri: string): string | undefined {
    const reference = finding.reference;
    if (reference.kind !== 'image' || !reference.parsed) return undefined;
    const standing = describeImage(reference, this.analysisOptions(folder, key, uri)).standing;
    if (standing !== 'community' && standing !== 'unknown') return undefined;
    return trustPatternFor(reference);
  }

  private documentChanged(document: TextDocument, delayMs: number): void {
    const key = keyOf(document.uri);
    const configFolder = this.isConfigPath(key);
    if (configFolder) {
      this.schedule(key, delayMs, () => this.guardAsync('config', async () => void (await this.recheckWorkspace('config file edited'))));
      return;
    }
    if (!isAnalyzablePath(pathForEngine(document.uri))) return;
    this.schedule(key, delayMs, () => {
      // The timer may fire after the document closed; the latest buffer is what counts.
      const current = this.documents.get(document.uri);
      // Before the workspace's policy is known a verdict could be wrong; the first check covers this file.
      if (!current || !this.foldersLoaded) return;
      this.check(current.uri, key, current.version, current.getText());
      this.reportStatus();
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
        this.guardVoid('analyze', run);
      },
      immediate ? 0 : delayMs,
    );
    this.timers.set(key, { timer, immediate });
  }

  private async documentClosed(document: TextDocument): Promise<void> {
    const key = keyOf(document.uri);
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending.timer);
    this.timers.delete(key);
    this.lastChange.delete(key);
    if (this.isConfigPath(key)) {
      await this.recheckWorkspace('config file closed');
      return;
    }
    if (!this.files.has(key)) return;
    // A closed file that is still on disk inside the workspace stays in the Problems panel.
    const inWorkspace = this.folderFor(key) !== this.looseFolder;
    const text = inWorkspace && document.uri.startsWith('file:') ? await fs.readFile(key, 'utf8').catch(() => undefined) : undefined;
    if (text === undefined) this.forget(key);
    else this.check(pathToFileURL(key).href, key, null, text);
    this.reportStatus();
  }

  private forget(key: string): void {
    const state = this.files.get(key);
    if (!state) return;
    this.files.delete(key);
    this.connection.sendDiagnostics({ uri: state.uri, diagnostics: [] });
  }

  private refreshUri(uri: string): void {
    const key = keyOf(uri);
    const open = this.documents.get(uri) ?? this.openDocumentAt(key);
    if (open) this.check(open.uri, key, open.version, open.getText());
    else {
      const snapshot = this.files.get(key)?.snapshot;
      if (snapshot) this.check(snapshot.uri, key, null, snapshot.text);
    }
    this.reportStatus();
  }

  /** Reloads every folder's configuration and re-analyses every workflow file in the workspace. */
  async recheckWorkspace(reason: string): Promise<{ files: number; errors: number; warnings: number; infos: number }> {
    const generation = ++this.generation;
    const started = Date.now();
    this.setState('checking');
    try {
      const folders: FolderState[] = [];
      for (const folder of this.initFolders) folders.push(await this.loadFolder(folder));
      this.looseFolder = this.folderState('', '', await this.fetchSettings(undefined, this.looseFolder.settings), undefined, undefined, []);
      if (generation !== this.generation) return this.totals();
      this.folders = folders;
      this.foldersLoaded = true;

      const queued = new Set<string>();
      for (const folder of folders) {
        if (!folder.uri.startsWith('file:')) continue;
        for (const file of await findAnalyzableFiles(folder.path)) queued.add(file);
        if (generation !== this.generation) return this.totals();
      }
      // Open documents count too, wherever they live.
      for (const document of this.documents.all()) {
        if (isAnalyzablePath(pathForEngine(document.uri))) queued.add(keyOf(document.uri));
      }
      const queue = [...queued];
      for (let i = 0; i < queue.length; i++) {
        const key = queue[i];
        const open = this.openDocumentAt(key);
        if (open) this.check(open.uri, key, open.version, open.getText());
        else {
          const text = await fs.readFile(key, 'utf8').catch(() => undefined);
          if (text !== undefined) this.check(pathToFileURL(key).href, key, null, text);
        }
        if (i % filesPerSlice === filesPerSlice - 1) {
          await new Promise((resolve) => setImmediate(resolve));
          if (generation !== this.generation) return this.totals();
        }
      }
      for (const key of [...this.files.keys()]) if (!queued.has(key)) this.forget(key);
      const totals = this.totals();
      this.log(
        `Checked ${totals.files} workflow file(s) in ${Date.now() - started} ms (${reason}): ` +
          `${totals.errors} error(s), ${totals.warnings} warning(s), ${totals.infos} info(s).`,
      );
      return totals;
    } finally {
      if (generation === this.generation) this.setState('idle'); // reportStatus shows 'resolving' while look-ups are pending
    }
  }

  private async watchedFilesChanged(changes: Array<{ uri: string; type: FileChangeType }>): Promise<void> {
    let recheckAll = false;
    for (const change of changes) {
      const key = keyOf(change.uri);
      const isGitConfig = key.endsWith(path.join('.git', 'config'));
      if (this.isConfigPath(key) || isGitConfig) {
        recheckAll = true;
        continue;
      }
      if (!isAnalyzablePath(pathForEngine(change.uri))) continue;
      // Open documents are owned by the editor's buffer, not the disk.
      if (this.openDocumentAt(key)) continue;
      if (change.type === FileChangeType.Deleted) {
        this.forget(key);
        continue;
      }
      if (this.folderFor(key) === this.looseFolder) continue;
      const text = await fs.readFile(key, 'utf8').catch(() => undefined);
      if (text === undefined) this.forget(key);
      else this.check(pathToFileURL(key).href, key, null, text);
    }
    if (recheckAll) await this.recheckWorkspace('config file changed on disk');
    else this.reportStatus();
  }

  // ---- status

  private totals(): { files: number; errors: number; warnings: number; infos: number } {
    const counts = { errors: 0, warnings: 0, infos: 0 };
    for (const state of this.files.values()) countDiagnostics(state.diagnostics, counts);
    for (const config of this.configDiagnostics.values()) countDiagnostics(config.diagnostics, counts);
    return { files: this.files.size, ...counts };
  }

  private setState(state: ServerState): void {
    this.state = state;
    this.reportStatus();
  }

  private reportStatus(): void {
    const lookups = this.facts.pendingLookups();
    const state = this.state === 'idle' && lookups > 0 ? 'resolving' : this.state;
    const withheld = this.facts.withheldRegistries?.() ?? [];
    const status: StatusParams = { state, ...this.totals(), lookups, ...(withheld.length > 0 ? { withheldRegistries: withheld } : {}) };
    const serialised = JSON.stringify(status);
    if (serialised === this.lastStatus) return;
    this.lastStatus = serialised;
    void this.connection.sendNotification(statusNotification, status);
  }

  // ---- requests

  /** The document's current text analysed: the cached analysis when it is up to date. */
  private currentSnapshot(uri: string): DocumentSnapshot | undefined {
    const key = keyOf(uri);
    if (!isAnalyzablePath(pathForEngine(uri))) return undefined;
    const document = this.documents.get(uri);
    const cached = this.files.get(key)?.snapshot;
    if (document) {
      if (cached && cached.uri === uri && cached.version === document.version) return cached;
      if (document.getText().length > maxAnalysedChars) return undefined;
      return this.snapshotOf(uri, key, document.version, document.getText());
    }
    return cached;
  }

  private hover(uri: string, position: { line: number; character: number }): Hover | null {
    const snapshot = this.currentSnapshot(uri);
    if (!snapshot || !this.folderFor(keyOf(uri)).settings.enable) return null;
    const offset = snapshot.index.offsetAt(position);
    const target = referencesAt(snapshot.analysis, offset);
    if (!target) return null;
    const key = keyOf(uri);
    const folder = this.folderFor(key);
    const options = this.analysisOptions(folder, key, uri);
    if (folder.settings.online) {
      for (const r of target.references) if (r.kind === 'image' && r.parsed) this.facts.wantDetails?.(uri, r.parsed);
      this.reportStatus();
    }
    return {
      contents: { kind: MarkupKind.Markdown, value: hoverMarkdown(target, snapshot.analysis, { describeImage, describeAction }, options) },
      range: { start: snapshot.index.positionAt(target.start), end: snapshot.index.positionAt(target.end) },
    };
  }

  private codeActions(
    uri: string,
    range: { start: { line: number; character: number }; end: { line: number; character: number } },
    diagnostics: Diagnostic[],
    only: string[] | undefined,
  ): CodeAction[] {
    const snapshot = this.currentSnapshot(uri);
    if (!snapshot) return [];
    const key = keyOf(uri);
    const folder = this.folderFor(key);
    if (!folder.settings.enable) return [];
    return codeActions({
      snapshot,
      range,
      diagnostics,
      only,
      trustEdit: (pattern) => this.trustEdit(folder, pattern),
      trustPatternOf: (f) => this.trustPatternOf(f, folder, key, uri),
    });
  }

  /** Adds `pattern` to the folder's config file, creating `.github/workflow-provenance.yml` when there is none. */
  private trustEdit(folder: FolderState, pattern: string): WorkspaceEdit | undefined {
    if (folder === this.looseFolder || !folder.uri.startsWith('file:')) return undefined;
    const configPath = folder.configPath ?? path.join(folder.path, defaultConfigFileName);
    const open = this.openDocumentAt(configPath);
    const uri = open?.uri ?? pathToFileURL(configPath).href;
    let text: string | undefined = open?.getText();
    if (text === undefined && folder.configPath) {
      try {
        // Synchronous on purpose: code actions are answered from one consistent view of the file.
        text = readFileSync(configPath, 'utf8');
      } catch {
        text = undefined;
      }
    }
    const edits = lspEdits(new LineIndex(text ?? ''), addTrustedImageEdits(text, pattern));
    if (text === undefined) {
      if (!this.capabilities.createFiles) return undefined;
      return {
        documentChanges: [CreateFile.create(uri, { ignoreIfExists: true }), TextDocumentEdit.create({ uri, version: null }, edits)],
      };
    }
    if (this.capabilities.documentChanges) {
      return { documentChanges: [TextDocumentEdit.create({ uri, version: open?.version ?? null }, edits)] };
    }
    return { changes: { [uri]: edits } };
  }

  /** Pins every image and action of a document (or of every checked file) to what it resolves to now. */
  private async pinAll(target: string | undefined): Promise<{ pinned: number; files: number; message: string }> {
    const uris = target ? [target] : [...this.files.values()].map((f) => f.uri);
    const anyOnline = uris.some((u) => this.folderFor(keyOf(u)).settings.online);
    if (!anyOnline) {
      // The client shows the message it gets back.
      return { pinned: 0, files: 0, message: 'Pinning needs online look-ups: turn on workflowProvenance.online.' };
    }
    for (const uri of uris) {
      const snapshot = this.currentSnapshot(uri);
      if (snapshot) this.facts.want?.(uri, snapshot.analysis);
    }
    this.reportStatus();
    await this.facts.settled?.();
    const changes: Record<string, ReturnType<typeof lspEdits>> = {};
    let pinned = 0;
    for (const uri of uris) {
      const key = keyOf(uri);
      const open = this.documents.get(uri) ?? this.openDocumentAt(key);
      const text = open ? open.getText() : await fs.readFile(key, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const snapshot = this.snapshotOf(open?.uri ?? uri, key, open?.version ?? null, text);
      const pins = combineFixes(snapshot.analysis.findings, pinFixOf);
      if (pins.count === 0) continue;
      pinned += pins.count;
      changes[open?.uri ?? uri] = lspEdits(snapshot.index, pins.edits);
    }
    const files = Object.keys(changes).length;
    if (files > 0) {
      const applied = await this.connection.workspace.applyEdit({ label: 'Pin images and actions', edit: { changes } });
      if (!applied.applied) return { pinned: 0, files: 0, message: `The editor did not apply the pins${applied.failureReason ? `: ${applied.failureReason}` : ''}.` };
    }
    const message = pinned > 0 ? `Pinned ${pinned} reference(s) in ${files} file(s).` : 'Nothing to pin: every reference is pinned, or none could be looked up.';
    return { pinned, files, message };
  }

  private async executeCommand(command: string, args: unknown[]): Promise<unknown> {
    if (command === recheckCommand) return this.recheckWorkspace('re-check requested');
    if (command === pinAllCommand) return this.pinAll(typeof args[0] === 'string' ? args[0] : undefined);
    this.log(`Unknown command ${command}`);
    return null;
  }
}
