// Finds the container images a `run:` script starts or pulls (`docker run`, `podman pull`, `buildah from`…)
// by walking a real bash syntax tree, so quoting, continuations, chains, loops and substitutions
// are understood the way the shell understands them. Here: loading the parser, the cheap test that
// spares parsing scripts that cannot start a container, the cache, and the walk that collects commands
// and variables (each command is read in shellCommands.ts, words in shellWords.ts).
import * as path from 'node:path';
import type * as TreeSitter from 'web-tree-sitter';
import { literalSpan } from './shellWords';
import { type DockerfileScan, readWrittenDockerfile } from './writtenDockerfile';
import {
  readCommand,
  type ScanState,
  type ScriptImage,
  type ScriptImageTemplate,
  type ScriptScan,
} from './shellCommands';

export type { ScriptImage, ScriptImageTemplate, ScriptScan } from './shellCommands';

type SyntaxNode = TreeSitter.Node;

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
 * Whether a script may name an image at all. Every command the scan reads is run by docker, podman,
 * nerdctl or buildah (a wrapper such as `sudo` only leads to one), and a written Dockerfile goes to a
 * file named Dockerfile or Containerfile or to one of those tools' builds; a command word may be split
 * by quotes (`"dock"er`), which the shell joins. A script with none of these words is not parsed: most
 * scripts (`npm ci`, `cargo test`) are of that kind, and parsing is where the time goes.
 */
export function mayNameImage(script: string): boolean {
  if (CONTAINER_WORDS.test(script)) return true;
  return QUOTE.test(script) && CONTAINER_WORDS.test(script.replace(QUOTES, ''));
}

const CONTAINER_WORDS = /docker|podman|nerdctl|buildah|containerfile/i;
const QUOTE = /['"]/;
const QUOTES = /['"]/g;

/** What a script that cannot name an image yields; shared, so frozen. */
const NOTHING: ScriptScan = Object.freeze({
  images: Object.freeze([] as ScriptImage[]) as ScriptImage[],
  templates: Object.freeze([] as ScriptImageTemplate[]) as ScriptImageTemplate[],
  builtTags: Object.freeze([] as string[]) as string[],
  unresolved: 0,
});

/**
 * Scans one `run:` script. Results are cached by text and shared between callers, so they are frozen.
 * Throws only when the script needs the parser and `loadShellParser` has not finished.
 */
export function findScriptImages(script: string): ScriptScan {
  const scan = scanWhenReady(script);
  if (!scan) throw new Error('The shell parser is not loaded: await loadShellParser() first.');
  return scan;
}

/** As `findScriptImages`, but undefined (instead of throwing) when the script needs a parser not yet loaded. */
export function scanWhenReady(script: string): ScriptScan | undefined {
  if (!mayNameImage(script)) return NOTHING;
  const cached = cache.get(script);
  if (cached) {
    cache.delete(script);
    cache.set(script, cached);
    return cached;
  }
  if (!parser) return undefined;
  const scan = parseAndScan(parser, script);
  cache.set(script, scan);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return scan;
}

/** The full scan, parser and all, with neither the cheap test nor the cache: what they must agree with. */
export function scanByParsing(script: string): ScriptScan {
  if (!parser) throw new Error('The shell parser is not loaded: await loadShellParser() first.');
  return parseAndScan(parser, script);
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

function parseAndScan(shell: TreeSitter.Parser, script: string): ScriptScan {
  const masked = maskExpressions(script);
  const state: ScanState = {
    script,
    masked,
    variables: new Map(),
    images: [],
    templates: [],
    builtTags: [],
    unresolved: 0,
  };
  const tree = shell.parse(masked);
  if (tree) {
    try {
      const { commands, heredocs } = collect(tree, state);
      for (const command of commands) readCommand(command, state);
      const written: DockerfileScan = { script, masked, variables: state.variables, images: [], unresolved: 0 };
      for (const statement of heredocs) readWrittenDockerfile(statement, written);
      state.images.push(...written.images);
      state.unresolved += written.unresolved;
    } finally {
      tree.delete();
    }
  }
  return Object.freeze({
    images: Object.freeze(state.images.map((image) => Object.freeze(image))) as ScriptImage[],
    templates: Object.freeze(state.templates.map((image) => Object.freeze(image))) as ScriptImageTemplate[],
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
      } else if (type === 'variable_assignment') noteAssignment(cursor.currentNode, state);
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

function noteVariable(
  state: ScanState,
  name: string,
  at: number,
  value?: { start: number; end: number },
  valueNode?: SyntaxNode,
): void {
  const facts = state.variables.get(name);
  if (facts) facts.count++;
  else state.variables.set(name, { at, count: 1, value, valueNode, literals: [] });
  if (value) state.variables.get(name)?.literals.push(value);
}

function noteAssignment(node: SyntaxNode, state: ScanState): void {
  const name = node.childForFieldName('name');
  if (!name || name.type !== 'variable_name') return;
  // `IMAGE=x docker run $IMAGE` expands $IMAGE before the prefix assignment applies, and `+=` appends.
  const settles = node.parent?.type !== 'command' && node.child(1)?.type === '=';
  const valueNode = node.childForFieldName('value');
  const value = settles && valueNode ? literalSpan(valueNode) : undefined;
  noteVariable(
    state,
    name.text,
    node.startIndex,
    value && value.end > value.start ? value : undefined,
    settles && valueNode ? valueNode : undefined,
  );
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
