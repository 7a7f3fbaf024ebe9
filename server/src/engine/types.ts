// The engine's vocabulary. Everything here is plain data: no YAML nodes, no LSP types, no I/O,
// so the CLI, the language server and the tests can share it.
import type { LinePosition } from './lineIndex';

/** A half-open range of UTF-16 offsets into a document's text (`end` exclusive). */
export interface Span {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'info';

/** Replace `text.slice(start, end)` with `newText`. Edits of one fix never overlap. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export type FixKind =
  | 'switch-official'
  | 'remove-step'
  | 'skip-step'
  | 'remove-matrix-entry'
  | 'remove-job'
  | 'ignore'
  | 'pin-digest'
  | 'pin-action';

export interface Fix {
  title: string;
  kind: FixKind;
  edits: TextEdit[];
  /** The fix an editor should offer first. */
  preferred?: boolean;
  /** Safe to apply without a human reading it (used by "fix all"). */
  safe?: boolean;
}

/** A parsed, normalised image reference (distribution reference grammar). */
export interface ParsedImage {
  /** Registry host as normalised: Docker Hub is always `docker.io`. */
  registry: string;
  /** The registry host exactly as written, or undefined when the reference names none. */
  writtenRegistry?: string;
  /** Repository path; Docker Hub short names get `library/` (e.g. `library/debian`). */
  repository: string;
  tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  digest?: string;
  /** Offset in the reference text where the name ends (where `:tag` or `@digest` begins). */
  nameEnd: number;
  /** Offset in the reference text where `@digest` begins, or the text length when absent. */
  digestStart: number;
  /** `registry/repository[:tag][@digest]`, with `:latest` added when neither tag nor digest is given. */
  canonical: string;
  /** The short form people write: `debian:trixie`, `ghcr.io/loong64/debian:trixie`. */
  familiar: string;
}

export type ImageParseResult = { ok: true; image: ParsedImage } | { ok: false; error: string };

/** Where in a workflow or action an image reference was found. */
export type ImageSource =
  | 'container'
  | 'service'
  | 'docker-uses'
  | 'action-runs'
  | 'run-script'
  | 'action-input'
  | 'action-implicit'
  | 'dockerfile';

/** A value that came from a matrix, with the place it is written. */
export interface MatrixBinding {
  /** Dotted path below `matrix`, e.g. `platform.base_image`. */
  path: string;
  /** Where the value is written in the file (the scalar, quotes included). */
  valueSpan: Span;
  /** The span of the whole matrix entry (the `include` item or the list item) holding the value. */
  entrySpan?: Span;
  /** Which list the entry lives in: `include` or the axis name. */
  list?: string;
  /** How many entries that list has (removing the last one would empty the matrix). */
  listSize?: number;
  /** The key/value pairs of the combination, for naming it in messages. */
  combination: Record<string, string>;
  /** The same pairs as expression literals (`'text'`, `1`, `true`), for `if:` conditions. */
  literals?: Record<string, string>;
}

export interface ImageReference {
  kind: 'image';
  /** The reference as it will be pulled (after expression expansion, without flags or `docker://`). */
  text: string;
  /** Where the reference text sits in the file; for a matrix-supplied value, in the matrix. */
  span: Span;
  /** True when `document.slice(span)` is exactly `text`, so a fix may rewrite it in place. */
  editable: boolean;
  source: ImageSource;
  /** Requested platform, e.g. `linux/loong64`, when the workflow asks for one. */
  platform?: string;
  /** The `${{ … }}` sites that consume a matrix value (one finding covers every site). */
  via?: Array<{ span: Span; expression: string }>;
  matrix?: MatrixBinding;
  job?: string;
  /** Index of the step inside the job (or inside `runs.steps` of a composite action). */
  stepIndex?: number;
  /** Every step of the job that uses this value (a matrix value may reach several). */
  consumerSteps?: number[];
  /** A suppression comment for this reference goes at the end of this offset's line (a YAML comment). */
  commentAt?: number;
  /** For action inputs and implicit images: the action (`owner/repo`) and input name. */
  action?: string;
  input?: string;
  parsed?: ParsedImage;
  /** Set when `text` is not a valid reference. */
  parseError?: string;
  /** Set when the image is chosen only when the workflow runs (inputs, vars, secrets…): why. */
  runtimeValue?: string;
  /** An action's own default image, published by the action's maintainers: the action (`owner/repo`) vouches for it. */
  vouchedBy?: string;
}

export interface ActionReference {
  kind: 'action';
  /** Exactly as written after `uses:`. */
  text: string;
  span: Span;
  owner: string;
  repo: string;
  /** Sub-path inside the repository (`.github/workflows/x.yml` for reusable workflows). */
  path?: string;
  ref: string;
  refSpan: Span;
  /** The version named in a trailing `# v1.2.3` comment, when there is one. */
  commentVersion?: string;
  reusableWorkflow: boolean;
  job?: string;
  stepIndex?: number;
  /** A suppression comment for this reference goes at the end of this offset's line (a YAML comment). */
  commentAt?: number;
}

/**
 * A `uses:` naming files of a repository rather than a published action: `./path` (the checked-out
 * workspace) or `$/path` (the workflow's own repository at the running commit); or a Docker action's
 * `runs.image` naming a Dockerfile. Never pinned: it changes with the repository that holds it.
 */
export interface LocalReference {
  kind: 'local';
  /** Exactly as written. */
  text: string;
  span: Span;
  /** A local action's folder, a reusable workflow's file, or a Dockerfile. */
  target: 'action' | 'workflow' | 'dockerfile';
  job?: string;
  stepIndex?: number;
  /** A suppression comment for this reference goes at the end of this offset's line (a YAML comment). */
  commentAt?: number;
}

export type Reference = ImageReference | ActionReference | LocalReference;

export interface RelatedLocation {
  span: Span;
  message: string;
  /**
   * Set when the place is in another file of the repository (a followed action, workflow or
   * Dockerfile): its path relative to the repository root, `/`-separated, and where in it; `span` is
   * then an offset range in that file.
   */
  elsewhere?: { file: string; start: LinePosition; end: LinePosition };
}

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  span: Span;
  reference: Reference;
  related?: RelatedLocation[];
  fixes: Fix[];
}

/** Publisher standing of an image. */
/** `verified-publisher`: a publisher someone vouches for (a Docker badge, a vendor, a project, a distribution). */
export type Standing = 'official' | 'verified-publisher' | 'trusted' | 'community' | 'unknown';
