// The seam for online facts (resolved digests, platforms, signatures): the language server asks a
// provider for what is already known about a document and never waits on the network itself.
import type { Analysis, ResolvedFacts } from '../engine/api';
import type { ParsedImage } from '../engine/types';
import type { ActionFileSource } from '../online/actionFiles';
import type { OnlineSettings, Unchecked } from './protocol';

export interface FactsProvider {
  /** Facts known right now for the document (or workspace) at `uri`; undefined offline. */
  factsFor(uri: string): ResolvedFacts | undefined;
  /** Look-ups still in flight, shown in the status. */
  pendingLookups(): number;
  /** Called with the URIs whose facts changed, so they are re-analysed. */
  onDidChange(listener: (uris: string[]) => void): void;
  /** Asks for the references of a fresh analysis to be looked up (in the background). */
  want?(uri: string, analysis: Analysis): void;
  /** Asks for an image's details (config labels, signatures, attestations), e.g. when it is hovered. */
  wantDetails?(uri: string, image: ParsedImage): void;
  /** Resolves when nothing is being looked up. */
  settled?(): Promise<void>;
  /** Look-up settings from the client (cache folder, registry mirrors, git host, token). */
  configure?(options: Unchecked<OnlineSettings>): void;
  /** Whether the user trusts the workspace; until then the registries it names are not contacted. */
  setWorkspaceTrusted?(trusted: boolean): void;
  /** Registries named by the workspace and not contacted because it is not trusted yet. */
  withheldRegistries?(): string[];
  /**
   * Where remote actions' files are read from, for following `uses:`: the configured git host, or with
   * `cacheOnly` (online look-ups off) the cache alone.
   */
  actionFiles?(cacheOnly: boolean): ActionFileSource;
}

/** Offline: nothing is ever looked up. */
export const offlineFacts: FactsProvider = {
  factsFor: () => undefined,
  pendingLookups: () => 0,
  onDidChange: () => undefined,
};
