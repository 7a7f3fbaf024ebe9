// The command line of `workflow-provenance check`: its usage text and the options it takes.
import { errorMessage } from '../engine/errorMessage';
import { printable } from './printable';

export const usage = `Usage: workflow-provenance check [--format text|github|json|sarif] [--offline] [--fix] [--exit-zero] [--provenance] [--require-provenance[=PATTERN]] [--config FILE] PATH...

Checks GitHub Actions workflows (.github/workflows/*.yml) and action metadata (action.yml) for
untrusted, community and unpinned container images and unpinned actions.

  PATH             a file (checked wherever it lies) or a folder (searched for workflows and action.yml)
  --format F       text (default; file:line:col: severity rule: message), github (annotations as
                   workflow commands, and a summary in $GITHUB_STEP_SUMMARY), json, or sarif (SARIF 2.1.0)
  --exit-zero      exit 0 even when there are findings (for jobs that only upload results)
  --offline        no network look-ups: built-in knowledge and the policy only
  --fix            pin every image to its digest and every action to its commit, in place (online)
  --config FILE    the policy file (default: .github/workflow-provenance.yml found above each file)
  --cache-dir DIR  where online facts are cached (default: $XDG_CACHE_HOME/workflow-provenance)
  --registry-url NAME=URL   reach registry NAME at URL (a mirror; repeatable)
  --git-url URL    the git host for action look-ups (default: https://github.com)
  --timeout MS     per-request time limit for look-ups (default 5000)
  --provenance     look up each image's Sigstore signatures and attestations and verify them
                   (rule unverified-image; the verdict per image in json and sarif output)
  --require-provenance[=PATTERN]  images (matching PATTERN, default all) must have verified provenance:
                   error provenance-mismatch otherwise, exit status 1 (implies --provenance; repeatable)
  --trusted-root FILE  also verify against this Sigstore trust root (trusted_root.json, or JSON lines
                   as \`gh attestation trusted-root\` prints); the public-good root is always used
  --refresh-trust-root  update the public-good Sigstore root through TUF (tuf-repo-cdn.sigstore.dev),
                   cached under --cache-dir; without it the root shipped with the tool is used

Online look-ups use registries' own API and git's smart HTTP; a token for private action
repositories can be given in WORKFLOW_PROVENANCE_GIT_TOKEN. Registry credentials come from Docker's
config ($DOCKER_CONFIG or ~/.docker: auths, credHelpers, credsStore) and go only to the origin they
were filed for (a --registry-url mirror gets only its own). Workflows choose which registries are
asked: for untrusted pull requests, use --offline.

Exit status: 0 no finding at warning or above, 1 findings (0 with --exit-zero), 2 a file could not be
read or had errors, or the command line was wrong.`;

const formats = ['text', 'github', 'json', 'sarif'] as const;

export interface Options {
  format: (typeof formats)[number];
  offline: boolean;
  fix: boolean;
  exitZero: boolean;
  config?: string;
  cacheDir?: string;
  registryUrls: Record<string, string>;
  gitUrl?: string;
  timeoutMs?: number;
  provenance: boolean;
  requireProvenance: string[];
  trustedRoots: string[];
  refreshTrustRoot: boolean;
  paths: string[];
}

export function parseArgs(argv: string[]): Options | string {
  const o: Options = {
    format: 'text',
    offline: false,
    fix: false,
    exitZero: false,
    registryUrls: {},
    provenance: false,
    requireProvenance: [],
    trustedRoots: [],
    refreshTrustRoot: false,
    paths: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (name: string) => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    try {
      if (a === '--format' || a.startsWith('--format=')) {
        const f = value('--format');
        const known = formats.find((x) => x === f);
        if (!known) return `unknown format '${printable(f)}' (${formats.join(', ')})`;
        o.format = known;
      } else if (a === '--offline') o.offline = true;
      else if (a === '--online') o.offline = false;
      else if (a === '--fix') o.fix = true;
      else if (a === '--exit-zero') o.exitZero = true;
      else if (a === '--provenance') o.provenance = true;
      else if (a === '--refresh-trust-root') o.refreshTrustRoot = true;
      else if (a === '--require-provenance') o.requireProvenance.push('**');
      else if (a.startsWith('--require-provenance='))
        o.requireProvenance.push(a.slice('--require-provenance='.length) || '**');
      else if (a === '--trusted-root' || a.startsWith('--trusted-root=')) o.trustedRoots.push(value('--trusted-root'));
      else if (a === '--config' || a.startsWith('--config=')) o.config = value('--config');
      else if (a === '--cache-dir' || a.startsWith('--cache-dir=')) o.cacheDir = value('--cache-dir');
      else if (a === '--git-url' || a.startsWith('--git-url=')) o.gitUrl = value('--git-url');
      else if (a === '--timeout' || a.startsWith('--timeout=')) {
        const ms = Number(value('--timeout'));
        if (!Number.isInteger(ms) || ms <= 0) return '--timeout takes a whole number of milliseconds';
        o.timeoutMs = ms;
      } else if (a === '--registry-url' || a.startsWith('--registry-url=')) {
        const v = a.startsWith('--registry-url=') ? a.slice('--registry-url='.length) : value('--registry-url');
        const eq = v.indexOf('=');
        if (eq <= 0 || !/^https?:\/\//.test(v.slice(eq + 1)))
          return `--registry-url takes NAME=URL (http or https), not '${printable(v)}'`;
        o.registryUrls[v.slice(0, eq)] = v.slice(eq + 1);
      } else if (a.startsWith('-') && a !== '-') return `unknown option '${printable(a)}'`;
      else o.paths.push(a);
    } catch (e) {
      return errorMessage(e);
    }
  }
  if (o.paths.length === 0) return 'no PATH given';
  if (o.fix && o.offline) return '--fix needs online look-ups; drop --offline';
  if (o.requireProvenance.length > 0) o.provenance = true;
  if (o.provenance && o.offline) return '--provenance and --require-provenance need online look-ups; drop --offline';
  return o;
}
