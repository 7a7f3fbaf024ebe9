// A small repository whose workflows use local actions of every kind the follower reads: written to a
// temporary folder per test run (symlinks and an oversized file cannot be committed as such).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Each workflow here uses one local action; the comment says what following it must find. */
export const followRepoFiles: Record<string, string> = {
  // A composite action that uses an action by tag, and runs an official image in its script.
  '.github/actions/setup/action.yml': [
    'name: setup',
    'runs:',
    '  using: composite',
    '  steps:',
    '    - uses: actions/setup-node@v4',
    '    - run: docker run --rm debian:bookworm-slim true',
    '      shell: bash',
    '',
  ].join('\n'),
  // A Docker action running a personal image by a moving tag.
  '.github/actions/tool/action.yml': [
    'name: tool',
    'runs:',
    '  using: docker',
    "  image: 'docker://someuser/tool:latest'",
    '',
  ].join('\n'),
  // A Docker action built from a Dockerfile whose base is a community copy of an official image.
  '.github/actions/built/action.yaml': ['name: built', 'runs:', '  using: docker', '  image: Dockerfile', ''].join(
    '\n',
  ),
  '.github/actions/built/Dockerfile': ['FROM ghcr.io/someone/debian:bookworm', 'RUN true', ''].join('\n'),
  // Multi-stage with ARG defaults, a stage name and scratch: only official images, pinned by tag.
  '.github/actions/stages/action.yml': [
    'name: stages',
    'runs:',
    '  using: docker',
    '  image: docker/Dockerfile',
    '',
  ].join('\n'),
  '.github/actions/stages/docker/Dockerfile': [
    '# syntax is the default',
    'ARG GO_VERSION=1.22',
    'ARG BASE=golang:${GO_VERSION}-bookworm',
    'FROM --platform=$BUILDPLATFORM ${BASE} AS build',
    'RUN go build -o /out/tool .',
    'FROM build AS test',
    'RUN go test ./...',
    'FROM scratch',
    'COPY --from=build /out/tool /tool',
    'ENTRYPOINT ["/tool"]',
    '',
  ].join('\n'),
  // A chain of depth three: outer → middle → tool (the Docker action above).
  '.github/actions/outer/action.yml': [
    'name: outer',
    'runs:',
    '  using: composite',
    '  steps:',
    '    - uses: ./.github/actions/middle',
    '',
  ].join('\n'),
  '.github/actions/middle/action.yml': [
    'name: middle',
    'runs:',
    '  using: composite',
    '  steps:',
    '    - uses: ./.github/actions/tool',
    '',
  ].join('\n'),
  // A cycle: ping uses pong, pong uses ping.
  '.github/actions/ping/action.yml': [
    'name: ping',
    'runs:',
    '  using: composite',
    '  steps:',
    '    - uses: ./.github/actions/pong',
    '',
  ].join('\n'),
  '.github/actions/pong/action.yml': [
    'name: pong',
    'runs:',
    '  using: composite',
    '  steps:',
    '    - uses: ./.github/actions/ping',
    '',
  ].join('\n'),
  // A folder with no action.yml.
  '.github/actions/empty/README.md': 'nothing here\n',
  // A local reusable workflow running a job in a personal image.
  '.github/workflows/reusable.yml': [
    'on: workflow_call',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    container: someuser/builder:1.0',
    '    steps:',
    '      - run: make',
    '',
  ].join('\n'),
  '.github/workflows/ci.yml': [
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
    '      - uses: ./.github/actions/setup',
    '      - uses: ./.github/actions/tool',
    '      - uses: ./.github/actions/built',
    '      - uses: ./.github/actions/stages',
    '      - uses: ./.github/actions/outer',
    '      - uses: ./.github/actions/ping',
    '      - uses: ./.github/actions/empty',
    '      - uses: ./.github/actions/big',
    '      - uses: ./.github/actions/escape',
    '      - uses: $/.github/actions/tool',
    '  call:',
    '    uses: ./.github/workflows/reusable.yml',
    '',
  ].join('\n'),
};

/** The repository in a fresh temporary folder, with an oversized action and a symlink leaving it. */
export function writeFollowRepo(): { root: string; outside: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'wp-follow-'));
  const outside = mkdtempSync(join(tmpdir(), 'wp-follow-outside-'));
  for (const [name, text] of Object.entries(followRepoFiles)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  // Over the 1 MiB bound for followed files: a comment padding a valid action.
  mkdirSync(join(root, '.github/actions/big'), { recursive: true });
  writeFileSync(
    join(root, '.github/actions/big/action.yml'),
    `name: big\nruns:\n  using: docker\n  image: docker://someuser/big:latest\n#${'x'.repeat(1100 * 1024)}\n`,
  );
  // A symlink to an action outside the checked folder: it must not be read.
  writeFileSync(
    join(outside, 'action.yml'),
    'name: outside\nruns:\n  using: docker\n  image: docker://someuser/secret:latest\n',
  );
  symlinkSync(outside, join(root, '.github/actions/escape'));
  return {
    root,
    outside,
    remove: () => {
      rmSync(root, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    },
  };
}
