// A GitHub actions lockfile for the tests: `.github/workflows/ci.yml` onboarded, `actions/checkout@v4`
// locked to a made-up commit, nothing else.
export const lockedCommit = 'a'.repeat(40);

export const checkoutLockText = [
  "version: 'v0.0.3'",
  'workflows:',
  "  '.github/workflows/ci.yml':",
  "    - 'actions/checkout@v4'",
  'dependencies:',
  "  'actions/checkout@v4':",
  "    ref: 'v4.2.2'",
  `    commit: 'sha1-${lockedCommit}'`,
  '    owner_id: 1',
  '    repo_id: 2',
  '',
].join('\n');
