// Reads one command of a `run:` script: steps over wrappers (`sudo`, `env`, `timeout`) and the tool's global
// options to its subcommand, then reports the images it runs or pulls and the local tags it makes.
// The walk that finds the commands is in shellImages.ts.
import * as path from 'node:path';
import type * as TreeSitter from 'web-tree-sitter';
import {
  type CommandTool,
  FROM_OPTIONS,
  GLOBAL_OPTIONS,
  type OptionTable,
  PULL_OPTIONS,
  RUN_OPTIONS,
  WRAPPERS,
} from './shellOptions';
import { literalSpan, literalText, type ShellPiece, type WordContext, wholeVariable, wordPieces } from './shellWords';

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
  /** The `--platform` value as pieces, when it is not one literal word (`linux/${ARCH}`). */
  platformPieces?: ShellPiece[];
}

/** An image word that expands variables the script does not settle: `$IMAGE`, `"ghcr.io/me/app:$TAG"`. */
export interface ScriptImageTemplate {
  /** Offsets of the whole word (quotes excluded when the word is one quoted string). */
  start: number;
  end: number;
  /** The word as written, e.g. `${DOCKER_CONTAINER}`. */
  text: string;
  tool: ScriptImage['tool'];
  verb: string;
  pieces: ShellPiece[];
  /** The word's shape (variables as `${NAME}`), to match a tag built earlier in the same shape. */
  shape: string;
  platform?: string;
  platformPieces?: ShellPiece[];
}

export interface ScriptScan {
  images: ScriptImage[];
  /** Image words built from variables the script does not settle, for the engine to resolve. */
  templates: ScriptImageTemplate[];
  /**
   * Tags this script makes locally (`docker build -t X`, `buildx build --load -t X`, `docker tag A X`,
   * `docker commit C X`, `docker import F X`): local, not pulled. A tag with variables is kept in its
   * written shape (`rustup/${DOCKER}`), to match image words of the same shape.
   */
  builtTags: string[];
  /** Image arguments made of variables or command substitutions that could not be resolved. */
  unresolved: number;
}

type Tool = ScriptImage['tool'];

/** A shell variable's assignments: only a single literal assignment resolves. */
export interface ScanState extends WordContext {
  masked: string;
  images: ScriptImage[];
  templates: ScriptImageTemplate[];
  builtTags: string[];
  unresolved: number;
}
type SubcommandMeaning =
  | { kind: 'image'; verb: string; options: OptionTable; many: boolean }
  | { kind: 'build' }
  /** Names a local image: the operand at `operand` (`tag SRC TARGET`, `commit CONTAINER NAME`, `import FILE NAME`). */
  | { kind: 'local'; operand: number };

