// The language server's wiring: capabilities, and each LSP message handed to the part that owns it
// (folders.ts: settings and Restricted Mode; documents.ts: checking files; workspaceCheck.ts: the
// workspace pass and file watching; commands.ts; codeActions.ts; hover.ts; convert.ts: LSP shapes).
import * as path from 'node:path';
import {
  CodeAction,
  CodeActionKind,
  Diagnostic,
  DidChangeConfigurationNotification,
  Hover,
  InitializeParams,
  InitializeResult,
  MarkupKind,
  NotificationType,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadEngine } from '../engine';
import { codeActions, fixAllKind } from './codeActions';
import { Commands } from './commands';
import { keyOf, ServerContext } from './context';
import { RuleDocs } from './convert';
import { DocumentChecker } from './documents';
import { type FactsProvider, offlineFacts } from './facts';
import { Folders } from './folders';
import { FollowedActions } from './followActions';
import { hoverMarkdown, referencesAt } from './hover';
import {
  configureOnlineNotification,
  type InitializationOptions,
  type Notification,
  type OnlineSettings,
  serverCommands,
  settingsSection,
  statusNotification,
  type Unchecked,
  workspaceTrustedNotification,
} from './protocol';
import { readSettings } from './settings';
import { WorkspaceCheck } from './workspaceCheck';

export interface ServerOptions {
  /** Directory holding `rules/<id>.md`. */
  docsDir: string;
  /** Quiet time after the last keystroke before a document is re-analysed. */
  debounceMs: number;
  facts?: FactsProvider;
  version?: string;
}

/** This library's notification type for one of the protocol's notifications. */
function typed<P>(notification: Notification<P>): NotificationType<P> {
  return new NotificationType<P>(notification.method);
}

export class WorkflowProvenanceServer {
  private readonly ctx: ServerContext;
  private readonly folders: Folders;
  private readonly documents: DocumentChecker;
  private readonly workspace: WorkspaceCheck;
  private readonly commands: Commands;
  private readonly follow: FollowedActions;

  constructor(
    private readonly connection: Connection,
    private readonly options: ServerOptions,
  ) {
    this.ctx = new ServerContext(connection, new TextDocuments(TextDocument), options.facts ?? offlineFacts);
    this.folders = new Folders(this.ctx);
    const recheck = (reason: string) => this.workspace.recheck(reason);
    const reportStatus = () => this.workspace.reportStatus();
    this.follow = new FollowedActions(this.ctx, this.folders);
    this.documents = new DocumentChecker(
      this.ctx,
      this.folders,
      new RuleDocs(options.docsDir),
      options.debounceMs,
      reportStatus,
      recheck,
      this.follow,
    );
    this.workspace = new WorkspaceCheck(
      this.ctx,
      this.folders,
      this.documents,
      (status) => void connection.sendNotification(typed(statusNotification), status),
    );
    this.commands = new Commands(this.ctx, this.folders, this.documents, recheck, reportStatus);
  }

