import { chainText, type FollowedImage, imageLabel, pathsTo, relatedAt } from '../engine/follow';
import type { RelatedLocation } from '../engine/types';
import type { UsesRule } from './rule';

/** Related locations one finding lists at most: the chain of the first image, then the others'. */
const maxRelated = 12;

/**
 * The rules that judge who publishes an image. Only these count: a moving tag or a missing digest on an
 * official image inside an action (`FROM alpine:latest` in its Dockerfile, common in published actions)
 * is the action author's pinning choice (reported in the action's own file when it is in the workspace),
 * not a reason to distrust the action; warning on every `uses:` of such actions would bury the rest.
 */
const publisherRules = new Set(['untrusted-image', 'community-image']);

/** A finding of a publisher rule at warning or above, in the file that runs the image. */
const distrusts = (finding: FollowedImage['findings'][number]): boolean =>
  finding.severity !== 'info' && publisherRules.has(finding.rule);

/** An image whose publisher the image rules warn about. */
function warns(image: FollowedImage): boolean {
  return image.findings.some(distrusts);
}

export const actionRunsUntrustedImage: UsesRule = {
  id: 'action-runs-untrusted-image',
  target: 'uses',
  defaultSeverity: 'warning',
  securitySeverity: 5.0,
  precision: 'medium',
  summary:
    'An action or reusable workflow, directly or through the actions it uses, runs an image of a publisher the image rules warn about.',
  docPath: 'docs/rules/action-runs-untrusted-image.md',
  check(use) {
    const found = pathsTo(use.node, (node) => node.images.filter(warns));
    if (found.length === 0) return undefined;
    const first = found[0];
    const rules = [...new Set(first.found.findings.filter(distrusts).map((f) => f.rule))];
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
        const why = image.findings.find(distrusts)?.message ?? image.reference.text;
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
