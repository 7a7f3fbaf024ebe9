// The VS Code face: starts the language server and shows what it reports. All analysis happens in
// the server; this file only wires commands, the status bar and the output channel to it.
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  NotificationType,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

// The one module shared with the server: its commands and notifications, typed.
import {
  configureOnlineNotification,
  type Notification,
  pinAllCommand,
  recheckCommand,
  type InitializationOptions,
  type ServerCommand,
  type ServerCommands,
  type StatusParams as ServerStatus,
  settingsSection,
  statusNotification,
  type UserSettings,
  workspaceTrustedNotification,
} from '../../server/src/lsp/protocol';

export type { ServerStatus };

/** This library's notification type for one of the protocol's notifications. */
function typed<P>(notification: Notification<P>): NotificationType<P> {
  return new NotificationType<P>(notification.method);
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Workflow Provenance', { log: true });
  const statusItem = vscode.window.createStatusBarItem('workflowProvenance.status', vscode.StatusBarAlignment.Left, 0);
  statusItem.name = 'Workflow Provenance';
  statusItem.command = 'workflowProvenance.showOutput';
  statusItem.text = '$(sync~spin) Workflow Provenance';
  statusItem.tooltip = 'Workflow Provenance: starting the language server';
  statusItem.show();
  context.subscriptions.push(output, statusItem);

  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio },
    debug: {
      module: serverModule,
      transport: TransportKind.stdio,
      options: { execArgv: ['--nolazy', '--inspect=6019'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    // The server decides which of these documents are workflows or action metadata.
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'github-actions-workflow' },
    ],
    // The server registers the file watchers it needs (with any LSP client), so none are added here:
    // two would report each change twice.
    synchronize: { configurationSection: settingsSection },
    outputChannel: output,
    // Online facts are cached in the extension's own storage.
    initializationOptions: {
      online: {
        cacheDir: vscode.Uri.joinPath(context.globalStorageUri, 'facts').fsPath,
        // Extra Sigstore roots and registry addresses come from user settings only (restricted in
        // untrusted workspaces): a repository must not choose where look-ups go.
        sigstoreTrustedRoots: vscode.workspace
          .getConfiguration(settingsSection)
          .get<UserSettings['sigstoreTrustedRoots']>('sigstoreTrustedRoots' satisfies keyof UserSettings, []),
        registryUrls: vscode.workspace
          .getConfiguration(settingsSection)
          .get<UserSettings['registryUrls']>('registryUrls' satisfies keyof UserSettings, {}),
      },
      // In Restricted Mode the repository's own policy file and owner are not applied.
      workspaceTrusted: vscode.workspace.isTrusted,
    } satisfies InitializationOptions,
  };
  const languageClient = new LanguageClient('workflowProvenance', 'Workflow Provenance', serverOptions, clientOptions);
  client = languageClient;

  const forward = async <C extends ServerCommand>(
    command: C,
    args: ServerCommands[C]['arguments'],
  ): Promise<ServerCommands[C]['result'] | undefined> => {
    if (!languageClient.isRunning()) {
      void vscode.window.showWarningMessage(
        'Workflow Provenance: the language server is not running. See the output channel.',
      );
      return undefined;
    }
    const result: ServerCommands[C]['result'] | null = await languageClient.sendRequest(ExecuteCommandRequest.type, {
      command,
      arguments: args,
    });
    // The server answers null when a command failed (its log says why).
    return result ?? undefined;
  };

  const pin = async (args: ServerCommands[typeof pinAllCommand]['arguments']) => {
    const result = await forward(pinAllCommand, args);
    if (result) void vscode.window.showInformationMessage(`Workflow Provenance: ${result.message}`);
    return result;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('workflowProvenance.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('workflowProvenance.recheck', () => forward(recheckCommand, [])),
    vscode.commands.registerCommand('workflowProvenance.pinAll', (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target) {
        void vscode.window.showInformationMessage('Workflow Provenance: open a workflow file to pin its references.');
        return undefined;
      }
      return pin([languageClient.code2ProtocolConverter.asUri(target)]);
    }),
    // Without a document the server pins every workflow file it checked in the workspace.
    vscode.commands.registerCommand('workflowProvenance.pinAllInWorkspace', () => pin([])),
    // A GitHub token lets the server resolve actions in private repositories; asked for only here,
    // when the user runs this command, and sent to the server alone (it uses it for the git host).
    vscode.commands.registerCommand('workflowProvenance.signInToGitHub', async () => {
      const session = await vscode.authentication.getSession('github', ['repo'], { createIfNone: true });
      if (!languageClient.isRunning()) return;
      await languageClient.sendNotification(typed(configureOnlineNotification), { gitToken: session.accessToken });
      void vscode.window.showInformationMessage(
        `Workflow Provenance: resolving private actions as ${session.account.label}.`,
      );
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (languageClient.isRunning())
        void languageClient.sendNotification(typed(workspaceTrustedNotification), undefined);
    }),
    vscode.commands.registerCommand('workflowProvenance.openRuleDoc', (ruleId?: string) =>
      openRuleDoc(context, ruleId),
    ),
  );

  context.subscriptions.push(
    languageClient.onNotification(typed(statusNotification), (status) => showStatus(statusItem, status)),
  );

  try {
    await languageClient.start();
  } catch (error) {
    // Activation still succeeds so the commands and the output channel stay usable.
    output.error(`The language server did not start: ${error instanceof Error ? error.message : String(error)}`);
    statusItem.text = '$(shield) $(circle-slash)';
    statusItem.tooltip = 'Workflow Provenance: the language server did not start (click for its log)';
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

function showStatus(item: vscode.StatusBarItem, status: ServerStatus): void {
  const busy = status.state !== 'idle';
  const counts = [
    status.errors > 0 ? `$(error) ${status.errors}` : '',
    status.warnings > 0 ? `$(warning) ${status.warnings}` : '',
    status.infos > 0 ? `$(info) ${status.infos}` : '',
  ].filter(Boolean);
  const icon = busy ? '$(sync~spin)' : '$(shield)';
  // Named, so it is not mistaken for VS Code's own problem counts beside it.
  const lookups = status.lookups > 0 ? ` $(cloud-download) ${status.lookups}` : '';
  const withheld = status.withheldRegistries ?? [];
  // Restricted Mode: registries the workspace names are not contacted until it is trusted.
  const restricted = withheld.length > 0 ? ` $(workspace-untrusted) ${withheld.length}` : '';
  item.text = `${icon} Provenance ${counts.length > 0 ? counts.join(' ') : '$(check)'}${lookups}${restricted}`;
  const doing =
    status.state === 'checking'
      ? 'checking workflows'
      : status.state === 'resolving'
        ? 'resolving references online'
        : 'up to date';
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  item.tooltip = [
    `Workflow Provenance: ${doing}`,
    `${plural(status.files, 'file')} checked, ${plural(status.lookups, 'online look-up')}`,
    `${plural(status.errors, 'error')}, ${plural(status.warnings, 'warning')}, ${plural(status.infos, 'info')}`,
    ...(withheld.length > 0
      ? [
          `Restricted Mode: ${withheld.length === 1 ? 'a registry' : `${withheld.length} registries`} this workspace names (${withheld.slice(0, 5).join(', ')}${withheld.length > 5 ? ', …' : ''}) not contacted until you trust the workspace`,
        ]
      : []),
    'Click to show the log',
  ].join('\n');
  item.backgroundColor = status.errors > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
}

/** Rule ids and their descriptions, read from the `workflowProvenance.rules` schema in package.json. */
function ruleIds(context: vscode.ExtensionContext): { id: string; description: string }[] {
  const manifest = context.extension.packageJSON as {
    contributes?: {
      configuration?: {
        properties?: Record<
          string,
          { properties?: Record<string, { description?: string; markdownDescription?: string }> }
        >;
      };
    };
  };
  const rules = manifest.contributes?.configuration?.properties?.['workflowProvenance.rules']?.properties ?? {};
  return Object.entries(rules).map(([id, schema]) => ({
    id,
    description: schema.description ?? schema.markdownDescription ?? '',
  }));
}

async function openRuleDoc(context: vscode.ExtensionContext, ruleId?: string): Promise<vscode.Uri | undefined> {
  const known = ruleIds(context);
  let id = ruleId;
  if (!id) {
    const picked = await vscode.window.showQuickPick(
      known.map((rule) => ({ label: rule.id, detail: rule.description })),
      { placeHolder: 'Which rule?', matchOnDetail: true },
    );
    id = picked?.label;
  }
  if (!id) return undefined;
  if (!known.some((rule) => rule.id === id)) {
    void vscode.window.showWarningMessage(`Workflow Provenance: there is no rule named "${id}".`);
    return undefined;
  }
  const doc = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${id}.md`);
  try {
    await vscode.workspace.fs.stat(doc);
  } catch {
    void vscode.window.showWarningMessage(`Workflow Provenance: this build does not ship the page for "${id}".`);
    return undefined;
  }
  try {
    await vscode.commands.executeCommand('markdown.showPreview', doc);
  } catch {
    // Without the built-in Markdown extension, the source is still readable.
    await vscode.window.showTextDocument(doc, { preview: true });
  }
  return doc;
}
