import { chainText, type FollowedImage, imageLabel, pathsTo, relatedAt } from '../engine/follow';
import type { RelatedLocation } from '../engine/types';
import type { UsesRule } from './rule';

/** Related locations one finding lists at most: the chain of the first image, then the others'. */
const maxRelated = 12;

/** An image the image rules warn about (or worse) in the file that runs it. */
function warns(image: FollowedImage): boolean {
  return image.findings.some((f) => f.severity !== 'info');
}

export const actionRunsUntrustedImage: UsesRule = {
  id: 'action-runs-untrusted-image',
  target: 'uses',
  defaultSeverity: 'warning',
  securitySeverity: 5.0,
  precision: 'medium',
  summary:
    'An action or reusable workflow, directly or through the actions it uses, runs an image the image rules warn about.',
  docPath: 'docs/rules/action-runs-untrusted-image.md',
  check(use) {
    const found = pathsTo(use.node, (node) => node.images.filter(warns));
    if (found.length === 0) return undefined;
    const first = found[0];
    const rules = [...new Set(first.found.findings.filter((f) => f.severity !== 'info').map((f) => f.rule))];
    const others = found.length - 1;
    const more = others > 0 ? `; and ${others} more image${others === 1 ? '' : 's'} it runs` : '';
    const related: RelatedLocation[] = [];
    for (const { path, found: image } of found) {
      // Each hop after the first is written in the file its parent read; the first is this line.
      for (let i = 1; i < path.length && related.length < maxRelated; i++)
        related.push(
          relatedAt(path[i].at, `${chainText(path.slice(0, i + 1))}`, use.reference.span, path[i - 1].commit),
        );
      if (related.length < maxRelated) {
        const why = image.findings.find((f) => f.severity !== 'info')?.message ?? image.reference.text;
        related.push(relatedAt(image.at, why, use.reference.span, path[path.length - 1].commit));
      }
    }
    return {
      message: `${chainText(first.path, imageLabel(first.found.reference))}: ${first.found.reference.text} would be flagged here (${rules.join(', ')})${more}`,
      fixes: ['ignore'],
      related,
    };
  },
};
