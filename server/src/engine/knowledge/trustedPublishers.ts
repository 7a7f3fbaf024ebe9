// Publishers trusted out of the box: vendors that build and sign their own images for the public.
// Patterns are globs over `registry/repository` (`*` stops at `/`, `**` crosses it).

export interface TrustedPublisher {
  pattern: string;
  who: string;
}

export const builtInTrustedPublishers: readonly TrustedPublisher[] = [
  { pattern: 'mcr.microsoft.com/**', who: 'Microsoft Container Registry' },
  { pattern: 'gcr.io/distroless/**', who: 'Google distroless' },
  { pattern: 'cgr.dev/chainguard/**', who: 'Chainguard' },
  { pattern: 'quay.io/pypa/**', who: 'the Python Packaging Authority (manylinux)' },
  { pattern: 'registry.k8s.io/**', who: 'the Kubernetes project' },
  { pattern: 'docker.io/docker/**', who: 'Docker, Inc.' },
];

/** Registries where `<registry>/<repository owner>/*` is the repository's own namespace. */
export const ownerRegistries: readonly string[] = ['ghcr.io', 'docker.io', 'quay.io'];

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
