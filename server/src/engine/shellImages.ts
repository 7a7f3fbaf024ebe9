// Finds the container images a `run:` script starts or pulls (`docker run`, `podman pull`, `buildah from`…)
// by walking a real bash syntax tree, so quoting, continuations, chains, loops and substitutions
// are understood the way the shell understands them. Over 500 lines as one idea: about a third is the
// option tables of docker, podman, nerdctl and buildah that the walk needs to skip option values.
import * as path from 'node:path';
import type * as TreeSitter from 'web-tree-sitter';

type SyntaxNode = TreeSitter.Node;

export interface ScriptImage {
  /** Offsets of the image word in the script text (quotes excluded). */
  start: number;
  end: number;
  /** `script.slice(start, end)`; may contain `${{ … }}` for the engine to evaluate. */
  text: string;
  tool: 'docker' | 'podman' | 'nerdctl' | 'buildah' | 'dockerfile';
  /** `run`, `create`, `pull`, `from` (buildah) or `FROM` (a Dockerfile written by the script). */
  verb: string;
  /** From `--platform=X` / `--platform X` on the same command. */
  platform?: string;
  /** Set when the image came through a shell variable assigned once, earlier in the script. */
  viaVariable?: string;
}

export interface ScriptScan {
  images: ScriptImage[];
  /** Tags this script builds (`docker build -t X`, `buildx build --tag X`, `docker tag A X`): local, not pulled. */
  builtTags: string[];
  /** Image arguments made of variables or command substitutions that could not be resolved. */
  unresolved: number;
}

let parser: TreeSitter.Parser | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the bash grammar. `wasmDir` holds `web-tree-sitter.wasm` and `tree-sitter-bash.wasm`; the build
 * copies both next to every bundle. Idempotent: later calls share the first load (and its directory).
 */
