// The `FROM` lines of a Dockerfile that a `run:` script writes (a heredoc to a Dockerfile, or to a build
// reading its Dockerfile from standard input).
import * as path from 'node:path';
import type * as TreeSitter from 'web-tree-sitter';
import { dockerfileImages } from './dockerfile';
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
 * script writes (read by dockerfile.ts). Stage names and lines with expansions are skipped.
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
  const heredocBody = heredoc.children.find((node) => node.type === 'heredoc_body');
  if (!heredocBody) return;
  // The shell expands `$` in the heredoc first: a line with an expansion is left unresolved.
  const read = dockerfileImages(state.script.slice(heredocBody.startIndex, heredocBody.endIndex), {
    masked: state.masked.slice(heredocBody.startIndex, heredocBody.endIndex),
    args: false,
  });
  state.unresolved += read.unresolved;
  for (const image of read.images) {
    const found: DockerfileImage = {
      start: heredocBody.startIndex + image.start,
      end: heredocBody.startIndex + image.end,
      text: image.text,
      tool: 'dockerfile',
      verb: 'FROM',
    };
    if (image.platform !== undefined) found.platform = image.platform;
    state.images.push(found);
  }
}

function namesDockerfile(file: string | undefined): boolean {
  return file !== undefined && /(^|\/)(Dockerfile|Containerfile)[^/]*$|\.(dockerfile|containerfile)$/i.test(file);
}
