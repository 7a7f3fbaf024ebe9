// What the language server and its clients (the VS Code extension, the protocol tests) agree on
// beyond LSP itself: command ids, the status notification and the online settings notification.

export const recheckCommand = 'workflowProvenance.server.recheck';
export const pinAllCommand = 'workflowProvenance.server.pinAll';
export const statusNotification = 'workflowProvenance/status';
export const configureOnlineNotification = 'workflowProvenance/configureOnline';

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

/** Sent when the user trusts the workspace (VS Code's Restricted Mode ends). */
export const workspaceTrustedNotification = 'workflowProvenance/workspaceTrusted';
