// Each rule's documentation page, embedded at build time (SARIF carries it as the rule's help).
import actionRefMismatch from '../../../docs/rules/action-ref-mismatch.md';
import actionRunsUntrustedImage from '../../../docs/rules/action-runs-untrusted-image.md';
import actionsLockMismatch from '../../../docs/rules/actions-lock-mismatch.md';
import communityImage from '../../../docs/rules/community-image.md';
import invalidImageReference from '../../../docs/rules/invalid-image-reference.md';
import mutableTag from '../../../docs/rules/mutable-tag.md';
import provenanceMismatch from '../../../docs/rules/provenance-mismatch.md';
import runtimeImage from '../../../docs/rules/runtime-image.md';
import staleDigest from '../../../docs/rules/stale-digest.md';
import unpinnedAction from '../../../docs/rules/unpinned-action.md';
import unpinnedImage from '../../../docs/rules/unpinned-image.md';
import unpinnedInnerAction from '../../../docs/rules/unpinned-inner-action.md';
import unsupportedPlatform from '../../../docs/rules/unsupported-platform.md';
import untrustedImage from '../../../docs/rules/untrusted-image.md';
import unverifiedImage from '../../../docs/rules/unverified-image.md';

export const ruleHelp: Record<string, string> = {
  'action-ref-mismatch': actionRefMismatch,
  'action-runs-untrusted-image': actionRunsUntrustedImage,
  'actions-lock-mismatch': actionsLockMismatch,
  'community-image': communityImage,
  'invalid-image-reference': invalidImageReference,
  'mutable-tag': mutableTag,
  'provenance-mismatch': provenanceMismatch,
  'runtime-image': runtimeImage,
  'stale-digest': staleDigest,
  'unpinned-action': unpinnedAction,
  'unpinned-image': unpinnedImage,
  'unpinned-inner-action': unpinnedInnerAction,
  'unsupported-platform': unsupportedPlatform,
  'untrusted-image': untrustedImage,
  'unverified-image': unverifiedImage,
};
