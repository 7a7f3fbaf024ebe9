// Small workflows for the protocol tests, written into temporary workspaces.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** A job running in a community image that the official `debian` image could replace on amd64. */
export const communityContainerWorkflow = `name: build
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    container: ghcr.io/loong64/debian:trixie
    steps:
      - run: echo building
`;

/** An official image, pinned: nothing to say about it. */
export const officialPinnedWorkflow = `name: lint
on: push
jobs:
  lint:
    runs-on: ubuntu-latest
    container: debian:trixie@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    steps:
      - run: echo linting
`;

/** A matrix-supplied community image, consumed by `container:` through an expression. */
export const matrixWorkflow = `name: matrix
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        include:
          - image: ghcr.io/loong64/debian:trixie
          - image: debian:trixie
    container: \${{ matrix.image }}
    steps:
      - run: echo testing
`;

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [relative, text] of Object.entries(files)) {
    const full = path.join(root, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
}

/** 0-based line of the first line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const line = text.split('\n').findIndex((l) => l.includes(needle));
  if (line < 0) throw new Error(`fixture has no line containing ${needle}`);
  return line;
}

export function columnOf(text: string, needle: string): number {
  return text.split('\n')[lineOf(text, needle)].indexOf(needle);
}
