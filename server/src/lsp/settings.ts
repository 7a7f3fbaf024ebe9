// The `workflowProvenance.*` settings as the server understands them, read defensively: the client
// sends whatever the user typed into settings.json.
import { policyFileNames } from '../engine';
import { normalizeSetting } from '../engine/policy';
import type { RuleSetting, TrustPolicy } from '../engine/api';
import type { Unchecked, UserSettings } from './protocol';

export interface Settings {
  enable: boolean;
  trustedImages: string[];
  trustedActions: string[];
  rules: Record<string, RuleSetting>;
  ignore: string[];
  /** Look facts up online (digests, platforms); used once the online resolver is plugged in. */
  online: boolean;
}

const defaultSettings: Settings = {
  enable: true,
  trustedImages: [],
  trustedActions: [],
  rules: {},
  ignore: [],
  online: false,
};

/** Repository config files, relative to a workspace folder, in the order they are looked for. */
export const configFileNames: readonly string[] = policyFileNames;

/** Where "Trust publisher" writes when no config file exists yet. */
export const defaultConfigFileName = '.github/workflow-provenance.yml';

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
}

export function readSettings(value: unknown): Settings {
  if (typeof value !== 'object' || value === null) return { ...defaultSettings };
  const raw = value as Unchecked<UserSettings>;
  const rules: Record<string, RuleSetting> = {};
  if (typeof raw.rules === 'object' && raw.rules !== null) {
    // Lenient about spellings (`warn`, `none`, `false`…): settings.json is typed by hand, unchecked.
    for (const [id, value] of Object.entries(raw.rules as Record<string, unknown>)) {
      const setting = normalizeSetting(value);
      if (setting) rules[id] = setting;
    }
  }
  return {
    enable: typeof raw.enable === 'boolean' ? raw.enable : defaultSettings.enable,
    trustedImages: stringList(raw.trustedImages),
    trustedActions: stringList(raw.trustedActions),
    rules,
    ignore: stringList(raw.ignore),
    online: raw.online === true,
  };
}

/** The part of a trust policy that comes from the editor's settings. */
export function settingsPolicy(settings: Settings): Partial<TrustPolicy> {
  return {
    trustedImages: settings.trustedImages,
    trustedActions: settings.trustedActions,
    rules: settings.rules,
    ignore: settings.ignore,
  };
}
