import { lockStanding } from '../engine/actionsLock';
import { isFullCommitSha } from '../engine/commitSha';
import type { ActionRule } from './rule';

export const unpinnedAction: ActionRule = {
  id: 'unpinned-action',
  target: 'action',
  defaultSeverity: 'warning',
  securitySeverity: 5.5,
  precision: 'very-high',
  summary: 'An action or reusable workflow is referenced by a tag or branch, not a full commit SHA.',
  docPath: 'docs/rules/unpinned-action.md',
  check(ref, ctx) {
    if (isFullCommitSha(ref.ref)) return undefined;
    // GitHub runs the commit an onboarded workflow's lockfile records, whatever the tag says now;
    // a missing or stale entry is actions-lock-mismatch's to report.
    if (lockStanding(ref, ctx.options.actionsLock).status !== 'not-covered') return undefined;
    const what = ref.reusableWorkflow ? 'reusable workflow' : 'action';
    if (ref.ref === '') {
      return {
        message: `${ref.text} has no @ref: GitHub cannot run the ${what} without one; pin a full commit SHA`,
        fixes: ['ignore'],
      };
    }
    return {
      message: `${ref.text} is not pinned: its owner can move '${ref.ref}' to other code; pin the ${what} to a full commit SHA`,
      fixes: ['pin-action', 'ignore'],
    };
  },
};
