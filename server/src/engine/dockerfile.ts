// The images a Dockerfile builds from: `FROM` lines (multi-stage, `--platform`, `scratch`, stage names
// that are not images) and `COPY --from=<image>`, with global `ARG` defaults substituted. Used for a
// Docker action's Dockerfile and for Dockerfiles that `run:` scripts write.

/** An image a Dockerfile pulls. Offsets are into the text read. */
export interface DockerfileImage {
  start: number;
  end: number;
  /** The reference, `ARG` values substituted. */
  text: string;
  tool: 'dockerfile';
  verb: 'FROM' | 'COPY --from';
  platform?: string;
  /** False when `ARG` values were substituted: the text is not written at `start..end`. */
  exact: boolean;
  /** Set when the reference needs a build argument that has no default: which. */
  buildArgument?: string;
}

export interface DockerfileReading {
  images: DockerfileImage[];
  /** References skipped because they hold an expansion that could not be read. */
  unresolved: number;
}

export interface DockerfileOptions {
  /**
   * The text with `${{ … }}` masked (same length), for a Dockerfile written by a script: words are split
   * on it. Defaults to the text.
   */
  masked?: string;
  /**
   * Substitute global `ARG` defaults. Off for a Dockerfile a script writes, whose `$` the shell expands
   * first: any `$` then leaves the line unresolved.
   */
  args?: boolean;
}

interface Word {
  start: number;
  end: number;
  text: string;
}

/** Build arguments Docker sets itself for every build: a `--platform` naming them is the build's own. */
const automaticPlatformArgs = /^\$\{?(BUILDPLATFORM|TARGETPLATFORM)\}?$/;

export function dockerfileImages(text: string, options: DockerfileOptions = {}): DockerfileReading {
  const masked = options.masked ?? text;
  const substitute = options.args !== false;
  const reading: DockerfileReading = { images: [], unresolved: 0 };
  const stages = new Set<string>();
  const globalArgs = new Map<string, string | undefined>();
  let seenFrom = false;
  const escapeCharacter = /^#\s*escape\s*=\s*`/im.test(text.slice(0, 200)) ? '`' : '\\';
  for (const words of instructions(text, masked, escapeCharacter)) {
    const verb = words[0].text.toUpperCase();
    if (verb === 'ARG' && !seenFrom && substitute) {
      for (const w of words.slice(1)) {
        const eq = w.text.indexOf('=');
        const name = eq < 0 ? w.text : w.text.slice(0, eq);
        // A default may name an ARG declared before it.
        globalArgs.set(name, eq < 0 ? undefined : expand(unquote(w.text.slice(eq + 1)), globalArgs).value);
      }
    } else if (verb === 'FROM') {
      seenFrom = true;
      let k = 1;
      let platform: string | undefined;
      while (k < words.length && words[k].text.startsWith('--')) {
        if (words[k].text.startsWith('--platform=')) platform = words[k].text.slice('--platform='.length);
        k++;
      }
      if (k >= words.length) continue;
      const image = words[k];
      const stageName = words[k + 2] && words[k + 1].text.toUpperCase() === 'AS' ? words[k + 2].text : undefined;
      readImage(image, 'FROM', platform, stages, globalArgs, substitute, masked, reading);
      if (stageName) stages.add(stageName.toLowerCase());
    } else if (verb === 'COPY') {
      const from = words.find((w) => w.text.startsWith('--from='));
      // `--from=0` names a stage by number.
      if (!from || /^--from=\d+$/.test(from.text)) continue;
      const word = { start: from.start + '--from='.length, end: from.end, text: from.text.slice('--from='.length) };
      readImage(word, 'COPY --from', undefined, stages, globalArgs, substitute, masked, reading);
    }
  }
  return reading;
}

function readImage(
  word: Word,
  verb: DockerfileImage['verb'],
  platformWritten: string | undefined,
  stages: Set<string>,
  args: Map<string, string | undefined>,
  substitute: boolean,
  masked: string,
  reading: DockerfileReading,
): void {
  if (stages.has(word.text.toLowerCase()) || word.text === 'scratch') return;
  const platform =
    platformWritten === undefined || automaticPlatformArgs.test(platformWritten)
      ? undefined
      : substitute
        ? expand(platformWritten, args).value
        : platformWritten;
  const found: DockerfileImage = {
    start: word.start,
    end: word.end,
    text: word.text,
    tool: 'dockerfile',
    verb,
    exact: true,
  };
  if (platform && !platform.includes('$')) found.platform = platform;
  if (masked.slice(word.start, word.end).includes('$')) {
    if (!substitute) {
      reading.unresolved++;
      return;
    }
    const expanded = expand(word.text, args);
    if (expanded.missing) found.buildArgument = expanded.missing;
    else if (expanded.value === 'scratch' || stages.has(expanded.value.toLowerCase())) return;
    found.text = expanded.missing ? word.text : expanded.value;
    found.exact = false;
  }
  reading.images.push(found);
}

/** `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME:+alternative}` with the global `ARG` values. */
function expand(value: string, args: Map<string, string | undefined>): { value: string; missing?: string } {
  let missing: string | undefined;
  const out = value.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (
      _whole,
      braced: string | undefined,
      op: string | undefined,
      word: string | undefined,
      bare: string | undefined,
    ) => {
      const name = (braced ?? bare) as string;
      const set = args.get(name);
      if (op === '-') return set ? set : (word ?? '');
      if (op === '+') return set ? (word ?? '') : '';
      if (set === undefined) missing ??= name;
      return set ?? '';
    },
  );
  return { value: out, missing };
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/**
 * The Dockerfile's instructions, each as its words with offsets: a line ending in the escape character
 * continues on the next, comment lines are skipped (also inside a continued instruction).
 */
function* instructions(text: string, masked: string, escapeCharacter: string): Generator<Word[]> {
  let words: Word[] = [];
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = masked.slice(pos, end).replace(/\r$/, '');
    const trimmed = line.trimStart();
    if (trimmed.startsWith('#') || (trimmed === '' && words.length === 0)) {
      pos = end + 1;
      continue;
    }
    const continues = line.trimEnd().endsWith(escapeCharacter);
    const upTo = continues ? pos + line.trimEnd().length - 1 : pos + line.length;
    let i = pos;
    while (i < upTo) {
      while (i < upTo && (masked[i] === ' ' || masked[i] === '\t')) i++;
      const start = i;
      while (i < upTo && masked[i] !== ' ' && masked[i] !== '\t') i++;
      if (i > start) words.push({ start, end: i, text: text.slice(start, i) });
    }
    if (!continues) {
      if (words.length > 0) yield words;
      words = [];
    }
    pos = end + 1;
  }
  if (words.length > 0) yield words;
}
