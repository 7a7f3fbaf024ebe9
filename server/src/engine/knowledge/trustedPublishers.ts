// Glob patterns over image and action names, as the policy and the built-in publisher tables write
// them (the publishers themselves are in dockerHubPublisherTable.ts and registryPublisherTable.ts).

/** One piece of a glob: a literal character, `?`, `*` (within a segment) or `**` (across segments). */
type GlobToken = { kind: 'char'; char: string } | { kind: 'one' } | { kind: 'segment' } | { kind: 'any' };

const globCache = new Map<string, GlobToken[]>();

function compileGlob(pattern: string): GlobToken[] {
  if (pattern.endsWith('/*') && !pattern.endsWith('**')) pattern = `${pattern}*`;
  const tokens: GlobToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      const any = pattern[i + 1] === '*';
      if (any) i++;
      // Runs of stars mean the same as one; collapsing them keeps the state set small.
      const last = tokens[tokens.length - 1];
      if (last && (last.kind === 'segment' || last.kind === 'any')) {
        if (any) tokens[tokens.length - 1] = { kind: 'any' };
        continue;
      }
      tokens.push({ kind: any ? 'any' : 'segment' });
    } else if (c === '?') tokens.push({ kind: 'one' });
    else tokens.push({ kind: 'char', char: c.toLowerCase() });
  }
  return tokens;
}

/**
 * Glob match over slash-separated names, case-insensitive: `*` matches within one segment, `**`
 * across segments, `?` one character but `/`. A trailing `/*` means everything below
 * (`ghcr.io/my-org/*` covers `ghcr.io/my-org/a/b`). Runs in time proportional to
 * name length × pattern length (a set of pattern positions is carried along the name), so a
 * pattern such as `a*a*a*a*a*a*b` cannot backtrack exponentially as a regular expression did.
 */
export function globMatches(pattern: string, name: string): boolean {
  let tokens = globCache.get(pattern);
  if (!tokens) {
    tokens = compileGlob(pattern);
    if (globCache.size > 1000) globCache.clear();
    globCache.set(pattern, tokens);
  }
  const lower = name.toLowerCase();
  // Most names fail a pattern on its literal start (`docker.io/library/…`): said at once, without the state sets.
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'char') break;
    if (lower[i] !== t.char) return false;
  }
  const m = tokens.length;
  let active = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);
  const close = (set: Uint8Array) => {
    // A star may match nothing: being before it means being after it too.
    for (let i = 0; i < m; i++)
      if (set[i] && (tokens[i].kind === 'segment' || tokens[i].kind === 'any')) set[i + 1] = 1;
  };
  active[0] = 1;
  close(active);
  for (let p = 0; p < lower.length; p++) {
    const c = lower[p];
    next.fill(0);
    let any = false;
    for (let i = 0; i < m; i++) {
      if (!active[i]) continue;
      const t = tokens[i];
      if (t.kind === 'any' || (t.kind === 'segment' && c !== '/')) next[i] = 1;
      else if ((t.kind === 'one' && c !== '/') || (t.kind === 'char' && t.char === c)) next[i + 1] = 1;
      else continue;
      any = true;
    }
    if (!any) return false;
    close(next);
    [active, next] = [next, active];
  }
  return active[m] === 1;
}