export function loadShellParser(wasmDir: string = __dirname): Promise<void> {
  if (parser) return Promise.resolve();
  loading ??= (async () => {
    // The CommonJS build: the ES module build locates itself through import.meta.url, which a CommonJS bundle lacks.
    const { Parser, Language } = require('web-tree-sitter') as typeof TreeSitter;
    await Parser.init({ locateFile: (name: string) => path.join(wasmDir, name) });
    const bash = await Language.load(path.join(wasmDir, 'tree-sitter-bash.wasm'));
    const ready = new Parser();
    ready.setLanguage(bash);
    parser = ready;
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

export function shellParserReady(): boolean {
  return parser !== undefined;
}

// Editors re-analyse on every keystroke; most run scripts are unchanged between two analyses.
const CACHE_LIMIT = 256;
const cache = new Map<string, ScriptScan>();

/**
 * Scans one `run:` script. Results are cached by text and shared between callers, so they are frozen.
 * Throws only when `loadShellParser` has not finished.
 */
export function findScriptImages(script: string): ScriptScan {
  const cached = cache.get(script);
  if (cached) {
    cache.delete(script);
    cache.set(script, cached);
    return cached;
  }
  if (!parser) throw new Error('The shell parser is not loaded: await loadShellParser() first.');
  const scan = scanScript(parser, script);
  cache.set(script, scan);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return scan;
}

/**
 * Replaces each `${{ … }}` with as many `%` as it has UTF-16 units: bash reads `%` as an ordinary word
 * character, and it cannot extend a variable name (`$A${{ x }}`), so every offset stays put.
 */
function maskExpressions(script: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const open = script.indexOf('${{', from);
    if (open < 0) break;
    const close = script.indexOf('}}', open + 3);
    if (close < 0) break;
    out += script.slice(from, open) + '%'.repeat(close + 2 - open);
    from = close + 2;
  }
  return from === 0 ? script : out + script.slice(from);
}

type Tool = ScriptImage['tool'];
/** The tools that run as commands (a Dockerfile is text the script writes). */
type CommandTool = Exclude<Tool, 'dockerfile'>;

/** A shell variable's assignments: only a single literal assignment resolves. */
interface VariableFacts {
  /** Offset of the first assignment. */
  at: number;
  count: number;
  value?: { start: number; end: number };
}

interface ScanState {
  script: string;
  masked: string;
  variables: Map<string, VariableFacts>;
  images: ScriptImage[];
  builtTags: string[];
  unresolved: number;
}

function scanScript(shell: TreeSitter.Parser, script: string): ScriptScan {
  const masked = maskExpressions(script);
  const state: ScanState = { script, masked, variables: new Map(), images: [], builtTags: [], unresolved: 0 };
  const tree = shell.parse(masked);
  if (tree) {
    try {
      const { commands, heredocs } = collect(tree, state);
      for (const command of commands) readCommand(command, state);
      for (const statement of heredocs) readWrittenDockerfile(statement, state);
    } finally {
      tree.delete();
    }
  }
  return Object.freeze({
    images: Object.freeze(state.images.map((image) => Object.freeze(image))) as ScriptImage[],
    builtTags: Object.freeze([...new Set(state.builtTags)]) as string[],
    unresolved: state.unresolved,
  });
}

/** One pass over the tree: commands in document order, plus every way a variable gets a value. */
function collect(tree: TreeSitter.Tree, state: ScanState): { commands: SyntaxNode[]; heredocs: SyntaxNode[] } {
  const commands: SyntaxNode[] = [];
  const heredocs: SyntaxNode[] = [];
  const cursor = tree.walk();
  try {
    for (;;) {
      const type = cursor.nodeType;
      if (type === 'command') {
        commands.push(cursor.currentNode);
        noteRead(cursor.currentNode, state);
      }
      else if (type === 'variable_assignment') noteAssignment(cursor.currentNode, state);
      else if (type === 'for_statement') {
        const variable = cursor.currentNode.childForFieldName('variable');
        if (variable) noteVariable(state, variable.text, variable.startIndex);
      } else if (type === 'redirected_statement') heredocs.push(cursor.currentNode);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return { commands, heredocs };
      }
    }
  } finally {
    cursor.delete();
  }
}

function noteVariable(state: ScanState, name: string, at: number, value?: { start: number; end: number }): void {
  const facts = state.variables.get(name);
  if (facts) facts.count++;
  else state.variables.set(name, { at, count: 1, value });
}

function noteAssignment(node: SyntaxNode, state: ScanState): void {
  const name = node.childForFieldName('name');
  if (!name || name.type !== 'variable_name') return;
  // `IMAGE=x docker run $IMAGE` expands $IMAGE before the prefix assignment applies, and `+=` appends.
  const settles = node.parent?.type !== 'command' && node.child(1)?.type === '=';
  const valueNode = node.childForFieldName('value');
  const value = settles && valueNode ? literalSpan(valueNode) : undefined;
  noteVariable(state, name.text, node.startIndex, value && value.end > value.start ? value : undefined);
}

// `read` options that take a value; its other words name the variables it sets.
const READ_VALUED = new Set(['-a', '-d', '-i', '-n', '-N', '-p', '-t', '-u']);

function noteRead(command: SyntaxNode, state: ScanState): void {
  const name = command.childForFieldName('name');
  if (name?.text !== 'read') return;
  const args = command.childrenForFieldName('argument');
  for (let i = 0; i < args.length; i++) {
    const word = args[i].text;
    if (READ_VALUED.has(word)) i++;
    else if (!word.startsWith('-')) noteVariable(state, word, args[i].startIndex);
  }
}

/** The span of a word whose value is its own text (quotes excluded), or undefined when it expands anything. */
function literalSpan(node: SyntaxNode): { start: number; end: number } | undefined {
  switch (node.type) {
    case 'word':
    case 'number':
      return { start: node.startIndex, end: node.endIndex };
    case 'raw_string':
      return node.endIndex - node.startIndex >= 2 ? { start: node.startIndex + 1, end: node.endIndex - 1 } : undefined;
    case 'string': {
      const parts = node.namedChildren;
      if (parts.length === 0) return { start: node.startIndex + 1, end: node.startIndex + 1 };
      if (parts.length === 1 && parts[0].type === 'string_content') return { start: parts[0].startIndex, end: parts[0].endIndex };
      return undefined;
    }
    default:
      return undefined;
  }
}

/** What a command word says, quotes removed, when it is knowable without running the shell. */
function literalText(node: SyntaxNode, state: ScanState): string | undefined {
  if (node.type === 'concatenation') {
    let text = '';
    for (const part of node.namedChildren) {
      const piece = literalText(part, state);
      if (piece === undefined) return undefined;
      text += piece;
    }
    return text;
  }
  const span = literalSpan(node);
  return span && state.script.slice(span.start, span.end);
}

/** The variable a word expands to as a whole: `$x`, `${x}`, `"$x"`, `"${x}"`. */
function wholeVariable(node: SyntaxNode): string | undefined {
  if (node.type === 'string') {
    const parts = node.namedChildren;
    return parts.length === 1 ? wholeVariable(parts[0]) : undefined;
  }
  // Exactly `$` name or `${` name `}`: anything more (`${#x}`, `${!x}`, `${x:-y}`) computes another value.
  const plain = (node.type === 'simple_expansion' && node.childCount === 2) || (node.type === 'expansion' && node.childCount === 3);
  const name = node.child(1);
  return plain && name?.type === 'variable_name' ? name.text : undefined;
}

// Commands that run their arguments as another command, with the options of each that take a value.
const WRAPPERS: Record<string, { valued: Set<string>; skipAssignments?: boolean; operands?: number }> = {
  sudo: { valued: new Set(['-u', '--user', '-g', '--group', '-C', '--close-from', '-D', '--chdir', '-h', '--host', '-p', '--prompt', '-r', '--role', '-t', '--type', '-U', '--other-user', '-T', '--command-timeout']) },
  doas: { valued: new Set(['-u', '-C']) },
  env: { valued: new Set(['-u', '--unset', '-C', '--chdir', '-S', '--split-string']), skipAssignments: true },
  exec: { valued: new Set(['-a']) },
  command: { valued: new Set() },
  nohup: { valued: new Set() },
  time: { valued: new Set(['-f', '--format', '-o', '--output']) },
  nice: { valued: new Set(['-n', '--adjustment']) },
  // `timeout DURATION command…`
  timeout: { valued: new Set(['-s', '--signal', '-k', '--kill-after']), operands: 1 },
};

function words(list: string): Set<string> {
  return new Set(list.split(/\s+/).filter(Boolean));
}

interface OptionTable {
  /** Long options (`--name`) and short ones (`-v`) that take a value. */
  valued: Set<string>;
}

// Global options written between the tool and its subcommand.
const GLOBAL_OPTIONS: Record<CommandTool, OptionTable> = {
  docker: { valued: words('-H --host -c --context --config -l --log-level --tlscacert --tlscert --tlskey') },
  nerdctl: {
    valued: words(`-H --host -a --address -n --namespace --snapshotter --storage-driver --cni-path --cni-netconfpath
      --data-root --cgroup-manager --host-gateway-ip --hosts-dir --bridge-ip`),
  },
  podman: {
    valued: words(`-c --connection --url --identity --root --runroot --runtime --runtime-flag --storage-driver
      --storage-opt --cgroup-manager --conmon --events-backend --hooks-dir --imagestore --log-level --module
      --network-cmd-path --network-config-dir --out --ssh --tmpdir --volumepath --cdi-spec-dir --config`),
  },
  buildah: {
    valued: words(`--root --runroot --storage-driver --storage-opt --registries-conf --short-name-alias-conf
      --userns-uid-map --userns-gid-map --log-level --cgroup-manager --default-mounts-file`),
  },
};

// `run` and `create` of docker, podman and nerdctl share nearly all options; this is their union.
const RUN_OPTIONS: OptionTable = {
  valued: words(`-a -c -e -h -l -m -p -u -v -w
    --add-host --annotation --arch --attach --authfile --blkio-weight --blkio-weight-device --cap-add --cap-drop
    --cert-dir --cgroup-conf --cgroup-parent --cgroupns --cgroups --chrootdirs --cidfile --conmon-pidfile
    --cpu-count --cpu-percent --cpu-period --cpu-quota --cpu-rt-period --cpu-rt-runtime --cpu-shares --cpus
    --cpuset-cpus --cpuset-mems --creds --decryption-key --detach-keys --device --device-cgroup-rule
    --device-read-bps --device-read-iops --device-write-bps --device-write-iops --dns --dns-opt --dns-option
    --dns-search --domainname --entrypoint --env --env-file --env-merge --expose --gidmap --gpus --group-add
    --group-entry --health-cmd --health-interval --health-on-failure --health-retries --health-start-interval
    --health-start-period --health-startup-cmd --health-startup-interval --health-startup-retries
    --health-startup-success --health-startup-timeout --health-timeout --hostname --hostuser --image-volume
    --init-path --io-maxbandwidth --io-maxiops --ip --ip6 --ipc --isolation --kernel-memory --label --label-file
    --link --link-local-ip --log-driver --log-opt --mac-address --memory --memory-reservation --memory-swap
    --memory-swappiness --mount --name --net --net-alias --network --network-alias --oom-score-adj --os
    --passwd-entry --personality --pid --pidfile --pids-limit --platform --pod --pod-id-file --preserve-fd
    --preserve-fds --publish --pull --rdt-class --requires --restart --retry --retry-delay --runtime --sdnotify
    --seccomp-policy --secret --security-opt --shm-size --shm-size-systemd --stop-signal --stop-timeout
    --storage-opt --subgidname --subuidname --sysctl --systemd --timeout --tmpfs --tz --uidmap --ulimit --umask
    --unsetenv --user --userns --uts --variant --volume --volume-driver --volumes-from --workdir
    --cosign-key --cosign-certificate-identity --cosign-certificate-oidc-issuer --notation-key-name
    --notation-cert --verify --ipfs-address --cidfile --pidfile --gpus`),
};

const PULL_OPTIONS: OptionTable = {
  valued: words(`--platform --arch --os --variant --authfile --cert-dir --creds --decryption-key --retry
    --retry-delay --policy --unpack --cosign-key --verify --ipfs-address`),
};

// `buildah from`
const FROM_OPTIONS: OptionTable = {
  valued: words(`-v -m --name --arch --os --variant --platform --authfile --cert-dir --creds --cidfile --format
    --add-host --cap-add --cap-drop --cgroup-parent --cgroupns --cpu-period --cpu-quota --cpu-shares --cpuset-cpus
    --cpuset-mems --decryption-key --device --dns --dns-option --dns-search --http-proxy-env --ipc --isolation
    --memory --memory-swap --network --net --pid --retry --retry-delay --security-opt --shm-size --ulimit --userns
    --userns-uid-map --userns-gid-map --userns-uid-map-user --userns-gid-map-group --uts --volume --blob-cache`),
};

type SubcommandMeaning =
  | { kind: 'image'; verb: string; options: OptionTable; many: boolean }
  | { kind: 'build' }
  | { kind: 'tag' };

/** What a subcommand (after the tool's global options) does, or undefined for one that names no image. */
function subcommand(tool: CommandTool, first: string, second: string | undefined): { step: SubcommandMeaning; length: number } | undefined {
  const image = (verb: string, options: OptionTable, length: number): { step: SubcommandMeaning; length: number } => ({
    // `podman pull` accepts several images; docker and nerdctl take one.
    step: { kind: 'image', verb, options, many: tool === 'podman' && verb === 'pull' },
    length,
  });
  if (tool === 'buildah') {
    if (first === 'from') return image('from', FROM_OPTIONS, 1);
    if (first === 'pull') return image('pull', PULL_OPTIONS, 1);
    if (first === 'bud' || first === 'build') return { step: { kind: 'build' }, length: 1 };
    if (first === 'tag') return { step: { kind: 'tag' }, length: 1 };
    return undefined;
  }
  if (first === 'run' || first === 'create') return image(first, RUN_OPTIONS, 1);
  if (first === 'pull') return image('pull', PULL_OPTIONS, 1);
  if (first === 'build') return { step: { kind: 'build' }, length: 1 };
  if (first === 'tag') return { step: { kind: 'tag' }, length: 1 };
  if (first === 'container' && (second === 'run' || second === 'create')) return image(second, RUN_OPTIONS, 2);
  if (first === 'image' && second === 'pull') return image('pull', PULL_OPTIONS, 2);
  if (first === 'image' && second === 'build') return { step: { kind: 'build' }, length: 2 };
  if (first === 'image' && second === 'tag') return { step: { kind: 'tag' }, length: 2 };
  if ((first === 'buildx' || first === 'builder') && (second === 'build' || second === 'b')) return { step: { kind: 'build' }, length: 2 };
  return undefined;
}

/** An option word and how many following words it consumes (0 or 1); undefined when it is not an option. */
function optionWidth(word: string, table: OptionTable): number | undefined {
  if (word.length < 2 || word[0] !== '-') return undefined;
  if (word.startsWith('--')) {
    if (word.includes('=')) return 0;
    return table.valued.has(word) ? 1 : 0;
  }
  // A cluster of short options: `-it`, `-dit`, `-p8080:80`. A valued letter takes the rest of the word, or the next word.
  for (let i = 1; i < word.length; i++) {
    if (table.valued.has('-' + word[i])) return i === word.length - 1 ? 1 : 0;
  }
  return 0;
}

/** The value of `--name=X`, `--name X`, or `-nX` given as `word` (and the word after it). */
function optionValue(names: string[], args: SyntaxNode[], i: number, state: ScanState): string | undefined {
  const word = literalText(args[i], state);
  if (word === undefined) return undefined;
  for (const name of names) {
    if (word === name) return wordValue(args[i + 1], state);
    if (name.startsWith('--') && word.startsWith(name + '=')) return word.slice(name.length + 1);
    if (!name.startsWith('--') && word.startsWith(name) && word.length > name.length) return word.slice(name.length);
  }
  return undefined;
}

function readCommand(command: SyntaxNode, state: ScanState): void {
  const nameWord = command.childForFieldName('name')?.firstNamedChild;
  if (!nameWord) return;
  const args = [nameWord, ...command.childrenForFieldName('argument')];
  let i = 0;
  let tool: CommandTool | undefined;
  // Step over `sudo -E`, `env A=1`, `timeout 10m`… to the command they run.
  while (i < args.length) {
    const name = literalText(args[i], state);
    if (name === undefined) return;
    const base = path.posix.basename(name);
    if (base === 'docker' || base === 'podman' || base === 'nerdctl' || base === 'buildah') {
      tool = base;
      break;
    }
    const wrapper = Object.hasOwn(WRAPPERS, base) ? WRAPPERS[base] : undefined;
    if (!wrapper) return;
    i++;
    let operands = wrapper.operands ?? 0;
    while (i < args.length) {
      const word = literalText(args[i], state);
      if (word === undefined) return;
      if (word === '--') {
        i++;
        break;
      }
      if (word.startsWith('-') && word.length > 1) i += wrapper.valued.has(word) ? 2 : 1;
      else if (wrapper.skipAssignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) i++;
      else if (operands > 0) {
        operands--;
        i++;
      } else break;
    }
  }
  if (!tool) return;
  i++;
  const globals = GLOBAL_OPTIONS[tool];
  while (i < args.length) {
    const word = literalText(args[i], state);
    const width = word === undefined ? undefined : optionWidth(word, globals);
    if (width === undefined) break;
    i += 1 + width;
  }
  if (i >= args.length) return;
  const first = literalText(args[i], state);
  if (first === undefined) return;
  const second = args[i + 1] && literalText(args[i + 1], state);
  const found = subcommand(tool, first, second);
  if (!found) return;
  i += found.length;
  const { step } = found;
  if (step.kind === 'build') return readBuildTags(args, i, state);
  if (step.kind === 'tag') return readTagTarget(args, i, state);

  let platform: string | undefined;
  const images: SyntaxNode[] = [];
  while (i < args.length) {
    const word = literalText(args[i], state);
    if (word === '--') {
      if (args[i + 1]) images.push(args[i + 1]);
      break;
    }
    const width = word === undefined ? undefined : optionWidth(word, step.options);
    if (width === undefined) {
      images.push(args[i]);
      if (!step.many) break;
      i++;
      continue;
    }
    platform = optionValue(['--platform'], args, i, state) ?? platform;
    i += 1 + width;
  }
  for (const node of images) reportImage(node, tool, step.verb, platform, state);
}

function reportImage(node: SyntaxNode, tool: Tool, verb: string, platform: string | undefined, state: ScanState): void {
  let span = literalSpan(node);
  let viaVariable: string | undefined;
  if (!span) {
    const variable = wholeVariable(node);
    const facts = variable === undefined ? undefined : state.variables.get(variable);
    if (facts && facts.count === 1 && facts.value && facts.at < node.startIndex) {
      span = facts.value;
      viaVariable = variable;
    }
  }
  if (!span) {
    state.unresolved++;
    return;
  }
  // An empty word or one with blanks (a half-typed quote running to the end of the script) is no image.
  if (span.end <= span.start || /\s/.test(state.masked.slice(span.start, span.end))) return;
  const image: ScriptImage = { start: span.start, end: span.end, text: state.script.slice(span.start, span.end), tool, verb };
  if (platform !== undefined) image.platform = platform;
  if (viaVariable !== undefined) image.viaVariable = viaVariable;
  state.images.push(image);
}

/** A word's value: literal, or a variable assigned once earlier with a literal. */
function wordValue(node: SyntaxNode | undefined, state: ScanState): string | undefined {
  if (!node) return undefined;
  const literal = literalText(node, state);
  if (literal !== undefined) return literal;
  const variable = wholeVariable(node);
  const facts = variable === undefined ? undefined : state.variables.get(variable);
  if (facts && facts.count === 1 && facts.value && facts.at < node.startIndex) {
    return state.script.slice(facts.value.start, facts.value.end);
  }
  return undefined;
}

function readBuildTags(args: SyntaxNode[], from: number, state: ScanState): void {
  for (let i = from; i < args.length; i++) {
    const word = literalText(args[i], state);
    if (word === undefined) continue;
    let tag: string | undefined;
    if (word === '-t' || word === '--tag') tag = wordValue(args[++i], state);
    else if (word.startsWith('--tag=')) tag = word.slice('--tag='.length);
    else if (word.startsWith('-t') && !word.startsWith('--') && word.length > 2) tag = word.slice(2);
    if (tag) state.builtTags.push(tag);
  }
}

/** `docker tag SOURCE TARGET` makes TARGET a local name. */
function readTagTarget(args: SyntaxNode[], from: number, state: ScanState): void {
  const operands = args.slice(from).filter((node) => !literalText(node, state)?.startsWith('-'));
  const target = wordValue(operands[1], state);
  if (target) state.builtTags.push(target);
}

/**
 * `cat > Dockerfile <<EOF … EOF` and `docker build - <<EOF … EOF`: the `FROM` lines of a Dockerfile the
 * script writes. Stage names (`FROM base AS build`, later `FROM build`) and lines with expansions are skipped.
 */
function readWrittenDockerfile(statement: SyntaxNode, state: ScanState): void {
  const body = statement.childForFieldName('body');
  const redirects = statement.childrenForFieldName('redirect');
  const heredoc = redirects.find((node) => node.type === 'heredoc_redirect');
  if (!body || body.type !== 'command' || !heredoc) return;
  const args = [body.childForFieldName('name')?.firstNamedChild, ...body.childrenForFieldName('argument')].map((node) =>
    node ? literalText(node, state) : undefined,
  );
  const program = args[0] === undefined ? '' : path.posix.basename(args[0]);
  // In `cat <<EOF > Dockerfile` the file redirect sits inside the heredoc redirect.
  const fileRedirects = [...redirects, ...heredoc.childrenForFieldName('redirect')];
  const catToFile =
    program === 'cat' &&
    fileRedirects.some((node) => {
      const destination = node.type === 'file_redirect' ? node.childForFieldName('destination') : null;
      return destination !== null && namesDockerfile(literalText(destination, state));
    });
  const teeToFile = program === 'tee' && args.slice(1).some(namesDockerfile);
  // A build reads its stdin only as a Dockerfile (`-`, `-f -`); tree-sitter-bash drops a lone `-` before `<<`.
  const fromStdin =
    (program === 'docker' || program === 'podman' || program === 'nerdctl' || program === 'buildah') &&
    args.some((word) => word === 'build' || word === 'bud');
  if (!catToFile && !teeToFile && !fromStdin) return;
  const text = heredoc.children.find((node) => node.type === 'heredoc_body');
  if (!text) return;
  const stages = new Set<string>();
  let lineStart = text.startIndex;
  while (lineStart < text.endIndex) {
    let lineEnd = state.script.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > text.endIndex) lineEnd = text.endIndex;
    readFromLine(state, lineStart, lineEnd, stages);
    lineStart = lineEnd + 1;
  }
}

