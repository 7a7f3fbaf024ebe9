// Every rule, in the order findings are reported for one reference.
import type { RuleSet } from '../engine/rule';
import { actionRefMismatch } from './action-ref-mismatch';
import { actionRunsUntrustedImage } from './action-runs-untrusted-image';
import { actionsLockMismatch } from './actions-lock-mismatch';
import { communityImage } from './community-image';
import { invalidImageReference } from './invalid-image-reference';
import { mutableTag } from './mutable-tag';
import { provenanceMismatch } from './provenance-mismatch';
import { runtimeImage } from './runtime-image';
import type { Rule } from './rule';
import { staleDigest } from './stale-digest';
import { unpinnedAction } from './unpinned-action';
import { unpinnedImage } from './unpinned-image';
import { unpinnedInnerAction } from './unpinned-inner-action';
import { unsupportedPlatform } from './unsupported-platform';
import { untrustedImage } from './untrusted-image';
import { unverifiedImage } from './unverified-image';

export const ruleSet: RuleSet = {
  images: [
    invalidImageReference,
    runtimeImage,
    unsupportedPlatform,
    communityImage,
    untrustedImage,
    mutableTag,
    staleDigest,
    provenanceMismatch,
    unverifiedImage,
    unpinnedImage,
  ],
  actions: [unpinnedAction, actionsLockMismatch, actionRefMismatch],
  uses: [actionRunsUntrustedImage, unpinnedInnerAction],
};
export const allRules: Rule[] = [...ruleSet.images, ...ruleSet.actions, ...ruleSet.uses];
