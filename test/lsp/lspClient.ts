// A real LSP client for the protocol tests: starts the bundled server as a child process over stdio
// and speaks JSON-RPC to it, the way an editor does.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CodeAction,
  CodeActionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  ExitNotification,
  FileChangeType,
  Hover,
  HoverRequest,
  InitializeRequest,
  InitializeResult,
  InitializedNotification,
  LogMessageParams,
  NotificationType,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  Range,
  ShowMessageParams,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentContentChangeEvent,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { pathToFileURL } from 'node:url';

/** The repository root, found from wherever the test bundle was written. */
export function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'server'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/**
 * The server bundle under test: `dist/server.js` (what `npm test` builds), or the bundle named by
 * WORKFLOW_PROVENANCE_SERVER for a private build, which then reads the rule pages from the repository.
 */
export function serverCommand(): { script: string; args: string[]; docsDir: string } {
  const root = repositoryRoot();
  const override = process.env.WORKFLOW_PROVENANCE_SERVER;
  if (override)
    return {
      script: path.resolve(override),
      args: ['--docs', path.join(root, 'docs')],
      docsDir: path.join(root, 'docs'),
    };
  return { script: path.join(root, 'dist', 'server.js'), args: [], docsDir: path.join(root, 'docs') };
}

import {
  type InitializationOptions,
  type OnlineSettings,
  settingsSection,
  type StatusParams,
  statusNotification,
  type UserSettings,
} from '../../server/src/lsp/protocol';

export type { StatusParams };

export interface StartOptions {
  workspace: string;
  settings?: UserSettings;
  /** Server and Node flags (e.g. `--debounce 0`). */
  extraArgs?: string[];
  initializationOptions?: InitializationOptions;
  /** Start this program instead of the repository's bundle (an installed command); `--stdio` is appended. */
  command?: string[];
  env?: NodeJS.ProcessEnv;
}

type Waiter = {
  uri: string;
  accept: (p: PublishDiagnosticsParams) => boolean;
  resolve: (p: PublishDiagnosticsParams) => void;
};

export const uriOf = (file: string): string => pathToFileURL(file).href;

