// What the language server and its clients (the VS Code extension, the protocol tests) agree on beyond
// LSP itself, typed once: the commands with their arguments and results, and the notifications with
// their params. Both sides import this module and nothing else from the server. It depends on no
// JSON-RPC library: the client and the server bundle different versions of one, whose classes do not
// mix, so each side turns a `Notification<P>` into its own library's `NotificationType<P>`.

/** A notification's method, typed by its params (`params` is never set: it carries the type only). */
export interface Notification<P> {
  readonly method: string;
  readonly params?: P;
}

function notification<P>(method: string): Notification<P> {
  return { method };
}

export type ServerState = 'idle' | 'checking' | 'resolving';

/** Params of `workflowProvenance/status`: the state and the counts over the whole workspace. */
export interface StatusParams {
  state: ServerState;
  errors: number;
  warnings: number;
  infos: number;
  files: number;
  lookups: number;
  /** Registries the untrusted workspace names, not contacted until the user trusts it (Restricted Mode). */
  withheldRegistries?: string[];
}

/** Look-up settings a client may send (cache folder, registry mirrors, git host, token). */
export type OnlineSettings = Record<string, unknown>;

/** Server -> client: the workspace's state changed. */
export const statusNotification = notification<StatusParams>('workflowProvenance/status');
/** Client -> server: new look-up settings (e.g. a GitHub token after signing in). */
export const configureOnlineNotification = notification<OnlineSettings>('workflowProvenance/configureOnline');
/** Client -> server: the user trusted the workspace (VS Code's Restricted Mode ends). */
export const workspaceTrustedNotification = notification<undefined>('workflowProvenance/workspaceTrusted');

/** The totals a workspace re-check reports. */
export interface RecheckResult {
  files: number;
  errors: number;
  warnings: number;
  infos: number;
}

/** What pinning did, with a sentence the client shows as it is. */
export interface PinAllResult {
  pinned: number;
  files: number;
  message: string;
}

export const recheckCommand = 'workflowProvenance.server.recheck';
export const pinAllCommand = 'workflowProvenance.server.pinAll';

/** Every `workspace/executeCommand` command the server offers: its arguments and its result. */
export interface ServerCommands {
  [recheckCommand]: { arguments: []; result: RecheckResult };
  /** With a document URI, pins that document; without, every checked file of the workspace. */
  [pinAllCommand]: { arguments: [uri?: string]; result: PinAllResult };
}

export type ServerCommand = keyof ServerCommands;

export const serverCommands: readonly ServerCommand[] = [recheckCommand, pinAllCommand];
