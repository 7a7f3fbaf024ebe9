// What the user asks for beyond diagnostics: the server's commands (re-check, pin all) and the edit
// behind "Trust publisher", which writes a pattern into the folder's policy file.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateFile, TextDocumentEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { addTrustedImageEdits, LineIndex } from '../engine';
import { combineFixes } from '../engine/fixes';
import { pinFixOf } from '../engine/pinFixes';
import { type ServerContext, keyOf } from './context';
import { lspEdits } from './convert';
import { type DocumentChecker, readClosedFile } from './documents';
import type { Folders, FolderState } from './folders';
import { pinAllCommand, type PinAllResult, recheckCommand, type RecheckResult } from './protocol';
import { defaultConfigFileName } from './settings';
import { CheckedFolder, readTextOrUndefined, repositoryRoot } from '../workspace';

export class Commands {
  constructor(
    private readonly ctx: ServerContext,
    private readonly folders: Folders,
    private readonly documents: DocumentChecker,
    private readonly recheck: (reason: string) => Promise<RecheckResult>,
    private readonly reportStatus: () => void,
  ) {}

  async execute(command: string, args: unknown[]): Promise<RecheckResult | PinAllResult | null> {
    if (command === recheckCommand) return this.recheck('re-check requested');
    if (command === pinAllCommand) return this.pinAll(typeof args[0] === 'string' ? args[0] : undefined);
    this.ctx.log(`Unknown command ${command}`);
    return null;
  }

  /** Pins every image and action of a document (or of every checked file) to what it resolves to now. */
  private async pinAll(target: string | undefined): Promise<PinAllResult> {
    const uris = target ? [target] : this.documents.checkedUris();
    const anyOnline = uris.some((u) => this.folders.folderFor(keyOf(u)).settings.online);
    if (!anyOnline) {
      // The client shows the message it gets back.
      return { pinned: 0, files: 0, message: 'Pinning needs online look-ups: turn on workflowProvenance.online.' };
    }
    for (const uri of uris) {
      const snapshot = this.documents.currentSnapshot(uri);
      if (snapshot) this.ctx.facts.want?.(uri, snapshot.analysis);
    }
    this.reportStatus();
    await this.ctx.facts.settled?.();
    const changes: Record<string, ReturnType<typeof lspEdits>> = {};
    let pinned = 0;
    for (const uri of uris) {
      const key = keyOf(uri);
      const open = this.ctx.documents.get(uri) ?? this.ctx.openDocumentAt(key);
      const text = open ? open.getText() : readClosedFile(key, this.folders.folderFor(key));
      if (text === undefined) continue;
      const snapshot = this.documents.snapshotOf(open?.uri ?? uri, key, open?.version ?? null, text);
      const pins = combineFixes(snapshot.analysis.findings, pinFixOf);
      if (pins.count === 0) continue;
      pinned += pins.count;
      changes[open?.uri ?? uri] = lspEdits(snapshot.index, pins.edits);
    }
    const files = Object.keys(changes).length;
    if (files > 0) {
      const applied = await this.ctx.connection.workspace.applyEdit({
        label: 'Pin images and actions',
        edit: { changes },
      });
      if (!applied.applied)
        return {
          pinned: 0,
          files: 0,
          message: `The editor did not apply the pins${applied.failureReason ? `: ${applied.failureReason}` : ''}.`,
        };
    }
    const message =
      pinned > 0
        ? `Pinned ${pinned} reference(s) in ${files} file(s).`
        : 'Nothing to pin: every reference is pinned, or none could be looked up.';
    return { pinned, files, message };
  }

  /** Adds `pattern` to the folder's config file, creating `.github/workflow-provenance.yml` when there is none. */
  trustEdit(folder: FolderState, pattern: string): WorkspaceEdit | undefined {
    if (folder === this.folders.loose || !folder.uri.startsWith('file:')) return undefined;
    const configPath = folder.configPath ?? path.join(folder.path, defaultConfigFileName);
    const open = this.ctx.openDocumentAt(configPath);
    const uri = open?.uri ?? pathToFileURL(configPath).href;
    let text: string | undefined = open?.getText();
    // Synchronous on purpose: code actions are answered from one consistent view of the file.
    if (text === undefined && folder.configPath)
      text = readTextOrUndefined(configPath, new CheckedFolder(repositoryRoot(folder.path) ?? folder.path));
    const edits = lspEdits(new LineIndex(text ?? ''), addTrustedImageEdits(text, pattern));
    if (text === undefined) {
      if (!this.ctx.capabilities.createFiles) return undefined;
      return {
        documentChanges: [
          CreateFile.create(uri, { ignoreIfExists: true }),
          TextDocumentEdit.create({ uri, version: null }, edits),
        ],
      };
    }
    if (this.ctx.capabilities.documentChanges) {
      return { documentChanges: [TextDocumentEdit.create({ uri, version: open?.version ?? null }, edits)] };
    }
    return { changes: { [uri]: edits } };
  }
}
