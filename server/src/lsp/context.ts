// What every part of the language server shares: the connection, the editor's open documents, the
// online facts, what the client can do, logging, and how a document's URI names a file.
import { fileURLToPath } from 'node:url';
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { errorMessage } from '../engine/errorMessage';
import type { FactsProvider } from './facts';

/** The client capabilities the server adapts to. */
export interface ClientCapabilities {
  configuration: boolean;
  dynamicConfiguration: boolean;
  dynamicWatchers: boolean;
  workspaceFolders: boolean;
  createFiles: boolean;
  documentChanges: boolean;
}

export class ServerContext {
  capabilities: ClientCapabilities = {
    configuration: false,
    dynamicConfiguration: false,
    dynamicWatchers: false,
    workspaceFolders: false,
    createFiles: false,
    documentChanges: false,
  };

  constructor(
    readonly connection: Connection,
    readonly documents: TextDocuments<TextDocument>,
    readonly facts: FactsProvider,
  ) {}

  log(message: string): void {
    this.connection.console.log(message);
  }

  logError(name: string, error: unknown): void {
    const detail = error instanceof Error ? (error.stack ?? errorMessage(error)) : errorMessage(error);
    this.connection.console.error(`[${name}] ${detail}`);
  }

  /** The editor's buffer for the file at `key`, when it is open. */
  openDocumentAt(key: string): TextDocument | undefined {
    return this.documents.all().find((d) => keyOf(d.uri) === key);
  }

  // ---- error containment: a handler's failure is logged and answered with an empty result

  guard<T>(name: string, fallback: T, run: () => T): T {
    try {
      return run();
    } catch (error) {
      this.logError(name, error);
      return fallback;
    }
  }

  async guardPromise<T>(name: string, fallback: T, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.logError(name, error);
      return fallback;
    }
  }

  guardVoid(name: string, run: () => void): void {
    this.guard(name, undefined, run);
  }

  guardAsync(name: string, run: () => Promise<void>): void {
    void this.guardPromise(name, undefined, run);
  }
}

/** File-system path of a `file:` URI; other schemes are keyed by the URI itself. */
export function keyOf(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  return uri;
}

/** The path the engine judges a document by (workflow or action metadata), for any URI scheme. */
export function pathForEngine(uri: string): string {
  if (uri.startsWith('file:')) return keyOf(uri);
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}
