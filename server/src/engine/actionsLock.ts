// GitHub's workflow dependency lockfile, `.github/workflows/actions.lock`, written by `gh actions-lock`.
// Facts from GitHub's documentation ("Workflow dependency lockfiles") and the published JSON schemas
// (github/actions-lockfile, schema/lockfile-v0.0.1..3.json):
// - YAML with `version`, `workflows` (repo-relative workflow path -> list of pins) and `dependencies`
//   (pin -> `ref`, `commit: sha1-<hex>` or `sha256-<hex>`, `owner_id`, `repo_id`, optional `uses`).
// - A pin is `owner/repo@ref`, owner and repo in lower case, the ref as written, no sub-path
//   (`actions/cache/save@v4` is locked as `actions/cache@v4`); v0.0.1 appended `:sha1-<hex>` to it.
// - A workflow listed under `workflows` is "onboarded": GitHub runs the recorded commits and refuses
//   to start it when an action it uses has no entry. Other workflows are not affected.
// - Calls of reusable workflows (`jobs.<id>.uses`) are not locked; images are not either.
import { parse } from 'yaml';
import { errorMessage } from './errorMessage';
import type { ActionReference } from './types';

/** Where the lockfile lives, relative to the repository root. */
export const actionsLockPath = '.github/workflows/actions.lock';

const knownVersions = new Set(['v0.0.1', 'v0.0.2', 'v0.0.3']);

export interface LockedAction {
  ref?: string;
  /** The commit in hex, without its `sha1-` prefix; undefined when the entry has none that reads. */
  commit?: string;
}

export interface ActionsLock {
  version: string;
  /** Onboarded workflows (repo-relative paths) and the pins each lists. */
  workflows: Map<string, string[]>;
  dependencies: Map<string, LockedAction>;
}

/** The lockfile as it applies to one workflow file (what a face passes to the engine). */
export interface WorkflowLock {
  lock: ActionsLock;
  /** The workflow's repo-relative path, e.g. `.github/workflows/ci.yml`. */
  workflow: string;
}

/** Reads the lockfile; an unreadable one gives no lock and a reason, never a guess. */
export function parseActionsLock(text: string): { lock?: ActionsLock; problem?: string } {
  let data: unknown;
  try {
    // A generated file has no aliases; refusing them keeps a hostile one from expanding.
    data = parse(text, { maxAliasCount: 0, uniqueKeys: true });
  } catch (e) {
    return { problem: `not valid YAML: ${errorMessage(e).split('\n')[0]}` };
  }
  if (!isRecord(data)) return { problem: 'not a mapping with `version`, `workflows` and `dependencies`' };
  const version = data.version;
  if (typeof version !== 'string' || !knownVersions.has(version))
    return { problem: `version ${JSON.stringify(version)} is not one this checker reads (v0.0.1 to v0.0.3)` };
  const workflows = new Map<string, string[]>();
  if (data.workflows !== undefined && data.workflows !== null) {
    if (!isRecord(data.workflows)) return { problem: '`workflows` is not a mapping' };
    for (const [path, pins] of Object.entries(data.workflows)) {
      if (!Array.isArray(pins)) return { problem: `\`workflows\` entry ${JSON.stringify(path)} is not a list` };
      workflows.set(path, pins.filter((p): p is string => typeof p === 'string').map(pinKeyOf));
    }
  }
  const dependencies = new Map<string, LockedAction>();
  if (data.dependencies !== undefined && data.dependencies !== null) {
    if (!isRecord(data.dependencies)) return { problem: '`dependencies` is not a mapping' };
    for (const [key, entry] of Object.entries(data.dependencies)) {
      const legacyCommit = key.includes(':') ? commitOf(key.slice(key.indexOf(':') + 1)) : undefined;
      const fields = isRecord(entry) ? entry : {};
      dependencies.set(pinKeyOf(key), {
        ref: typeof fields.ref === 'string' ? fields.ref : undefined,
        commit: (typeof fields.commit === 'string' ? commitOf(fields.commit) : undefined) ?? legacyCommit,
      });
    }
  }
  return { lock: { version, workflows, dependencies } };
}

/** The lockfile's key for a `uses:` reference: `owner/repo@ref`, owner and repo in lower case. */
export function lockPinOf(ref: Pick<ActionReference, 'owner' | 'repo' | 'ref'>): string {
  return `${ref.owner.toLowerCase()}/${ref.repo.toLowerCase()}@${ref.ref}`;
}

/** What the lockfile says about one `uses:`. */
export type LockStanding =
  /** No lockfile, the workflow is not onboarded, or the reference is of a kind it does not lock. */
  | { status: 'not-covered' }
  | { status: 'locked'; commit: string }
  /** Onboarded, but no entry (or one without a commit): GitHub will not start the workflow. */
  | { status: 'missing'; otherRefs: string[] }
  /** The `uses:` names a commit and the lockfile records another one for it. */
  | { status: 'commit-differs'; commit: string };

export function lockStanding(ref: ActionReference, locked: WorkflowLock | undefined): LockStanding {
  if (!locked || ref.reusableWorkflow || ref.ref === '') return { status: 'not-covered' };
  const pins = locked.lock.workflows.get(locked.workflow);
  if (!pins) return { status: 'not-covered' };
  const key = lockPinOf(ref);
  const entry = locked.lock.dependencies.get(key);
  if (!pins.includes(key) || !entry?.commit) {
    const repo = key.slice(0, key.indexOf('@') + 1);
    const otherRefs = pins.filter((p) => p.startsWith(repo) && p !== key).map((p) => p.slice(repo.length));
    return { status: 'missing', otherRefs };
  }
  const written = ref.ref.toLowerCase();
  if (/^[0-9a-f]{40}$/.test(written) && entry.commit !== written)
    return { status: 'commit-differs', commit: entry.commit };
  return { status: 'locked', commit: entry.commit };
}

/** `owner/repo@ref` in its canonical form (v0.0.1's `:sha1-…` suffix dropped). */
function pinKeyOf(raw: string): string {
  const at = raw.indexOf('@');
  if (at < 0) return raw;
  const ref = raw.slice(at + 1);
  const colon = ref.indexOf(':');
  return `${raw.slice(0, at).toLowerCase()}@${colon < 0 ? ref : ref.slice(0, colon)}`;
}

function commitOf(value: string): string | undefined {
  const m = /^(?:sha1-([0-9a-f]{40})|sha256-([0-9a-f]{64}))$/.exec(value.trim().toLowerCase());
  return m ? (m[1] ?? m[2]) : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
