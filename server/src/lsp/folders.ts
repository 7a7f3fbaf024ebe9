// The workspace folders as the server judges them: each folder's settings, repository owner and policy
// file merged into one trust policy, and Restricted Mode (an untrusted workspace), in which the
// repository's own policy file and owner are not applied.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, WorkspaceFolder } from 'vscode-languageserver';
import { LineIndex, mergePolicies, parsePolicyFile } from '../engine';
import type { AnalyzeOptions, SyntaxProblem, TrustPolicy, WorkflowLock } from '../engine/api';
import { type ServerContext, keyOf } from './context';
import { configProblemCode, problemDiagnostic } from './convert';
import { settingsSection } from './protocol';
import { configFileNames, readSettings, type Settings, settingsPolicy } from './settings';
import {
  actionsLockFor,
  CheckedFolder,
  findPolicyFile,
  quotePath,
  readCheckedFile,
  repositoryOwner,
  repositoryRoot,
} from '../workspace';

export interface FolderState {
  uri: string;
  path: string;
  settings: Settings;
  owner?: string;
  /** The config file in use, when one exists. */
  configPath?: string;
  configProblems: SyntaxProblem[];
  policy: TrustPolicy;
}

function folderState(
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

/** The folders' states as one reload found them, applied only when no newer reload started. */
export interface LoadedFolders {
  folders: FolderState[];
  loose: FolderState;
}

export class Folders {
  private folders: FolderState[] = [];
  private readonly loggedLockProblems = new Set<string>();
  /** Settings used for files outside every workspace folder. */
  loose: FolderState = folderState('', '', { ...readSettings(undefined) }, undefined, undefined, []);
  /** The folders the client named (at start, and as they are added and removed). */
  workspaceFolders: WorkspaceFolder[] = [];
  /**
   * False in an untrusted workspace (VS Code's Restricted Mode): the repository's own config file and
   * its `origin` owner could otherwise trust the very images a hostile repository wants hidden.
   */
  trusted = true;
  /** False until the folders' settings and config files are first loaded; the first check covers open files. */
  loaded = false;
  /** Config file diagnostics, by config file path. */
  private readonly configDiagnostics = new Map<string, { uri: string; diagnostics: Diagnostic[] }>();

  constructor(private readonly ctx: ServerContext) {}

  get all(): readonly FolderState[] {
    return this.folders;
  }

  /** Reloads every folder's settings, owner and config file. */
  async load(): Promise<LoadedFolders> {
    const folders: FolderState[] = [];
    for (const folder of this.workspaceFolders) folders.push(await this.loadFolder(folder));
    const loose = folderState(
      '',
      '',
      await this.fetchSettings(undefined, this.loose.settings),
      undefined,
      undefined,
      [],
    );
    return { folders, loose };
  }

  apply(loaded: LoadedFolders): void {
    this.folders = loaded.folders;
    this.loose = loaded.loose;
    this.loaded = true;
  }

  /** For clients without `workspace/configuration`: the settings pushed with the change notification. */
  useSettingsEverywhere(settings: Settings): void {
    for (const folder of [...this.folders, this.loose]) folder.settings = settings;
  }

  /** The innermost workspace folder holding `key`, or the loose folder. */
  folderFor(key: string): FolderState {
    let best: FolderState | undefined;
    for (const folder of this.folders) {
      if (
        key === folder.path ||
        key.startsWith(folder.path.endsWith(path.sep) ? folder.path : folder.path + path.sep)
      ) {
        if (!best || folder.path.length > best.path.length) best = folder;
      }
    }
    return best ?? this.loose;
  }

  /** The folder whose config file is (or would be) at `key`, if it is one. */
  configFolderOf(key: string): FolderState | undefined {
    return this.folders.find(
      (f) => f.configPath === key || configFileNames.some((name) => path.join(f.path, name) === key),
    );
  }

  analysisOptions(folder: FolderState, key: string, uri: string): AnalyzeOptions {
    // With `online` off nothing is looked up and no online fact is used.
    return {
      path: key,
      policy: folder.policy,
      repositoryOwner: folder.owner,
      resolved: folder.settings.online ? this.ctx.facts.factsFor(uri) : undefined,
      actionsLock: uri.startsWith('file:') ? this.actionsLock(key) : undefined,
    };
  }

  /** The lockfile beside a workflow on disk; one that cannot be used is logged once and left out. */
  private actionsLock(key: string): WorkflowLock | undefined {
    const outcome = actionsLockFor(key);
    if (outcome.problem && !this.loggedLockProblems.has(outcome.problem.message + outcome.problem.path)) {
      this.loggedLockProblems.add(outcome.problem.message + outcome.problem.path);
      this.ctx.log(`${quotePath(outcome.problem.path)}: ${outcome.problem.message}.`);
    }
    return outcome.lock;
  }

  configDiagnosticLists(): Diagnostic[][] {
    return [...this.configDiagnostics.values()].map((c) => c.diagnostics);
  }

  private async fetchSettings(scopeUri: string | undefined, current: Settings): Promise<Settings> {
    if (!this.ctx.capabilities.configuration) return current;
    try {
      const value: unknown = await this.ctx.connection.workspace.getConfiguration({
        scopeUri,
        section: settingsSection,
      });
      return readSettings(value);
    } catch (error) {
      this.ctx.logError('workspace/configuration', error);
      return current;
    }
  }

  /** The config file text: the editor's buffer when it is open (so edits apply live), else the disk. */
  private readConfigText(configPath: string, folderPath: string): string | undefined {
    const open = this.ctx.openDocumentAt(configPath);
    if (open) return open.getText();
    const read = readCheckedFile(configPath, new CheckedFolder(repositoryRoot(folderPath) ?? folderPath));
    if ('text' in read) return read.text;
    this.ctx.log(`Policy file ${quotePath(configPath)} skipped: ${read.skipped}.`);
    return undefined;
  }

  private async loadFolder(folder: WorkspaceFolder): Promise<FolderState> {
    const folderPath = keyOf(folder.uri);
    const previous = this.folders.find((f) => f.uri === folder.uri);
    const settings = await this.fetchSettings(folder.uri, previous?.settings ?? this.loose.settings);
    const onDisk = folder.uri.startsWith('file:');
    const owner = onDisk && this.trusted ? repositoryOwner(repositoryRoot(folderPath)) : undefined;
    // An open, unsaved policy buffer counts before any file on disk.
    const configPath =
      configFileNames.map((name) => path.join(folderPath, name)).find((p) => this.ctx.openDocumentAt(p)) ??
      (onDisk ? findPolicyFile(folderPath, folderPath) : undefined);
    const configText = configPath === undefined ? undefined : this.readConfigText(configPath, folderPath);
    if (configPath !== undefined && configText !== undefined && configPath !== previous?.configPath)
      this.ctx.log(`Policy file for ${quotePath(folderPath)}: ${quotePath(configPath)}.`);
    let configPolicy: Partial<TrustPolicy> | undefined;
    let problems: SyntaxProblem[] = [];
    if (configPath !== undefined && configText !== undefined) {
      const parsed = parsePolicyFile(configText);
      if (this.trusted) {
        configPolicy = parsed.policy;
        problems = parsed.problems;
      } else {
        problems = [
          {
            span: { start: 0, end: 0 },
            message: 'not applied in Restricted Mode: trust the workspace to use this policy',
          },
        ];
      }
    }
    this.publishConfigProblems(folderPath, configPath, configText ?? '', problems);
    return folderState(folder.uri, folderPath, settings, owner, configPath, problems, configPolicy);
  }

  private publishConfigProblems(
    folderPath: string,
    configPath: string | undefined,
    text: string,
    problems: SyntaxProblem[],
  ): void {
    // Clear what was published for this folder's config files before, wherever it was.
    for (const name of configFileNames) {
      const p = path.join(folderPath, name);
      const old = this.configDiagnostics.get(p);
      if (old && (p !== configPath || problems.length === 0)) {
        this.ctx.connection.sendDiagnostics({ uri: old.uri, diagnostics: [] });
        this.configDiagnostics.delete(p);
      }
    }
    if (!configPath || problems.length === 0) return;
    const index = new LineIndex(text);
    const uri = this.ctx.openDocumentAt(configPath)?.uri ?? pathToFileURL(configPath).href;
    const diagnostics = problems.map((p) => problemDiagnostic(index, p, configProblemCode));
    this.configDiagnostics.set(configPath, { uri, diagnostics });
    this.ctx.connection.sendDiagnostics({ uri, diagnostics });
  }
}
