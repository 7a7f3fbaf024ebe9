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

/** What arrives from a client: the protocol's field names, each value still to be checked. */
export type Unchecked<T> = { [K in keyof T]?: unknown };

/**
 * Look-up settings a client may send: at start in `initializationOptions.online`, later with
 * `workflowProvenance/configureOnline`. The server checks each field and ignores unknown ones.
 */
export interface OnlineSettings {
  /** Where online facts are cached (the extension keeps them in its own storage). */
  cacheDir?: string;
  /** Registry name -> base URL (a mirror, or a registry on this machine). */
  registryUrls?: Record<string, string>;
  /** The git host actions are looked up on; default https://github.com. */
  gitBaseUrl?: string;
  /** A token for private action repositories, sent to the git host only. */
  gitToken?: string;
  /** Time limit for one request, in milliseconds. */
  timeoutMs?: number;
  /** Files of extra Sigstore trust roots (`trusted_root.json`); the public-good root is always used. */
  sigstoreTrustedRoots?: string[];
}

/** The language server's `initializationOptions`. */
export interface InitializationOptions {
  online?: OnlineSettings;
  /** False in Restricted Mode: the repository's own policy file and owner are not applied. */
  workspaceTrusted?: boolean;
}

/** The configuration section of the user's settings (`workflowProvenance.*`). */
export const settingsSection = 'workflowProvenance';

/**
 * The `workflowProvenance.*` settings as settings.json holds them (package.json declares their schema);
 * the server receives them through `workspace/configuration` and reads each defensively.
 */
export interface UserSettings {
  enable?: boolean;
  /** Look facts up online (digests, platforms, commits). */
  online?: boolean;
  trustedImages?: string[];
  trustedActions?: string[];
  /** Severity per rule id: `error`, `warning`, `info` or `off`. */
  rules?: Record<string, string>;
  ignore?: string[];
  /**
   * Read by the client from the user's own settings and sent as `OnlineSettings.sigstoreTrustedRoots`
   * (a workspace must not choose whom signatures are checked against).
   */
  sigstoreTrustedRoots?: string[];
  /** Registry name -> URL, read by the client from the user's own settings and sent as `OnlineSettings.registryUrls`. */
  registryUrls?: Record<string, string>;
}

/** Every user setting by name (the record makes the compiler insist on each); package.json must match. */
export const userSettingNames: readonly (keyof UserSettings)[] = Object.keys({
  enable: true,
  online: true,
  trustedImages: true,
  trustedActions: true,
  rules: true,
  ignore: true,
  sigstoreTrustedRoots: true,
  registryUrls: true,
} satisfies Record<keyof UserSettings, true>) as (keyof UserSettings)[];

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