export class LspClient {
  readonly latest = new Map<string, PublishDiagnosticsParams>();
  readonly statuses: StatusParams[] = [];
  readonly logs: string[] = [];
  /** What the server registered dynamically (`client/registerCapability`). */
  readonly registrations: Array<{ method: string; registerOptions?: unknown }> = [];
  readonly messages: string[] = [];
  /** Every publication, in arrival order, with the time it arrived. */
  readonly published: Array<{ at: number; params: PublishDiagnosticsParams }> = [];
  private waiters: Waiter[] = [];
  private statusWaiters: Array<{ accept: (s: StatusParams) => boolean; resolve: (s: StatusParams) => void }> = [];
  private versions = new Map<string, number>();
  initializeResult?: InitializeResult;
  /** Workspace edits the server asked the client to apply (`workspace/applyEdit`), all accepted. */
  readonly appliedEdits: WorkspaceEdit[] = [];
  settings: UserSettings;
  stderr = '';

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
    readonly workspace: string,
    settings: UserSettings,
  ) {
    this.settings = settings;
  }

  static async start(options: StartOptions): Promise<LspClient> {
    const server = serverCommand();
    if (!options.command && !existsSync(server.script))
      throw new Error(`no server bundle at ${server.script}: run node scripts/build.mjs first`);
    const [program, ...programArgs] = options.command ?? [process.execPath, server.script, ...server.args];
    const child = spawn(program, [...programArgs, '--stdio', ...(options.extraArgs ?? [])], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout as NodeJS.ReadableStream),
      new StreamMessageWriter(child.stdin as NodeJS.WritableStream),
    );
    const client = new LspClient(child, connection, options.workspace, options.settings ?? {});
    child.stderr?.on('data', (chunk: Buffer) => (client.stderr += chunk.toString()));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => client.onDiagnostics(params));
    connection.onNotification(new NotificationType<StatusParams>(statusNotification.method), (params) =>
      client.onStatus(params),
    );
    connection.onNotification('window/logMessage', (params: LogMessageParams) => void client.logs.push(params.message));
    connection.onNotification(
      'window/showMessage',
      (params: ShowMessageParams) => void client.messages.push(params.message),
    );
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => client.settings));
    connection.onRequest(
      'client/registerCapability',
      (params: { registrations: Array<{ method: string; registerOptions?: unknown }> }) => {
        client.registrations.push(...params.registrations);
        return null;
      },
    );
    connection.onRequest('workspace/applyEdit', (params: { edit: WorkspaceEdit }) => {
      client.appliedEdits.push(params.edit);
      return { applied: true };
    });
    connection.listen();
    const folderUri = uriOf(options.workspace);
    client.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: folderUri,
      initializationOptions: options.initializationOptions,
      workspaceFolders: [{ uri: folderUri, name: path.basename(options.workspace) }],
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: true },
          workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
        },
        textDocument: {
          synchronization: { dynamicRegistration: false },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          publishDiagnostics: {
            relatedInformation: true,
            codeDescriptionSupport: true,
            dataSupport: true,
            versionSupport: true,
          },
          codeAction: {
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
          },
        },
      },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  private onDiagnostics(params: PublishDiagnosticsParams): void {
    this.latest.set(params.uri, params);
    this.published.push({ at: performance.now(), params });
    const ready = this.waiters.filter((w) => w.uri === params.uri && w.accept(params));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(params);
  }

  private onStatus(status: StatusParams): void {
    this.statuses.push(status);
    const ready = this.statusWaiters.filter((w) => w.accept(status));
    this.statusWaiters = this.statusWaiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(status);
  }

  /** Resolves with the first publication for `uri` (the current one included) that `accept` takes. */
  diagnostics(
    uri: string,
    accept: (p: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 10000,
  ): Promise<PublishDiagnosticsParams> {
    const current = this.latest.get(uri);
    if (current && accept(current)) return Promise.resolve(current);
    return this.withTimeout(
      new Promise((resolve) => this.waiters.push({ uri, accept, resolve })),
      timeoutMs,
      `diagnostics for ${uri}`,
    );
  }

  /** Resolves with the next publication for `uri` that arrives after this call. */
  nextDiagnostics(
    uri: string,
    accept: (p: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 10000,
  ): Promise<PublishDiagnosticsParams> {
    return this.withTimeout(
      new Promise((resolve) => this.waiters.push({ uri, accept, resolve })),
      timeoutMs,
      `next diagnostics for ${uri}`,
    );
  }

  status(accept: (s: StatusParams) => boolean, timeoutMs = 10000): Promise<StatusParams> {
    const current = this.statuses[this.statuses.length - 1];
    if (current && accept(current)) return Promise.resolve(current);
    return this.withTimeout(
      new Promise((resolve) => this.statusWaiters.push({ accept, resolve })),
      timeoutMs,
      'status',
    );
  }

  private withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out after ${ms} ms waiting for ${what}\nserver log:\n${this.logs.join('\n')}\n${this.stderr}`,
            ),
          ),
        ms,
      );
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  async open(uri: string, text: string, languageId = 'yaml'): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
  }

  /** Sends an incremental change; returns the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: changes,
    });
    return version;
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  hover(uri: string, line: number, character: number): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const result = await this.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range,
      context: { diagnostics, only },
    });
    return (result ?? []).filter((a): a is CodeAction => 'kind' in a || 'edit' in a);
  }

  executeCommand(command: string, args: unknown[] = []): Promise<unknown> {
    return this.connection.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  }

  async changeSettings(settings: UserSettings): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { [settingsSection]: settings },
    });
  }

  async filesChanged(changes: Array<{ file: string; type: 'created' | 'changed' | 'deleted' }>): Promise<void> {
    const types: Record<string, FileChangeType> = {
      created: FileChangeType.Created,
      changed: FileChangeType.Changed,
      deleted: FileChangeType.Deleted,
    };
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: changes.map((c) => ({ uri: uriOf(c.file), type: types[c.type] })),
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    try {
      await this.withTimeout(this.connection.sendRequest(ShutdownRequest.type), 5000, 'shutdown');
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // fall through to the kill below
    }
    const timer = setTimeout(() => this.child.kill(), 3000);
    await exited;
    clearTimeout(timer);
    this.connection.dispose();
  }
}

/** Applies LSP text edits the way an editor would. */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'yaml', 0, text), edits);
}

/** The text edits a workspace edit makes to `uri` (from `changes` or `documentChanges`). */
export function editsFor(edit: WorkspaceEdit | undefined, uri: string): TextEdit[] {
  if (!edit) return [];
  const out: TextEdit[] = [...(edit.changes?.[uri] ?? [])];
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri) out.push(...(change.edits as TextEdit[]));
  }
  return out;
}

/**
 * A language server with look-ups on and no debounce, caching its facts in the workspace's `.cache`:
 * how every online protocol test starts one. `online` names the servers to ask (and may override).
 */
export function startOnline(
  workspace: string,
  online: OnlineSettings,
  initializationOptions: InitializationOptions = {},
): Promise<LspClient> {
  return LspClient.start({
    workspace,
    settings: { online: true },
    extraArgs: ['--debounce', '0'],
    initializationOptions: {
      ...initializationOptions,
      online: { cacheDir: path.join(workspace, '.cache'), timeoutMs: 3000, ...online },
    },
  });
}

export function temporaryWorkspace(name: string): string {
  return mkdtempSync(path.join(tmpdir(), `wp-lsp-${name}-`));
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
