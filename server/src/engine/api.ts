// The engine's public surface, shared by the CLI, the language server and the tests.
import type { ActionReference, Finding, ImageReference, Span, Standing } from './types';

export type DocumentKind = 'workflow' | 'action' | 'unknown';

/** A rule's configured severity, or `off`. */
export type RuleSetting = 'error' | 'warning' | 'info' | 'off';

export interface TrustPolicy {
  /** Glob patterns over `registry/namespace/...` (e.g. `ghcr.io/my-org/*`, `quay.io/pypa/*`). */
  trustedImages: string[];
  /** Glob patterns over `owner/repo` of actions (trusted actions are still checked for pinning). */
  trustedActions: string[];
  /** Per-rule severity overrides. */
  rules: Record<string, RuleSetting>;
  /** Glob patterns over reference texts to ignore entirely. */
  ignore: string[];
  /** Action inputs that name images, added to the built-in table. */
  imageInputs: ImageInputRule[];
  /**
   * Other names of the repository's owner (config: `owner-aliases`): `myorgdev` counts on ghcr.io, Docker
   * Hub and quay.io; `quay.io/myorg-oss` on that registry only. Images there are the repository's own.
   */
  ownerAliases: string[];
}

/** An action input that holds an image reference (config: `image-inputs`). */
export interface ImageInputRule {
  /** `owner/repo` of the action. */
  action: string;
  input: string;
  /** Another input of the same step that may carry `--platform X` (e.g. docker run options). */
  platformInput?: string;
}

export interface AnalyzeOptions {
  /** The file's path (used to decide workflow vs action metadata, and in messages). */
  path?: string;
  policy?: TrustPolicy;
  /** The repository's owner (from its git remote); `ghcr.io/<owner>/*` is trusted. */
  repositoryOwner?: string;
  /** Facts learned online; absent offline. */
  resolved?: ResolvedFacts;
}

/** What Docker Hub says about a namespace (`hub.docker.com/v2/orgs/<namespace>/`). */
export interface ResolvedPublisher {
  namespace: string;
  /** `verified_publisher`, `open_source`, or absent for a namespace without a badge (every personal account). */
  badge?: 'verified_publisher' | 'open_source';
  /** The organisation's display name or company, when it gives one. */
  name?: string;
  fetchedAt: string;
  fromCache?: boolean;
}

/** What online look-ups learned, keyed by canonical image reference / `owner/repo@ref`. */
export interface ResolvedFacts {
  images: Map<string, ResolvedImage>;
  actions: Map<string, ResolvedAction>;
  /** Docker Hub namespaces' badges, keyed by the namespace in lower case. */
  publishers?: Map<string, ResolvedPublisher>;
}

export interface ResolvedImage {
  /** Digest of what the tag points at now (the index for multi-platform images). */
  digest: string;
  /** Platforms the index publishes, e.g. `linux/amd64`, `linux/arm64/v8`. */
  platforms: string[];
  /** ISO time the facts were fetched. */
  fetchedAt: string;
  fromCache?: boolean;
  created?: string;
  sourceRepository?: string;
  signatures?: string[];
  attestations?: string[];
}

export interface ResolvedAction {
  /** The commit the ref points at (peeled). */
  commit: string;
  /** The most specific version tag pointing at that commit, e.g. `v4.2.2`. */
  bestTag?: string;
  /** For a version comment on a pinned commit: the commit that tag points at. */
  commentTagCommit?: string;
  fetchedAt: string;
  fromCache?: boolean;
}

export interface SyntaxProblem {
  span: Span;
  message: string;
}

export interface ImageProvenance {
  standing: Standing;
  /** Why the standing is what it is, in one sentence. */
  reason: string;
  /** The official image of the same name, when one exists (e.g. `debian`). */
  officialAlternative?: string;
  /** Platforms the official alternative publishes (OCI names), for the tag when known. */
  officialPlatforms?: string[];
  /** Whether the official alternative publishes the requested platform. */
  officialSupportsPlatform?: boolean;
  /** A page about the image at its registry. */
  registryPage?: string;
  /** For `verified-publisher`: who vouches, and where that is written. */
  vouchedBy?: { who: string; why: string; source?: string };
}

export interface Analysis {
  kind: DocumentKind;
  images: ImageReference[];
  actions: ActionReference[];
  findings: Finding[];
  /** YAML errors; the document is still analysed as far as it parses. */
  syntaxErrors: SyntaxProblem[];
  /** What the engine left out of the check, each with where and why (nesting too deep, a matrix cut, an internal error). */
  notChecked: SyntaxProblem[];
}