function namesDockerfile(file: string | undefined): boolean {
  return file !== undefined && /(^|\/)(Dockerfile|Containerfile)[^/]*$|\.(dockerfile|containerfile)$/i.test(file);
}

function readFromLine(state: ScanState, lineStart: number, lineEnd: number, stages: Set<string>): void {
  // Dockerfile words are separated by blanks; `FROM [--platform=X] image [AS name]`.
  const tokens: { start: number; end: number }[] = [];
  let i = lineStart;
  while (i < lineEnd) {
    while (i < lineEnd && (state.masked[i] === ' ' || state.masked[i] === '\t')) i++;
    const start = i;
    while (i < lineEnd && state.masked[i] !== ' ' && state.masked[i] !== '\t' && state.masked[i] !== '\r') i++;
    if (i > start) tokens.push({ start, end: i });
    if (state.masked[i] === '\r') i++;
  }
  const word = (k: number): string => state.script.slice(tokens[k].start, tokens[k].end);
  if (tokens.length < 2 || word(0).toUpperCase() !== 'FROM') return;
  let k = 1;
  let platform: string | undefined;
  while (k < tokens.length && word(k).startsWith('--')) {
    if (word(k).startsWith('--platform=')) platform = word(k).slice('--platform='.length);
    k++;
  }
  if (k >= tokens.length) return;
  const image = tokens[k];
  const name = word(k);
  const earlierStage = stages.has(name.toLowerCase());
  if (tokens[k + 2] && word(k + 1).toUpperCase() === 'AS') stages.add(word(k + 2).toLowerCase());
  if (earlierStage || name === 'scratch') return;
  if (state.masked.slice(image.start, image.end).includes('$')) {
    state.unresolved++;
    return;
  }
  const found: ScriptImage = { start: image.start, end: image.end, text: name, tool: 'dockerfile', verb: 'FROM' };
  if (platform !== undefined) found.platform = platform;
  state.images.push(found);
}
