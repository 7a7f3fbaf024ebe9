import { platformList, type ImageRule, stopTestingFixes } from './rule';

export const communityImage: ImageRule = {
  id: 'community-image',
  target: 'image',
  defaultSeverity: 'warning',
  securitySeverity: 5.0,
  precision: 'high',
  summary: 'A community-built image is used where an official image of the same name exists.',
  docPath: 'docs/rules/community-image.md',
  check(ref, { provenance }) {
    if (!ref.parsed || provenance?.standing !== 'community' || !provenance.officialAlternative) return undefined;
    const alt = provenance.officialAlternative;
    let platformNote = '';
    if (ref.platform && provenance.officialSupportsPlatform === false) {
      platformNote = `; the official image ${alt} does not publish ${ref.platform} (it publishes ${platformList(provenance.officialPlatforms)})`;
    } else if (ref.platform && provenance.officialSupportsPlatform) {
      platformNote = `; the official image ${alt} publishes ${ref.platform}`;
    } else {
      platformNote = `; the official image ${alt} exists`;
    }
    const canSwitch = provenance.officialSupportsPlatform !== false;
    // The decisive part first: editors cut long messages at the end. Who publishes it is in the hover.
    return {
      message: `${ref.text} is a community image${platformNote}`,
      fixes: canSwitch ? ['switch-official', ...stopTestingFixes, 'ignore'] : [...stopTestingFixes, 'ignore'],
    };
  },
};
