// Following what a `uses:` runs: a local action's `action.yml`, a reusable workflow, a composite
// action's own steps, a Docker action's image or Dockerfile, hop after hop. Pure: the files arrive
// already read (a driver in the workspace layer reads them, asking `needed` what to read next); each
// file is judged by the same pipeline as any file, through the callbacks given.
import { isFullCommitSha, shortCommitSha } from './commitSha';
import { type LineIndex, lineIndexOf, type LinePosition } from './lineIndex';
import type { ActionReference, Finding, ImageReference, LocalReference, RelatedLocation, Span } from './types';

/**
 * How many hops are followed from the document: a composite action in a composite action in a
 * reusable workflow is three. GitHub allows deeper nesting; real chains rarely pass two.
 */
export const maxFollowDepth = 4;
/** How many files one document's follow may read, whatever the shape of the tree. */
export const maxFollowedFiles = 200;

/** Where a followed file lives: this repository's working tree, or a repository at a ref. */
export type FileAddress =
  | { kind: 'local'; path: string }
  | { kind: 'remote'; owner: string; repo: string; ref: string; path: string };

/** A file as the driver read it (the same shape the online source answers with). */
export type FollowedFile =
  | { kind: 'found'; text: string; commit?: string }
  | { kind: 'missing' }
  | { kind: 'failed'; reason: string };

export interface FollowInput {
  /** Files read so far, by `fileKey`. */
  files: ReadonlyMap<string, FollowedFile>;
  /** The document's own path relative to the repository root, `/`-separated. */
  path: string;
}

/** A place in the document (no `file`) or in a followed file. */
export interface Place {
  file?: FileAddress;
  span: Span;
  start: LinePosition;
  end: LinePosition;
}

export interface FollowedImage {
  reference: ImageReference;
  /** Its findings in the file that holds it, at the severities the policy gives. */
  findings: Finding[];
  at: Place;
}

/** One hop: a `uses:` (or a Docker action's `runs.image`) and what it runs. */
export interface FollowNode {
  /** As written. */
  uses: string;
  target: 'action' | 'workflow' | 'dockerfile';
  /** Where it is written. */
  at: Place;
  /** A local file, or pinned to a full commit SHA: its own files cannot change under the workflow. */
  pinned: boolean;
  /** The file read for it, when one was. */
  file?: FileAddress;
  /** The commit the remote file was read at. */
  commit?: string;
  /** Why what it runs is not known. */
  notFollowed?: string;
  images: FollowedImage[];
  children: FollowNode[];
}

/** A `uses:` of the document, followed. */
export interface FollowedUse {
  reference: ActionReference | LocalReference;
  node: FollowNode;
}

/** How the follower judges a file it read; the pipeline supplies these (the engine never imports a rule). */
export interface FollowJudges {
  /** A workflow or action file: its references and findings (never itself followed). */
  yaml(
    text: string,
    file: FileAddress,
  ): {
    images: ImageReference[];
    actions: ActionReference[];
    locals: LocalReference[];
    findings: Finding[];
  };
  /** A Dockerfile: the images it builds from, with their findings. */
  dockerfile(text: string, file: FileAddress): Array<{ reference: ImageReference; findings: Finding[] }>;
  /** The policy's `ignore` patterns cover the reference: it is not followed. */
  ignored(ref: ActionReference | LocalReference): boolean;
}

export interface FollowResult {
  uses: FollowedUse[];
  /** Files the walk reached and has not read yet. */
  needed: FileAddress[];
}

export function fileKey(file: FileAddress): string {
  return file.kind === 'local' ? `./${file.path}` : `${file.owner}/${file.repo}@${file.ref}:${file.path}`;
}