  start(): void {
    const c = this.connection;
    const ctx = this.ctx;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => ctx.guardAsync('initialized', () => this.initialized()));
    c.onHover((params) => ctx.guard('hover', null, () => this.hover(params.textDocument.uri, params.position)));
    c.onCodeAction((params) =>
      ctx.guard('codeAction', [] as CodeAction[], () =>
        this.codeActions(params.textDocument.uri, params.range, params.context.diagnostics, params.context.only),
      ),
    );
    c.onExecuteCommand((params) =>
      ctx.guardPromise('executeCommand', null, () => this.commands.execute(params.command, params.arguments ?? [])),
    );
    c.onDidChangeConfiguration((params) =>
      ctx.guardAsync('didChangeConfiguration', async () => {
        if (!ctx.capabilities.configuration) {
          const section = (params.settings as Record<string, unknown> | null)?.[settingsSection];
          this.folders.useSettingsEverywhere(readSettings(section));
        }
        await this.workspace.recheck('settings changed');
      }),
    );
    c.onDidChangeWatchedFiles((params) =>
      ctx.guardAsync('didChangeWatchedFiles', () =>
        this.workspace.watchedFilesChanged(params.changes.map((ch) => ({ uri: ch.uri, type: ch.type }))),
      ),
    );
    ctx.documents.onDidOpen((e) => ctx.guardVoid('didOpen', () => this.documents.documentChanged(e.document, true)));
    ctx.documents.onDidChangeContent((e) =>
      ctx.guardVoid('didChange', () => this.documents.documentChanged(e.document, false)),
    );
    ctx.documents.onDidClose((e) => ctx.guardAsync('didClose', () => this.documents.documentClosed(e.document)));
    c.onNotification(typed(workspaceTrustedNotification), () =>
      ctx.guardAsync('workspaceTrusted', async () => {
        this.folders.trusted = true;
        ctx.facts.setWorkspaceTrusted?.(true);
        await this.workspace.recheck('workspace trusted');
      }),
    );
    c.onNotification(typed(configureOnlineNotification), (params) =>
      ctx.guardAsync('configureOnline', async () => {
        // The client may be any editor: check the shape before use.
        if (params && typeof params === 'object') ctx.facts.configure?.(params);
        await this.workspace.recheck('online settings changed');
      }),
    );
    ctx.facts.onDidChange((uris) =>
      ctx.guardVoid('facts', () => {
        for (const uri of uris) this.documents.refreshUri(uri);
      }),
    );
    this.follow.onDidChange((uris) =>
      ctx.guardVoid('followed actions', () => {
        for (const uri of uris) this.documents.refreshUri(uri);
        this.workspace.reportStatus();
      }),
    );
    ctx.documents.listen(c);
    c.listen();
  }

  // ---- lifecycle

  private async initialize(params: InitializeParams): Promise<InitializeResult> {
    const caps = params.capabilities;
    const workspaceEdit = caps.workspace?.workspaceEdit;
    this.ctx.capabilities = {
      configuration: caps.workspace?.configuration === true,
      dynamicConfiguration: caps.workspace?.didChangeConfiguration?.dynamicRegistration === true,
      dynamicWatchers: caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      workspaceFolders: caps.workspace?.workspaceFolders === true,
      documentChanges: workspaceEdit?.documentChanges === true,
      createFiles:
        workspaceEdit?.documentChanges === true && (workspaceEdit.resourceOperations ?? []).includes('create'),
    };
    const init = (params.initializationOptions ?? {}) as Unchecked<InitializationOptions>;
    this.folders.trusted = init.workspaceTrusted !== false;
    this.ctx.facts.setWorkspaceTrusted?.(this.folders.trusted);
    if (init.online && typeof init.online === 'object')
      this.ctx.facts.configure?.(init.online as Unchecked<OnlineSettings>);
    this.folders.workspaceFolders =
      params.workspaceFolders ??
      (params.rootUri ? [{ uri: params.rootUri, name: path.basename(keyOf(params.rootUri)) }] : []);
    try {
      await loadEngine();
    } catch (error) {
      // Without the shell parser the engine still reads YAML; only images inside `run:` scripts are missed.
      this.ctx.logError('loadEngine', error);
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, fixAllKind], resolveProvider: false },
        executeCommandProvider: { commands: [...serverCommands] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'workflow-provenance', version: this.options.version },
    };
  }

  private async initialized(): Promise<void> {
    const c = this.connection;
    // A client that refuses a registration still gets the workspace checked.
    if (this.ctx.capabilities.dynamicConfiguration) {
      await c.client
        .register(DidChangeConfigurationNotification.type, { section: settingsSection })
        .catch((e) => this.ctx.logError('register', e));
    }
    await this.workspace.watchFiles();
    if (this.ctx.capabilities.workspaceFolders) {
      c.workspace.onDidChangeWorkspaceFolders((e) =>
        this.ctx.guardAsync('didChangeWorkspaceFolders', async () => {
          const removed = new Set(e.removed.map((f) => f.uri));
          this.folders.workspaceFolders = [
            ...this.folders.workspaceFolders.filter((f) => !removed.has(f.uri)),
            ...e.added,
          ];
          await this.workspace.recheck('workspace folders changed');
        }),
      );
    }
    await this.workspace.recheck('start');
  }

  // ---- requests: what the analysis judged, presented

  private hover(uri: string, position: { line: number; character: number }): Hover | null {
    const snapshot = this.documents.currentSnapshot(uri);
    const key = keyOf(uri);
    const folder = this.folders.folderFor(key);
    if (!snapshot || !folder.settings.enable) return null;
    const target = referencesAt(snapshot.analysis, snapshot.index.offsetAt(position));
    if (!target) return null;
    const resolved = this.folders.analysisOptions(folder, key, uri).resolved;
    if (folder.settings.online) {
      for (const r of target.references)
        if (r.kind === 'image' && r.parsed) this.ctx.facts.wantDetails?.(uri, r.parsed);
      this.workspace.reportStatus();
    }
    return {
      contents: { kind: MarkupKind.Markdown, value: hoverMarkdown(target, snapshot.analysis, resolved) },
      range: { start: snapshot.index.positionAt(target.start), end: snapshot.index.positionAt(target.end) },
    };
  }

  private codeActions(
    uri: string,
    range: { start: { line: number; character: number }; end: { line: number; character: number } },
    diagnostics: Diagnostic[],
    only: string[] | undefined,
  ): CodeAction[] {
    const snapshot = this.documents.currentSnapshot(uri);
    if (!snapshot) return [];
    const folder = this.folders.folderFor(keyOf(uri));
    if (!folder.settings.enable) return [];
    return codeActions({
      snapshot,
      range,
      diagnostics,
      only,
      trustEdit: (pattern) => this.commands.trustEdit(folder, pattern),
    });
  }
}
