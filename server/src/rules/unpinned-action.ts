import type { ActionRule } from './rule';

export const unpinnedAction: ActionRule = {
  id: 'unpinned-action',
  target: 'action',
  defaultSeverity: 'warning',
  summary: 'An action or reusable workflow is referenced by a tag or branch, not a full commit SHA.',
  docPath: 'docs/rules/unpinned-action.md',
  check(ref) {
    if (/^[0-9a-f]{40}$/.test(ref.ref)) return undefined;
    const what = ref.reusableWorkflow ? 'reusable workflow' : 'action';
    return {
      message: `${ref.text}: the ${what} is referenced by '${ref.ref}', which its owner can move to other code; pin a full commit SHA`,
      fixes: ['pin-action', 'ignore'],
    };
  },
};