/** What a subcommand (after the tool's global options) does, or undefined for one that names no image. */
function subcommand(
  tool: CommandTool,
  first: string,
  second: string | undefined,
): { step: SubcommandMeaning; length: number } | undefined {
  const image = (verb: string, options: OptionTable, length: number): { step: SubcommandMeaning; length: number } => ({
    // `podman pull` accepts several images; docker and nerdctl take one.
    step: { kind: 'image', verb, options, many: tool === 'podman' && verb === 'pull' },
    length,
  });
  if (tool === 'buildah') {
    if (first === 'from') return image('from', FROM_OPTIONS, 1);
    if (first === 'pull') return image('pull', PULL_OPTIONS, 1);
    if (first === 'bud' || first === 'build') return { step: { kind: 'build' }, length: 1 };
    if (first === 'commit') return { step: { kind: 'local', operand: 1 }, length: 1 };
    if (first === 'tag') return { step: { kind: 'local', operand: 1 }, length: 1 };
    return undefined;
  }
  if (first === 'run' || first === 'create') return image(first, RUN_OPTIONS, 1);
  if (first === 'pull') return image('pull', PULL_OPTIONS, 1);
  if (first === 'build') return { step: { kind: 'build' }, length: 1 };
  if (first === 'tag') return { step: { kind: 'local', operand: 1 }, length: 1 };
  if (first === 'container' && (second === 'run' || second === 'create')) return image(second, RUN_OPTIONS, 2);
  if (first === 'image' && second === 'pull') return image('pull', PULL_OPTIONS, 2);
  if (first === 'commit' || first === 'import') return { step: { kind: 'local', operand: 1 }, length: 1 };
  if ((first === 'container' && second === 'commit') || (first === 'image' && second === 'import'))
    return { step: { kind: 'local', operand: 1 }, length: 2 };
  if (first === 'image' && second === 'build') return { step: { kind: 'build' }, length: 2 };
  if (first === 'image' && second === 'tag') return { step: { kind: 'local', operand: 1 }, length: 2 };
  if ((first === 'buildx' || first === 'builder') && (second === 'build' || second === 'b'))
    return { step: { kind: 'build' }, length: 2 };
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

/**
 * How many words an argument takes as an option (0 or 1), or undefined when it is not an option. A word
 * whose value is glued on and partly variable (`-v"$PWD:$PWD"`, `--volume="$X"`) is one option word.
 */
function argumentWidth(node: SyntaxNode, table: OptionTable, state: ScanState): number | undefined {
  const word = literalText(node, state);
  if (word !== undefined) return optionWidth(word, table);
  const first = wordPieces(node, state)[0];
  return first?.kind === 'text' && state.script[first.start] === '-' && first.end - first.start > 1 ? 0 : undefined;
}

/** The value of `--platform=X` or `--platform X` as pieces (`linux/${ARCH}` is text then a variable). */
function platformValue(args: SyntaxNode[], i: number, state: ScanState): ShellPiece[] | undefined {
  const name = '--platform';
  if (literalText(args[i], state) === name) return args[i + 1] ? wordPieces(args[i + 1], state) : undefined;
  const pieces = wordPieces(args[i], state);
  const first = pieces[0];
  if (first?.kind !== 'text' || !state.script.startsWith(`${name}=`, first.start)) return undefined;
  const rest = { ...first, start: first.start + name.length + 1 };
  return rest.end > rest.start ? [rest, ...pieces.slice(1)] : pieces.slice(1);
}

/** Pieces that are all text, joined; undefined when any piece expands a variable. */
function piecesText(pieces: readonly ShellPiece[], state: ScanState): string | undefined {
  return pieces.every((p) => p.kind === 'text')
    ? pieces.map((p) => state.script.slice(p.start, p.end)).join('')
    : undefined;
}

/** A word's written shape, variables as `${NAME}`: two words of one shape name the same image. */
function shapeOf(pieces: readonly ShellPiece[], state: ScanState): string {
  return pieces.map((p) => (p.kind === 'variable' ? `\${${p.name}}` : state.script.slice(p.start, p.end))).join('');
}

export function readCommand(command: SyntaxNode, state: ScanState): void {
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
    const width = argumentWidth(args[i], globals, state);
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
  if (step.kind === 'build') {
    readBuildTags(args, i, state);
    return;
  }
  if (step.kind === 'local') {
    readLocalName(args, i, state, step.operand);
    return;
  }

  let platform: ShellPiece[] | undefined;
  const images: SyntaxNode[] = [];
  while (i < args.length) {
    const word = literalText(args[i], state);
    if (word === '--') {
      if (args[i + 1]) images.push(args[i + 1]);
      break;
    }
    const width = argumentWidth(args[i], step.options, state);
    if (width === undefined) {
      images.push(args[i]);
      if (!step.many) break;
      i++;
      continue;
    }
    platform = platformValue(args, i, state) ?? platform;
    i += 1 + width;
  }
  for (const node of images) reportImage(node, tool, step.verb, platform, state);
}

function reportImage(
  node: SyntaxNode,
  tool: Tool,
  verb: string,
  platformPieces: ShellPiece[] | undefined,
  state: ScanState,
): void {
  const platform = platformPieces && piecesText(platformPieces, state);
  const platformFacts = platformPieces === undefined ? {} : platform !== undefined ? { platform } : { platformPieces };
  let span = literalSpan(node);
  let viaVariable: string | undefined;
  if (!span) {
    const variable = wholeVariable(node);
    const facts = variable === undefined ? undefined : state.variables.get(variable);
    if (facts && facts.count === 1 && facts.value && facts.at < node.startIndex) {
      span = facts.value;
      viaVariable = variable;
    } else if (
      variable !== undefined &&
      facts &&
      facts.count > 1 &&
      facts.literals.length === facts.count &&
      facts.at < node.startIndex
    ) {
      // `if …; then image=a; else image=b; fi`: every literal the variable can hold is an image it may run.
      for (const value of facts.literals) {
        if (value.end <= value.start || /\s/.test(state.masked.slice(value.start, value.end))) continue;
        state.images.push({
          start: value.start,
          end: value.end,
          text: state.script.slice(value.start, value.end),
          tool,
          verb,
          viaVariable: variable,
          ...platformFacts,
        });
      }
      return;
    }
  }
  if (!span) {
    state.unresolved++;
    const pieces = wordPieces(node, state);
    if (pieces.length === 0) return;
    // A quoted word's offsets exclude its quotes, as for literal words.
    const quoted = node.type === 'string' && node.endIndex - node.startIndex >= 2;
    const start = quoted ? node.startIndex + 1 : node.startIndex;
    const end = quoted ? node.endIndex - 1 : node.endIndex;
    state.templates.push({
      start,
      end,
      text: state.script.slice(start, end),
      tool,
      verb,
      pieces,
      shape: shapeOf(pieces, state),
      ...platformFacts,
    });
    return;
  }
  // An empty word or one with blanks (a half-typed quote running to the end of the script) is no image.
  if (span.end <= span.start || /\s/.test(state.masked.slice(span.start, span.end))) return;
  const image: ScriptImage = {
    start: span.start,
    end: span.end,
    text: state.script.slice(span.start, span.end),
    tool,
    verb,
    ...platformFacts,
  };
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

/** A name the script gives a local image: its value when known, else its written shape. */
function localName(node: SyntaxNode | undefined, state: ScanState): string | undefined {
  if (!node) return undefined;
  const value = wordValue(node, state);
  if (value !== undefined) return value;
  const pieces = wordPieces(node, state);
  return pieces.length > 0 ? shapeOf(pieces, state) : undefined;
}

function readBuildTags(args: SyntaxNode[], from: number, state: ScanState): void {
  for (let i = from; i < args.length; i++) {
    const word = literalText(args[i], state);
    if (word === undefined) continue;
    let tag: string | undefined;
    if (word === '-t' || word === '--tag') tag = localName(args[++i], state);
    else if (word.startsWith('--tag=')) tag = word.slice('--tag='.length);
    else if (word.startsWith('-t') && !word.startsWith('--') && word.length > 2) tag = word.slice(2);
    if (tag) state.builtTags.push(tag);
  }
}

/** `docker tag SOURCE TARGET`, `docker commit CONTAINER TARGET`, `docker import FILE TARGET` make TARGET a local name. */
function readLocalName(args: SyntaxNode[], from: number, state: ScanState, operand: number): void {
  const operands: SyntaxNode[] = [];
  for (let i = from; i < args.length; i++) {
    const word = literalText(args[i], state);
    // `commit -m MESSAGE`, `import -c CHANGE`: options with a value.
    if (word !== undefined && /^(-m|--message|-a|--author|-c|--change|--platform)$/.test(word)) i++;
    else if (!word?.startsWith('-')) operands.push(args[i]);
  }
  const target = localName(operands[operand], state);
  if (target) state.builtTags.push(target);
}
