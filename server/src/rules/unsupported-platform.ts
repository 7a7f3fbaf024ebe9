import { officialName } from '../engine/provenance';
import { normalizePlatform, platformsInclude } from '../engine/knowledge/officialImages';
import { platformList, type ImageRule, stopRunningImageFixes } from './rule';

export const unsupportedPlatform: ImageRule = {
  id: 'unsupported-platform',
  target: 'image',
  defaultSeverity: 'error',
  securitySeverity: 1.0,
  precision: 'high',
  summary: 'The requested platform is not published for the image.',
  docPath: 'docs/rules/unsupported-platform.md',
  check(ref, { provenance, resolvedImage }) {
    if (!ref.parsed || !ref.platform) return undefined;
    // Online facts (the image's real index) win over the built-in table.
    let platforms: string[] | undefined;
    let from = '';
    if (resolvedImage && resolvedImage.platforms.length > 0) {
      platforms = resolvedImage.platforms;
      from = resolvedImage.fromCache ? ' (registry index, cached)' : ' (registry index)';
    } else if (provenance?.standing === 'official' && officialName(ref.parsed)) {
      platforms = provenance.officialPlatforms;
      from = ' (Docker Official Images library)';
    }
    if (!platforms) return undefined;
    const published = platforms;
    // `--platform linux/amd64,linux/arm64` (buildx) asks for each of them.
    const missing = ref.platform
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p && !platformsInclude(published, p));
    if (missing.length === 0) return undefined;
    return {
      message: `${ref.text} is not published for ${missing.map(normalizePlatform).join(', ')}; it publishes ${platformList(platforms)}${from}`,
      fixes: [...stopRunningImageFixes, 'ignore'],
    };
  },
};
