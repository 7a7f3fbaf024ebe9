// Glob patterns over image and action names, as the policy and the built-in publisher tables write
// them (the publishers themselves are in dockerHubPublisherTable.ts and registryPublisherTable.ts).

const globCache = new Map<string, RegExp>();

/** Glob match over slash-separated names: `*` matches within one segment, `**` across segments. */
/** A trailing `/*` means everything below (`ghcr.io/my-org/*` covers `ghcr.io/my-org/a/b`). */
export function globMatches(pattern: string, name: string): boolean {
  const key = pattern;
  let re = globCache.get(key);
  if (!re) {
    let src = '';
    if (pattern.endsWith('/*') && !pattern.endsWith('**')) pattern = `${pattern}*`;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '*') {
        if (pattern[i + 1] === '*') {
          src += '.*';
          i++;
        } else src += '[^/]*';
      } else if (c === '?') src += '[^/]';
      else src += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    re = new RegExp(`^${src}$`, 'i');
    if (globCache.size > 1000) globCache.clear();
    globCache.set(key, re);
  }
  return re.test(name);
}