/** `a/b/../c` → `a/c`; undefined when the path climbs out of the repository. */
export function repositoryPath(...parts: string[]): string | undefined {
  const out: string[] = [];
  for (const segment of parts.join('/').replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(segment);
  }
  return out.join('/');
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The repository a file came from: `$/` and a Dockerfile's path are read there. */
type Origin = { kind: 'local' } | { kind: 'remote'; owner: string; repo: string; ref: string };

interface Target {
  address?: FileAddress;
  /** An action's folder: `action.yml`, else `action.yaml`. */
  actionFolder: boolean;
  notFollowed?: string;
  pinned: boolean;
}

function targetOf(ref: ActionReference | LocalReference, origin: Origin, folder: string): Target {
  if (ref.kind === 'action') {
    const pinned = isFullCommitSha(ref.ref);
    if (!ref.ref) return { actionFolder: false, pinned, notFollowed: 'it names no @ref' };
    const path = repositoryPath(ref.path ?? '');
    if (path === undefined) return { actionFolder: false, pinned, notFollowed: 'its path leaves the repository' };
    const address: FileAddress = { kind: 'remote', owner: ref.owner, repo: ref.repo, ref: ref.ref, path };
    return { address, actionFolder: !ref.reusableWorkflow, pinned };
  }
  const text = ref.text;
  if (text.includes('${{'))
    return { actionFolder: false, pinned: true, notFollowed: 'its path is chosen when the workflow runs' };
  let path: string | undefined;
  let at: Origin = { kind: 'local' };
  if (ref.target === 'dockerfile') {
    path = repositoryPath(folder, text);
    at = origin;
  } else if (text.startsWith('$/')) {
    // The workflow's own repository at the running commit: for a remote file, its repository.
    path = repositoryPath(text.slice(2));
    at = origin;
  } else {
    // `./` is the job's workspace, which a checkout of this repository fills.
    path = repositoryPath(text);
  }
  if (path === undefined) return { actionFolder: false, pinned: true, notFollowed: 'its path leaves the repository' };
  const workflowFile = ref.target === 'workflow' || /\.ya?ml$/.test(path);
  const address: FileAddress = at.kind === 'local' ? { kind: 'local', path } : { ...at, kind: 'remote', path };
  return { address, actionFolder: ref.target === 'action' && !workflowFile, pinned: true };
}

function withPath(address: FileAddress, path: string): FileAddress {
  return { ...address, path };
}

class Walker {
  readonly needed = new Map<string, FileAddress>();
  private readonly judged = new Map<string, ReturnType<FollowJudges['yaml']>>();
  private readonly indexes = new Map<string, LineIndex>();
  private filesRead = 0;

  constructor(
    private readonly input: FollowInput,
    private readonly judges: FollowJudges,
  ) {}

  place(file: FileAddress | undefined, text: string, span: Span): Place {
    const key = file ? fileKey(file) : '';
    let index = this.indexes.get(key);
    if (!index) this.indexes.set(key, (index = lineIndexOf(text)));
    const p: Place = { span, start: index.positionAt(span.start), end: index.positionAt(span.end) };
    if (file) p.file = file;
    return p;
  }

  /** The file for `target`, or why there is none; undefined while it is still to be read. */
  private read(target: Target): { address: FileAddress; file: FollowedFile & { kind: 'found' } } | string | undefined {
    const address = target.address as FileAddress;
    const candidates = target.actionFolder
      ? [
          withPath(address, repositoryPath(address.path, 'action.yml') ?? ''),
          withPath(address, repositoryPath(address.path, 'action.yaml') ?? ''),
        ]
      : [address];
    for (const candidate of candidates) {
      const file = this.input.files.get(fileKey(candidate));
      if (file === undefined) {
        this.needed.set(fileKey(candidate), candidate);
        return undefined;
      }
      if (file.kind === 'found') return { address: candidate, file };
      if (file.kind === 'failed') return file.reason;
    }
    const where = address.path || 'the repository root';
    return target.actionFolder ? `no action.yml or action.yaml in ${where}` : `${where} does not exist`;
  }

  visit(node: FollowNode, target: Target, depth: number, ancestors: readonly string[]): void {
    if (target.notFollowed || !target.address) {
      node.notFollowed = target.notFollowed ?? 'nothing to read';
      return;
    }
    if (depth > maxFollowDepth) {
      node.notFollowed = `deeper than ${maxFollowDepth} levels`;
      return;
    }
    if (this.filesRead >= maxFollowedFiles) {
      node.notFollowed = `more than ${maxFollowedFiles} files followed`;
      return;
    }
    const read = this.read(target);
    if (read === undefined) {
      node.notFollowed = 'not read yet';
      return;
    }
    if (typeof read === 'string') {
      node.notFollowed = read;
      return;
    }
    const key = fileKey(read.address);
    node.file = read.address;
    if (read.file.commit) node.commit = read.file.commit;
    if (ancestors.includes(key)) {
      node.notFollowed = 'a cycle: it leads back to a file already on this path';
      return;
    }
    this.filesRead++;
    const text = read.file.text;
    if (node.target === 'dockerfile') {
      for (const image of this.judges.dockerfile(text, read.address))
        node.images.push({ ...image, at: this.place(read.address, text, image.reference.span) });
      return;
    }
    let judged = this.judged.get(key);
    if (!judged) this.judged.set(key, (judged = this.judges.yaml(text, read.address)));
    for (const reference of judged.images) {
      const findings = judged.findings.filter((f) => f.reference === reference);
      node.images.push({ reference, findings, at: this.place(read.address, text, reference.span) });
    }
    const a = read.address;
    const origin: Origin =
      a.kind === 'local'
        ? { kind: 'local' }
        : { kind: 'remote', owner: a.owner, repo: a.repo, ref: read.file.commit ?? a.ref };
    const children = [...judged.actions, ...judged.locals].sort((x, y) => x.span.start - y.span.start);
    for (const child of children)
      node.children.push(this.hop(child, origin, folderOf(a.path), read.address, text, depth + 1, [...ancestors, key]));
  }

  hop(
    ref: ActionReference | LocalReference,
    origin: Origin,
    folder: string,
    file: FileAddress | undefined,
    text: string,
    depth: number,
    ancestors: readonly string[],
  ): FollowNode {
    const target = targetOf(ref, origin, folder);
    if (file && this.judges.ignored(ref)) target.notFollowed = 'the policy ignores it';
    const node: FollowNode = {
      uses: ref.text,
      target: ref.kind === 'local' ? ref.target : ref.reusableWorkflow ? 'workflow' : 'action',
      at: this.place(file, text, ref.span),
      pinned: target.pinned,
      images: [],
      children: [],
    };
    this.visit(node, target, depth, ancestors);
    return node;
  }
}

/**
 * Follows every `uses:` of the document (and a Docker action's Dockerfile) as far as the files read
 * allow, up to `maxFollowDepth` hops, never twice around a cycle.
 */
export function followDocument(
  document: { actions: ActionReference[]; locals: LocalReference[] },
  text: string,
  input: FollowInput,
  judges: FollowJudges,
): FollowResult {
  const walker = new Walker(input, judges);
  const self = repositoryPath(input.path) ?? input.path;
  const refs = [...document.actions, ...document.locals].sort((a, b) => a.span.start - b.span.start);
  const uses = refs.map((reference) => ({
    reference,
    node: walker.hop(reference, { kind: 'local' }, folderOf(self), undefined, text, 1, [`./${self}`]),
  }));
  return { uses, needed: [...walker.needed.values()] };
}

// ---- presenting chains, for the rules' messages and the hover

/** How a hop reads in a chain: `./a`, `owner/repo@v1`, `Dockerfile`. */
export function hopLabel(node: FollowNode): string {
  return node.uses;
}

/** How an image is reached from the file that holds it, e.g. `docker://x`, `FROM x`, `container: x`. */
export function imageLabel(image: ImageReference): string {
  switch (image.source) {
    case 'docker-uses':
    case 'action-runs':
      return `docker://${image.text}`;
    case 'dockerfile':
      return `FROM ${image.text}`;
    case 'container':
      return `container: ${image.text}`;
    case 'service':
      return `services: ${image.text}`;
    case 'run-script':
      return `run: ${image.text}`;
    default:
      return image.action ? `${image.action}: ${image.text}` : image.text;
  }
}

/** `uses: ./a → ./b → docker://x`. */
export function chainText(path: readonly FollowNode[], last?: string): string {
  const head = path[0]?.target === 'dockerfile' ? 'image' : 'uses';
  return `${head}: ${[...path.map(hopLabel), ...(last ? [last] : [])].join(' → ')}`;
}

/** Where a remote file is, for a message: `owner/repo@abc123def456:path`. */
export function remoteName(file: FileAddress & { kind: 'remote' }, commit?: string): string {
  const at = commit ? shortCommitSha(commit) : file.ref;
  return `${file.owner}/${file.repo}@${at}:${file.path}`;
}

/**
 * A related location for `place`: in the document or another local file as it is; a remote file has
 * no place an editor can open, so its line is named in the message and the location is `fallback`.
 */
export function relatedAt(place: Place, message: string, fallback: Span, commit?: string): RelatedLocation {
  if (!place.file) return { span: place.span, message };
  if (place.file.kind === 'local')
    return { span: place.span, message, elsewhere: { file: place.file.path, start: place.start, end: place.end } };
  return { span: fallback, message: `${message} (${remoteName(place.file, commit)} line ${place.start.line + 1})` };
}

/** Every path from `root` down to a node `pick` selects something in, depth first, with what it picked. */
export function pathsTo<T>(
  root: FollowNode,
  pick: (node: FollowNode, path: readonly FollowNode[]) => T[],
  descend: (node: FollowNode) => boolean = () => true,
): Array<{ path: FollowNode[]; found: T }> {
  const out: Array<{ path: FollowNode[]; found: T }> = [];
  const walk = (node: FollowNode, path: FollowNode[]): void => {
    const here = [...path, node];
    for (const found of pick(node, here)) out.push({ path: here, found });
    if (descend(node)) for (const child of node.children) walk(child, here);
  };
  walk(root, []);
  return out;
}
