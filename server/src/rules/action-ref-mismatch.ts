import type { ActionRule } from './rule';

export const actionRefMismatch: ActionRule = {
  id: 'action-ref-mismatch',
  target: 'action',
  defaultSeverity: 'warning',
  securitySeverity: 6.5,
  precision: 'high',
  summary: "A pinned commit's version comment names a tag that points at another commit.",
  docPath: 'docs/rules/action-ref-mismatch.md',
  online: true,
  check(ref, { resolvedAction }) {
    if (!ref.commentVersion || !/^[0-9a-f]{40}$/.test(ref.ref) || !resolvedAction?.commentTagCommit) return undefined;
    if (resolvedAction.commentTagCommit === ref.ref) return undefined;
    const cached = resolvedAction.fromCache ? ' (cached)' : '';
    return {
      message: `${ref.owner}/${ref.repo} is pinned to ${ref.ref.slice(0, 12)} but its comment says ${ref.commentVersion}, which points at ${resolvedAction.commentTagCommit.slice(0, 12)}${cached}`,
      fixes: ['pin-action', 'ignore'],
    };
  },
};
