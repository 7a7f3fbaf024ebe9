// The engine's public surface, shared by the CLI, the language server and the tests.
import type { WorkflowLock } from './actionsLock';
import type { FollowedUse, FollowInput } from './follow';
import type { ActionReference, Finding, ImageReference, LocalReference, Span, Standing } from './types';

export type { ActionsLock, LockedAction, WorkflowLock } from './actionsLock';

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
  /** Images whose provenance must verify, and whose signer it must be (config: `require-provenance`). */
  requireProvenance: ProvenanceRequirement[];
}

/**
 * One `require-provenance:` entry: images matching `image` must carry a verified Sigstore signature or
 * attestation whose certificate matches every constraint given (globs, like cosign's identity flags).
 */
export interface ProvenanceRequirement {
  /** Glob over `registry/repository` (e.g. `ghcr.io/my-org/*`). */
  image: string;
  /** The OIDC issuer, e.g. `https://token.actions.githubusercontent.com`. */
  issuer?: string;
  /** Glob over the certificate's subject (for GitHub Actions, the workflow URI `https://github.com/o/r/.github/workflows/x.yml@ref`). */
  subject?: string;
  /** Glob over the source repository URI (e.g. `https://github.com/my-org/*`). */
  repository?: string;
}

/** An action input that holds an image reference (config: `image-inputs`). */
export interface ImageInputRule {
  /** `owner/repo` of the action. */
  action: string;
  input: string;
  /** Another input of the same step holding options that may carry `--platform X` (e.g. docker run options). */
  optionsInput?: string;
}

export interface AnalyzeOptions {
  /** The file's path (used to decide workflow vs action metadata, and in messages). */
  path?: string;
  policy?: TrustPolicy;
  /** The repository's owner (from its git remote); `ghcr.io/<owner>/*` is trusted. */
  repositoryOwner?: string;
  /** Facts learned online; absent offline. */
  resolved?: ResolvedFacts;
  /** The repository's `.github/workflows/actions.lock` and this file's path in it; absent when there is none. */
  actionsLock?: WorkflowLock;
  /** The files `uses:` lines run, already read (see follow.ts); absent: nothing is followed. */
  follow?: FollowInput;
  /**
   * The text is someone else's (a followed remote action): its suppression comments are not obeyed,
   * since its author could otherwise hide from the user what it runs.
   */
  foreign?: boolean;
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
  /** What the image's signatures and attestations prove; absent when they were not looked up. */
  provenance?: ProvenanceVerdict;
}

/**
 * Who built an image, as far as evidence proves it. `verified`: a Sigstore signature or attestation
 * over this very digest verified against a trust root; `claimed`: only unsigned statements (BuildKit
 * provenance, labels); `unverifiable`: signed, but by an instance whose trust root is not at hand;
 * `none`: nothing found. Rejected evidence (bad signature, another image's digest) never verifies.
 */
export interface ProvenanceVerdict {
  status: 'verified' | 'claimed' | 'unverifiable' | 'none';
  verified: VerifiedProvenance[];
  claimed: ClaimedProvenance[];
  /** Evidence that failed verification, or could not be verified here, with the reason in plain words. */
  rejected: Array<{ via: string; reason: string; unverifiable?: boolean }>;
  /** Which places were looked at (referrers, cosign tags, attestation manifests, labels). */
  examined: string[];
}

/** The identity in a verified Fulcio certificate (its extensions), and what was signed. */
export interface VerifiedProvenance {
  /** Where the evidence was found: `referrer`, `cosign .sig`, `cosign .att`. */
  via: string;
  kind: 'attestation' | 'signature';
  /** For an attestation: the in-toto predicate type, e.g. `https://slsa.dev/provenance/v1`. */
  predicateType?: string;
  issuer?: string;
  /** The certificate's subject alternative name: for GitHub Actions, the workflow URI with its ref. */
  subject?: string;
  sourceRepository?: string;
  sourceCommit?: string;
  sourceRef?: string;
  trigger?: string;
  runnerEnvironment?: string;
  /** When the transparency log (or timestamp authority) saw the signature, ISO time. */
  signedAt?: string;
  /** Which trust root and log vouched for it, e.g. `Sigstore public-good (rekor.sigstore.dev)`. */
  trustedBy: string;
}

/** Provenance stated but not signed: a BuildKit attestation or the image's OCI labels. */
export interface ClaimedProvenance {
  via: 'buildkit-provenance' | 'labels' | 'unsigned-attestation';
  builder?: string;
  source?: string;
  revision?: string;
  predicateType?: string;
  /** An SBOM attestation is present. */
  sbom?: boolean;
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
  /** For a community or unknown publisher: the policy pattern a "Trust publisher" fix would add. */
  trustPattern?: string;
  /** For `verified-publisher`: who vouches, and where that is written. */
  vouchedBy?: { who: string; why: string; source?: string };
}

/** What the engine judged about an action's publisher and pinning. */
export interface ActionProvenance {
  standing: Standing;
  /** A full commit SHA, or a tag that the repository's `actions.lock` locks to a commit. */
  pinned: boolean;
  reason: string;
  /** The commit `.github/workflows/actions.lock` locks this reference to, for an onboarded workflow. */
  lockedCommit?: string;
}

/** The judgement behind every reference of an analysis, so the faces present it without recomputing. */
export interface ProvenanceByReference {
  images: Map<ImageReference, ImageProvenance>;
  actions: Map<ActionReference, ActionProvenance>;
}

export interface Analysis {
  kind: DocumentKind;
  images: ImageReference[];
  actions: ActionReference[];
  /** `uses: ./path`, `uses: $/path`, and a Docker action's Dockerfile. */
  locals: LocalReference[];
  /** Every `uses:` followed into what it runs (empty unless `follow` was given). */
  followed: FollowedUse[];
  findings: Finding[];
  /** YAML errors; the document is still analysed as far as it parses. */
  syntaxErrors: SyntaxProblem[];
  provenance: ProvenanceByReference;

  /** What the engine left out of the check, each with where and why (nesting too deep, a matrix cut, an internal error). */
  notChecked: SyntaxProblem[];
  /**
   * `run:` scripts that may start a container but were not read because the shell parser was not loaded
   * (`loadEngine` not awaited, or it failed): load it and analyse again to see their images.
   */
  scriptsNotRead?: number;
}
