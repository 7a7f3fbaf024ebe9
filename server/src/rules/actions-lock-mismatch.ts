import { actionsLockPath, lockPinOf, lockStanding } from '../engine/actionsLock';
import { shortCommitSha } from '../engine/commitSha';
import type { ActionRule } from './rule';

export const actionsLockMismatch: ActionRule = {
  id: 'actions-lock-mismatch',
  target: 'action',
  defaultSeverity: 'warning',
  securitySeverity: 4.0,
  precision: 'very-high',
  summary:
    "An action of a workflow onboarded to GitHub's actions.lock has no entry there, or the entry disagrees with the workflow.",
  docPath: 'docs/rules/actions-lock-mismatch.md',
  check(ref, ctx) {
    const standing = lockStanding(ref, ctx.options.actionsLock);
    const pin = lockPinOf(ref);
    const rerun = 'run `gh actions-lock` and review the new entry';
    if (standing.status === 'missing') {
      const recorded = standing.otherRefs.length
        ? `; it records ${standing.otherRefs.map((r) => `@${r}`).join(', ')} for this repository, so the workflow changed since it was locked`
        : '';
      return {
        message: `${pin} has no entry for this workflow in ${actionsLockPath}${recorded}: GitHub will not start an onboarded workflow that uses an unlocked action; ${rerun}`,
        fixes: ['ignore'],
      };
    }
    if (standing.status === 'commit-differs') {
      return {
        message: `${ref.text} names another commit than ${actionsLockPath}, which locks it to ${shortCommitSha(standing.commit)}: ${rerun}`,
        fixes: ['ignore'],
      };
    }
    return undefined;
  },
};
