// The `FROM` lines of a Dockerfile that a `run:` script writes (a heredoc to a Dockerfile, or to a build
// reading its Dockerfile from standard input).
import * as path from 'node:path';
import type * as TreeSitter from 'web-tree-sitter';
import { literalText, type WordContext } from './shellWords';

type SyntaxNode = TreeSitter.Node;

/** An image a written Dockerfile starts from. */
export interface DockerfileImage {
  start: number;
  end: number;
  text: string;
  tool: 'dockerfile';
  verb: 'FROM';
  platform?: string;
}

/** What the reading needs and adds to: the script (and its masked twin), the images found, the words left unresolved. */
export interface DockerfileScan extends WordContext {
  masked: string;
  images: DockerfileImage[];
  unresolved: number;
}

/**
 * `cat > Dockerfile <<EOF … EOF` and `docker build - <<EOF … EOF`: the `FROM` lines of a Dockerfile the
 * script writes. Stage names (`FROM base AS build`, later `FROM build`) and lines with expansions are skipped.
 */
export function readWrittenDockerfile(statement: SyntaxNode, state: DockerfileScan): void {
  const body = statement.childForFieldName('body');
  const redirects = statement.childrenForFieldName('redirect');
  const heredoc = redirects.find((node) => node.type === 'heredoc_redirect');
  if (!body || body.type !== 'command' || !heredoc) return;
  const args = [body.childForFieldName('name')?.firstNamedChild, ...body.childrenForFieldName('argument')].map(
    (node) => (node ? literalText(node, state) : undefined),
  );
  const program = args[0] === undefined ? '' : path.posix.basename(args[0]);
  // In `cat <<EOF > Dockerfile` the file redirect sits inside the heredoc redirect.
  const fileRedirects = [...redirects, ...heredoc.childrenForFieldName('redirect')];
  const catToFile =
    program === 'cat' &&
    fileRedirects.some((node) => {
      const destination = node.type === 'file_redirect' ? node.childForFieldName('destination') : null;
      return destination !== null && namesDockerfile(literalText(destination, state));
    });
  const teeToFile = program === 'tee' && args.slice(1).some(namesDockerfile);
  // A build reads its stdin only as a Dockerfile (`-`, `-f -`); tree-sitter-bash drops a lone `-` before `<<`.
  const fromStdin =
    (program === 'docker' || program === 'podman' || program === 'nerdctl' || program === 'buildah') &&
    args.some((word) => word === 'build' || word === 'bud');
  if (!catToFile && !teeToFile && !fromStdin) return;
  const text = heredoc.children.find((node) => node.type === 'heredoc_body');
  if (!text) return;
  const stages = new Set<string>();
  let lineStart = text.startIndex;
  while (lineStart < text.endIndex) {
    let lineEnd = state.script.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > text.endIndex) lineEnd = text.endIndex;
    readFromLine(state, lineStart, lineEnd, stages);
    lineStart = lineEnd + 1;
  }
}

function namesDockerfile(file: string | undefined): boolean {
  return file !== undefined && /(^|\/)(Dockerfile|Containerfile)[^/]*$|\.(dockerfile|containerfile)$/i.test(file);
}

function readFromLine(state: DockerfileScan, lineStart: number, lineEnd: number, stages: Set<string>): void {
  // Dockerfile words are separated by blanks; `FROM [--platform=X] image [AS name]`.
  const tokens: { start: number; end: number }[] = [];
  let i = lineStart;
  while (i < lineEnd) {
    while (i < lineEnd && (state.masked[i] === ' ' || state.masked[i] === '\t')) i++;
    const start = i;
    while (i < lineEnd && state.masked[i] !== ' ' && state.masked[i] !== '\t' && state.masked[i] !== '\r') i++;
    if (i > start) tokens.push({ start, end: i });
    if (state.masked[i] === '\r') i++;
  }
  const word = (k: number): string => state.script.slice(tokens[k].start, tokens[k].end);
  if (tokens.length < 2 || word(0).toUpperCase() !== 'FROM') return;
  let k = 1;
  let platform: string | undefined;
  while (k < tokens.length && word(k).startsWith('--')) {
    if (word(k).startsWith('--platform=')) platform = word(k).slice('--platform='.length);
    k++;
  }
  if (k >= tokens.length) return;
  const image = tokens[k];
  const name = word(k);
  const earlierStage = stages.has(name.toLowerCase());
  if (tokens[k + 2] && word(k + 1).toUpperCase() === 'AS') stages.add(word(k + 2).toLowerCase());
  if (earlierStage || name === 'scratch') return;
  if (state.masked.slice(image.start, image.end).includes('$')) {
    state.unresolved++;
    return;
  }
  const found: DockerfileImage = { start: image.start, end: image.end, text: name, tool: 'dockerfile', verb: 'FROM' };
  if (platform !== undefined) found.platform = platform;
  state.images.push(found);
}
