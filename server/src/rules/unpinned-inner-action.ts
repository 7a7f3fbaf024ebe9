import { chainText, pathsTo, relatedAt } from '../engine/follow';
import type { RelatedLocation } from '../engine/types';
import type { UsesRule } from './rule';

const maxRelated = 12;

export const unpinnedInnerAction: UsesRule = {
  id: 'unpinned-inner-action',
  target: 'uses',
  defaultSeverity: 'info',
  securitySeverity: 3.0,
  precision: 'high',
  summary:
    'An action pinned to a commit (or a local one) itself uses actions by tag or branch, so pinning it does not freeze them.',
  docPath: 'docs/rules/unpinned-inner-action.md',
  check(use) {
    // An action used by tag is `unpinned-action`'s finding already; past it, nothing is frozen anyway.
    if (!use.node.pinned) return undefined;
    const found = pathsTo(
      use.node,
      (node) => (node.pinned ? node.children.filter((child) => !child.pinned) : []),
      (node) => node.pinned,
    );
    if (found.length === 0) return undefined;
    const { path, found: inner } = found[0];
    const others = found.length - 1;
    const more = others > 0 ? `; and ${others} more` : '';
    const related: RelatedLocation[] = found
      .slice(0, maxRelated)
      .map((f) =>
        relatedAt(
          f.found.at,
          `${chainText([...f.path, f.found])}`,
          use.reference.span,
          f.path[f.path.length - 1].commit,
        ),
      );
    const at = inner.uses.lastIndexOf('@');
    const ref = at < 0 ? '' : inner.uses.slice(at + 1);
    const name = at < 0 ? inner.uses : inner.uses.slice(0, at);
    const moving = ref ? `by '${ref}', which its owner can move` : 'with no @ref';
    const consequence =
      use.reference.kind === 'local'
        ? `the local ${use.node.target === 'workflow' ? 'reusable workflow' : 'action'} runs whatever that points at`
        : `pinning ${use.reference.text.slice(0, use.reference.text.lastIndexOf('@'))} does not freeze it`;
    return {
      message: `${chainText([...path, inner])}: ${name} is used ${moving}; ${consequence}${more}`,
      fixes: ['ignore'],
      related,
    };
  },
};
