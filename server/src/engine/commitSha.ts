// A git commit as a workflow pins it: the full 40-hex SHA-1 object name. GitHub resolves a shorter
// prefix too, but only the full name cannot be moved by whoever pushes to the action's repository.

const fullSha = /^[0-9a-f]{40}$/;

/** True for a full, lower-case commit SHA (`uses: owner/repo@<sha>` pins only with one). */
export function isFullCommitSha(ref: string): boolean {
  return fullSha.test(ref);
}

/** The first 12 hex digits, as GitHub's pages show a commit. */
export function shortCommitSha(sha: string): string {
  return sha.slice(0, 12);
}
