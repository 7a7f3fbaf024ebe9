// Finds every image and action reference in a workflow or an action's metadata, with the exact span
// of the reference text, expanding `${{ matrix.* }}` against each matrix combination.
import { data } from '@actions/expressions';
import { isMap, isScalar, type Scalar } from 'yaml';
import type { DocumentKind, SyntaxProblem } from './api';
import { parseImageReference, splitPlatformFlag } from './imageReference';
import { type ImageInput, imageInputsFor, runOnArchAction, runOnArchDefaults, runOnArchImage, runOnArchPlatforms } from './knowledge/actionInputs';
import {
  type Combination,
  evaluateExpression,
  expandMatrix,
  type MatrixEntry,
  type MatrixExpansion,
  type MatrixScalarSource,
  noMatrix,
  splitTemplate,
} from './matrix';
import { type EnvScope, envNamesIn, envScope, envValues, findVariable, noEnv } from './envFlow';
import { findScriptImages, type ScriptImageTemplate, shellParserReady } from './shellImages';
import type { ShellPiece } from './shellWords';
import type { ActionReference, ImageReference, ImageSource, MatrixBinding, Span } from './types';
import { itemSpan, mapEntries, mapGet, mapValue, nodeSpan, type ParsedYaml, scalarText, seqItems, valueSpan, type YamlNode } from './yamlSource';

export interface StepModel {
  node: YamlNode;
  /** The list item from its `-` to its end. */
  span: Span;
  index: number;
  ifNode?: YamlNode | null;
}

export interface JobModel {
  id: string;
  keyNode: Scalar;
  node: YamlNode | null;
  /** From the job's key to the end of its value. */
  span: Span;
  matrix: MatrixExpansion;
  steps: StepModel[];
  /** The `needs:` entry, if any. */
  needs?: { keyNode: Scalar; value: YamlNode | null };
}

export interface UnknownValue {
  span: Span;
  reason: string;
}

export interface DocumentModel {
  kind: DocumentKind;
  parsed: ParsedYaml;
  jobs: JobModel[];
  /** Steps of a composite action (`runs.steps`). */
  actionSteps: StepModel[];
  images: ImageReference[];
  actions: ActionReference[];
  /** Image values that depend on inputs, secrets, vars… and cannot be known offline. */
  unknown: UnknownValue[];
  /** What was left out of the check (a matrix cut short), with where and why. */
  notChecked: SyntaxProblem[];
}

interface SiteOptions {
  source: ImageSource;
  job?: JobModel;
  step?: StepModel;
  /** Strip a leading `docker://`. */
  dockerPrefix?: boolean;
  /** The value may start with `--platform=…`. */
  mayCarryPlatform?: boolean;
  platform?: string;
  action?: string;
  input?: string;
  noImageValues?: string[];
  /** Tags built earlier in the job: not registry images. */
  builtTags?: Set<string>;
  /** The environment variables in force (steps only: `container:` and `services:` cannot read `env`). */
  env?: EnvScope;
}

/** A piece of a value to evaluate: text, a `${{ … }}` expression, or a part known only at run time. Offsets are in the node's text. */
interface ValuePart {
  start: number;
  end: number;
  expression?: string;
  unknown?: string;
}

type Evaluated =
  | { value: string; sources: Array<MatrixScalarSource | undefined>; sites: Array<{ span: Span; expression: string }>; structure?: data.ExpressionData }
  | { unknown: string };

// The value may be an expression with blanks inside: `--platform ${{ matrix.platform }}`.
const PLATFORM_OPTION = /--platform(?:=|\s+)((?:\$\{\{.*?\}\}|[^\s"'])+)/;

/** Where a YAML comment about a value in `node` can go: a block scalar's header line, else the line where the scalar ends. */
function commentAnchor(node: YamlNode): number {
  const r = node.range;
  if (!r) return 0;
  return isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') ? r[0] : Math.max(r[0], r[1] - 1);
}

export function kindOf(parsed: ParsedYaml, path: string | undefined): DocumentKind {
  const root = parsed.doc.contents as YamlNode | null;
  if (mapGet(parsed.doc, root, 'jobs')) return 'workflow';
  if (mapGet(parsed.doc, root, 'runs')) return 'action';
  if (path && /(^|[\\/])action\.ya?ml$/.test(path)) return 'action';
  if (path && /\.github[\\/]workflows[\\/][^\\/]+\.ya?ml$/.test(path)) return 'workflow';
  return 'unknown';
}

export function extract(parsed: ParsedYaml, path: string | undefined, extraInputs: readonly ImageInput[] = []): DocumentModel {
  const model: DocumentModel = {
    kind: kindOf(parsed, path),
    parsed,
    jobs: [],
    actionSteps: [],
    images: [],
    actions: [],
    unknown: [],
    notChecked: [],
  };
  const x = new Extractor(parsed, model, extraInputs);
  const root = parsed.doc.contents as YamlNode | null;
  if (model.kind === 'workflow') x.workflow(root);
  else if (model.kind === 'action') x.action(root);
  return model;
}

class Extractor {
  private readonly text: string;
  private readonly seen = new Map<string, ImageReference>();
  private workflowEnv: EnvScope = noEnv;
  private builtTagsOfFile = new Set<string>();

  constructor(
    private readonly parsed: ParsedYaml,
    private readonly model: DocumentModel,
    private readonly extraInputs: readonly ImageInput[],
  ) {
    this.text = parsed.text;
  }

  private get doc() {
    return this.parsed.doc;
  }

  workflow(root: YamlNode | null): void {
    this.workflowEnv = envScope(this.doc, noEnv, mapValue(this.doc, root, 'env'));
    const jobs = mapEntries(this.doc, mapValue(this.doc, root, 'jobs'));
    // An image built in one job is often saved, loaded (`docker load`) and run in another: local everywhere.
    this.builtTagsOfFile = this.builtTags(jobs.flatMap((j) => this.steps(mapValue(this.doc, j.value, 'steps'))));
    for (const j of jobs) {
      const node = j.value;
      const keyStart = nodeSpan(j.keyNode).start;
      const job: JobModel = {
        id: j.key,
        keyNode: j.keyNode,
        node,
        span: { start: keyStart, end: node ? nodeSpan(node).end : nodeSpan(j.keyNode).end },
        matrix: expandMatrix(this.doc, this.text, mapValue(this.doc, mapValue(this.doc, node, 'strategy'), 'matrix')),
        steps: [],
      };
      this.model.notChecked.push(...job.matrix.notChecked);
      const needs = mapGet(this.doc, node, 'needs');
      if (needs) job.needs = { keyNode: needs.keyNode, value: needs.value };
      this.model.jobs.push(job);
      this.jobBody(job);
    }
  }

  action(root: YamlNode | null): void {
    const runs = mapValue(this.doc, root, 'runs');
    const image = mapValue(this.doc, runs, 'image');
    if (isScalar(image)) {
      const v = scalarText(image) ?? '';
      if (v.trim().startsWith('docker://')) this.imageSite(image, 0, v.length, { source: 'action-runs', dockerPrefix: true });
    }
    const steps = this.steps(mapValue(this.doc, runs, 'steps'));
    this.model.actionSteps = steps;
    const builtTags = this.builtTags(steps);
    for (const step of steps) this.step(step, undefined, builtTags, noEnv);
  }

  private steps(node: YamlNode | null): StepModel[] {
    return seqItems(this.doc, node).map((n, index) => ({
      node: n,
      span: itemSpan(this.text, n),
      index,
      ifNode: mapGet(this.doc, n, 'if') ? mapValue(this.doc, n, 'if') : undefined,
    }));
  }

  private jobBody(job: JobModel): void {
    const node = job.node;
    const uses = mapValue(this.doc, node, 'uses');
    if (isScalar(uses)) this.actionRef(uses, job, undefined, true);

    const container = mapValue(this.doc, node, 'container');
    if (isScalar(container)) {
      this.imageSiteWhole(container, { source: 'container', job, dockerPrefix: true });
    } else if (isMap(container)) {
      const image = mapValue(this.doc, container, 'image');
      if (isScalar(image)) {
        const platform = this.platformOption(mapValue(this.doc, container, 'options'));
        this.imageSiteWhole(image, { source: 'container', job, dockerPrefix: true, platform });
      }
    }
    for (const svc of mapEntries(this.doc, mapValue(this.doc, node, 'services'))) {
      const image = isScalar(svc.value) ? svc.value : mapValue(this.doc, svc.value, 'image');
      if (isScalar(image)) {
        const platform = this.platformOption(mapValue(this.doc, svc.value, 'options'));
        this.imageSiteWhole(image, { source: 'service', job, dockerPrefix: true, platform });
      }
    }
    job.steps = this.steps(mapValue(this.doc, node, 'steps'));
    const jobEnv = envScope(this.doc, this.workflowEnv, mapValue(this.doc, node, 'env'));
    for (const step of job.steps) this.step(step, job, this.builtTagsOfFile, jobEnv);
  }

  private platformOption(options: YamlNode | null): string | undefined {
    const v = scalarText(options);
    return v ? PLATFORM_OPTION.exec(v)?.[1] : undefined;
  }

  private builtTags(steps: StepModel[]): Set<string> {
    const tags = new Set<string>();
    if (!shellParserReady()) return tags;
    const add = (t: string) => {
      tags.add(t);
      tags.add(t.replace(/:[^/:]*$/, ''));
    };
    for (const s of steps) {
      const run = scalarText(mapValue(this.doc, s.node, 'run'));
      if (run) for (const t of findScriptImages(run).builtTags) add(t);
      // docker/build-push-action's `tags:` (a list, comma or newline separated) name what it builds.
      const uses = scalarText(mapValue(this.doc, s.node, 'uses'))?.trim().toLowerCase() ?? '';
      if (uses.startsWith('docker/build-push-action@')) {
        const written = scalarText(mapValue(this.doc, mapValue(this.doc, s.node, 'with'), 'tags')) ?? '';
        for (const t of written.split(/[\s,]+/)) if (t && !t.includes('${{')) add(t);
      }
    }
    return tags;
  }

  private step(step: StepModel, job: JobModel | undefined, builtTags: Set<string>, outerEnv: EnvScope): void {
    const env = envScope(this.doc, outerEnv, mapValue(this.doc, step.node, 'env'));
    const uses = mapValue(this.doc, step.node, 'uses');
    const usesText = scalarText(uses);
    if (isScalar(uses) && usesText) {
      if (usesText.trim().startsWith('docker://')) {
        this.imageSite(uses, 0, usesText.length, { source: 'docker-uses', job, step, dockerPrefix: true, env });
      } else if (isLocalUses(usesText)) {
        this.localActionInputs(step, job, env);
      } else {
        const ref = this.actionRef(uses, job, step, false);
        if (ref) this.actionInputs(ref, step, job, env);
      }
    }
    const run = mapValue(this.doc, step.node, 'run');
    const script = scalarText(run);
    if (isScalar(run) && script && shellParserReady()) {
      const scan = findScriptImages(script);
      for (const img of scan.images) {
        if (img.tool === 'dockerfile' && img.text === 'scratch') continue;
        const platform = img.platformPieces ? this.piecesTemplate(script, img.platformPieces, env) : img.platform;
        this.imageSite(run, img.start, img.end, { source: 'run-script', job, step, platform, builtTags, env });
      }
      for (const img of scan.templates) {
        if (builtTags.has(img.shape) || builtTags.has(img.shape.replace(/:[^/:]*$/, ''))) continue;
        const platform = img.platformPieces ? this.piecesTemplate(script, img.platformPieces, env) : img.platform;
        const opts: SiteOptions = { source: 'run-script', job, step, platform, builtTags, env };
        this.templateSite(run, img.start, img.end, this.shellParts(script, img, env), opts);
      }
    }
  }

  private actionRef(node: Scalar, job: JobModel | undefined, step: StepModel | undefined, reusable: boolean): ActionReference | undefined {
    const raw = scalarText(node);
    if (!raw) return undefined;
    const text = raw.trim();
    if (isLocalUses(text) || text.startsWith('docker://') || text.includes('${{')) return undefined;
    // `owner/repo` with no `@ref` (or an empty one) is still an action reference: GitHub rejects it.
    const at = text.lastIndexOf('@') >= 0 ? text.lastIndexOf('@') : text.length;
    if (at <= 0) return undefined;
    const name = text.slice(0, at);
    const ref = text.slice(at + 1);
    const parts = name.split('/');
    if (parts.length < 2 || !parts[0] || !parts[1] || /\s/.test(name)) return undefined;
    const lead = raw.indexOf(text);
    const whole = valueSpan(this.text, node, lead, lead + text.length);
    const refSpan = whole.exact ? valueSpan(this.text, node, Math.min(lead + at + 1, lead + text.length), lead + text.length).span : whole.span;
    const ref0: ActionReference = {
      kind: 'action',
      text,
      span: whole.span,
      owner: parts[0],
      repo: parts[1],
      path: parts.length > 2 ? parts.slice(2).join('/') : undefined,
      ref,
      refSpan,
      reusableWorkflow: reusable || /\.ya?ml$/.test(name),
      job: job?.id,
      stepIndex: step?.index,
      commentAt: commentAnchor(node),
    };
    const comment = this.trailingComment(nodeSpan(node).end);
    const version = comment && /^#\s*(v?\d+(?:\.\d+)*(?:[-+][\w.]+)?)\b/.exec(comment);
    if (version) ref0.commentVersion = version[1];
    this.model.actions.push(ref0);
    return ref0;
  }

  private trailingComment(from: number): string | undefined {
    let end = this.text.indexOf('\n', from);
    if (end < 0) end = this.text.length;
    const rest = this.text.slice(from, end);
    const hash = rest.indexOf('#');
    return hash >= 0 ? rest.slice(hash).trim() : undefined;
  }

  private actionInputs(ref: ActionReference, step: StepModel, job: JobModel | undefined, env: EnvScope): void {
    const action = `${ref.owner}/${ref.repo}`.toLowerCase();
    const withNode = mapValue(this.doc, step.node, 'with');
    for (const input of imageInputsFor(action, this.extraInputs)) {
      const valueNode = mapValue(this.doc, withNode, input.input);
      const platform = input.optionsInput ? this.platformOption(mapValue(this.doc, withNode, input.optionsInput)) : undefined;
      const opts: SiteOptions = {
        source: 'action-input',
        job,
        step,
        action,
        input: input.input,
        mayCarryPlatform: input.mayCarryPlatform,
        noImageValues: input.noImageValues,
        platform,
        env,
      };
      if (action === runOnArchAction) {
        this.runOnArch(step, job, withNode, valueNode, opts);
        continue;
      }
      if (isScalar(valueNode)) this.imageSiteWhole(valueNode, opts);
      else if (!valueNode && input.defaultImage) this.implicitImage(input.defaultImage, this.usesNode(step), { ...opts, source: 'action-implicit' }, undefined, undefined);
    }
  }

  // A local action taking run-on-arch's inputs (`base_image` with `arch`/`distro`) is that action
  // tested in its own repository, or a wrapper of it; its images are chosen the same way.
  private localActionInputs(step: StepModel, job: JobModel | undefined, env: EnvScope): void {
    const withNode = mapValue(this.doc, step.node, 'with');
    const base = mapValue(this.doc, withNode, 'base_image');
    if (!base || !(mapGet(this.doc, withNode, 'arch') || mapGet(this.doc, withNode, 'distro'))) return;
    const input = imageInputsFor(runOnArchAction)[0];
    this.runOnArch(step, job, withNode, base, {
      source: 'action-input',
      job,
      step,
      action: runOnArchAction,
      input: input.input,
      mayCarryPlatform: true,
      noImageValues: input.noImageValues,
      env,
    });
  }

  private usesNode(step: StepModel): YamlNode {
    return mapValue(this.doc, step.node, 'uses') ?? step.node;
  }

  // run-on-arch-action: `base_image` wins when it is non-empty; otherwise `arch` + `distro` choose the image.
  private runOnArch(step: StepModel, job: JobModel | undefined, withNode: YamlNode | null, baseNode: YamlNode | null, opts: SiteOptions): void {
    const archNode = mapValue(this.doc, withNode, 'arch');
    const distroNode = mapValue(this.doc, withNode, 'distro');
    for (const combo of this.combosOf(job)) {
      if (isScalar(baseNode)) {
        const raw = scalarText(baseNode) ?? '';
        const base = this.evaluate(raw, combo, job, opts.env);
        if ('unknown' in base) {
          this.runtimeImage(baseNode, 0, raw.length, base.unknown, opts);
          continue;
        }
        if (base.value.trim() !== '') {
          this.imageSite(baseNode, 0, (scalarText(baseNode) ?? '').length, opts, [combo]);
          continue;
        }
      }
      const arch = archNode ? this.evaluate(scalarText(archNode) ?? '', combo, job, opts.env) : { value: runOnArchDefaults.arch };
      const distro = distroNode ? this.evaluate(scalarText(distroNode) ?? '', combo, job, opts.env) : { value: runOnArchDefaults.distro };
      if ('unknown' in arch || 'unknown' in distro) continue;
      const from = runOnArchImage(arch.value.trim(), distro.value.trim());
      if (!from) continue;
      const at = distroNode ?? archNode ?? this.usesNode(step);
      const flag = splitPlatformFlag(from);
      const platform = flag.platform ?? runOnArchPlatforms[arch.value.trim()];
      this.implicitImage(from.slice(flag.imageStart).trim(), at, { ...opts, source: 'action-implicit', input: 'arch+distro', platform }, combo, job);
    }
  }

  private implicitImage(imageText: string, at: YamlNode, opts: SiteOptions, combo: Combination | undefined, job: JobModel | undefined): void {
    const span = nodeSpan(at);
    let matrix: MatrixBinding | undefined;
    if (combo && combo.entries.length > 0 && job) {
      const entry = combo.entries[combo.entries.length - 1];
      matrix = this.binding(undefined, entry, combo);
    }
    const platform = this.platformIn(opts.platform, combo, job, opts.env);
    this.emit({ text: imageText, span, editable: false, platform, matrix, commentAt: commentAnchor(at) }, opts);
  }

  private combosOf(job: JobModel | undefined): Array<Combination | undefined> {
    const c = job?.matrix.combinations;
    return c && c.length > 0 ? c : [undefined];
  }

  /** Evaluates a template; `{ unknown }` when it depends on values known only at run time. */
  private evaluate(template: string, combo: Combination | undefined, job: JobModel | undefined, env: EnvScope | undefined): Evaluated {
    return this.evaluateParts(template, templateParts(template, 0), combo, job, env, undefined);
  }

  /**
   * Evaluates the parts of a value written in `raw` (a node's text); the sites of env values a part
   * reads are returned with the value, as the path by which it arrives.
   */
  private evaluateParts(
    raw: string,
    parts: readonly ValuePart[],
    combo: Combination | undefined,
    job: JobModel | undefined,
    scope: EnvScope | undefined,
    node: Scalar | undefined,
  ): Evaluated {
    let value = '';
    const sources: Array<MatrixScalarSource | undefined> = [];
    const sites: Array<{ span: Span; expression: string }> = [];
    let structure: data.ExpressionData | undefined;
    const expansion = job?.matrix ?? noMatrix();
    for (const part of parts) {
      if (part.unknown !== undefined) return { unknown: part.unknown };
      if (part.expression === undefined) {
        value += raw.slice(part.start, part.end);
        continue;
      }
      let env;
      if (scope) {
        env = envValues(scope, this.text, combo, expansion);
        for (const name of envNamesIn(part.expression)) {
          const variable = findVariable(scope, name);
          if (!variable) return { unknown: `env.${name} is not set in this file (an earlier step or the runner sets it)` };
          const why = env.unknown.get(variable.name);
          if (why) return { unknown: why };
          sites.push(...(env.sites.get(variable.name) ?? []));
        }
      }
      const r = evaluateExpression(part.expression, combo, expansion, env);
      if (!r.known) return { unknown: r.reason };
      if (r.structure) structure = r.structure;
      value += r.value;
      sources.push(r.source);
      if (node) sites.unshift({ span: valueSpan(this.text, node, part.start, part.end).span, expression: raw.slice(part.start, part.end) });
    }
    return { value, sources, sites, structure };
  }

  /** The parts of a shell word: its text (which may hold `${{ … }}`), env variables as `env.X`, the rest run-time. */
  private shellParts(script: string, image: ScriptImageTemplate, env: EnvScope): ValuePart[] {
    return image.pieces.flatMap((piece): ValuePart[] => {
      if (piece.kind === 'text') return templateParts(script.slice(piece.start, piece.end), piece.start);
      if (piece.kind === 'dynamic') return [{ start: piece.start, end: piece.end, unknown: piece.reason }];
      if (env.variables.has(piece.name)) return [{ start: piece.start, end: piece.end, expression: `env['${piece.name}']` }];
      return [{ start: piece.start, end: piece.end, unknown: `$${piece.name} is not set in this file (an earlier step or the runner sets it)` }];
    });
  }

  /** A shell value (a `--platform`) as a template: env variables become `${{ env.X }}`; undefined when any part is run-time. */
  private piecesTemplate(script: string, pieces: readonly ShellPiece[], env: EnvScope): string | undefined {
    let out = '';
    for (const piece of pieces) {
      if (piece.kind === 'text') out += script.slice(piece.start, piece.end);
      else if (piece.kind === 'variable' && env.variables.has(piece.name)) out += `\${{ env['${piece.name}'] }}`;
      else return undefined;
    }
    return out;
  }

  /** The platform a value asks for in one combination: undefined unless it is known and reads as one. */
  private platformIn(platform: string | undefined, combo: Combination | undefined, job: JobModel | undefined, env: EnvScope | undefined): string | undefined {
    if (platform === undefined) return undefined;
    const r = platform.includes('${{') ? this.evaluate(platform, combo, job, env) : { value: platform };
    if ('unknown' in r) return undefined;
    const p = r.value.trim();
    return isPlatform(p) ? p : undefined;
  }

  /** An image chosen at run time: reported as such (information), never judged as a reference. */
  private runtimeImage(node: Scalar, from: number, to: number, reason: string, opts: SiteOptions): void {
    const raw = (scalarText(node) ?? '').slice(from, to);
    let lead = raw.length - raw.trimStart().length;
    let text = raw.trim();
    // The span covers the reference alone, as for written images: no `docker://`, no `--platform`.
    if (opts.dockerPrefix && text.startsWith('docker://')) {
      lead += 'docker://'.length;
      text = text.slice('docker://'.length);
    }
    if (opts.mayCarryPlatform) {
      const flag = splitPlatformFlag(text);
      const rest = text.slice(flag.imageStart);
      lead += flag.imageStart + (rest.length - rest.trimStart().length);
      text = rest.trim();
    }
    if (!text) return;
    const located = valueSpan(this.text, node, from + lead, from + lead + text.length);
    const platform = this.platformIn(opts.platform, undefined, opts.job, opts.env);
    this.emit({ text, span: located.span, editable: false, platform, commentAt: commentAnchor(node), runtimeValue: reason }, opts);
    if (!this.model.unknown.some((u) => u.span.start === located.span.start)) this.model.unknown.push({ span: located.span, reason });
  }

  private imageSiteWhole(node: Scalar, opts: SiteOptions): void {
    const v = scalarText(node) ?? '';
    this.imageSite(node, 0, v.length, opts);
  }

  /** An image written in `node`'s value between `from` and `to` (possibly a template). */
  private imageSite(node: Scalar, from: number, to: number, opts: SiteOptions, combos?: Array<Combination | undefined>): void {
    const raw = (scalarText(node) ?? '').slice(from, to);
    // A literal image with a platform that varies per combination is judged in each combination.
    if (!raw.includes('${{') && !opts.platform?.includes('${{')) {
      const platform = this.platformIn(opts.platform, undefined, opts.job, opts.env);
      this.literal(raw, (a, b) => valueSpan(this.text, node, from + a, from + b), { ...opts, platform }, undefined, undefined, node);
      return;
    }
    this.templateSite(node, from, to, templateParts(raw, from), opts, combos);
  }

  /** An image whose value is built from `parts` (offsets in the node's text), evaluated for each combination. */
  private templateSite(node: Scalar, from: number, to: number, parts: readonly ValuePart[], opts: SiteOptions, combos?: Array<Combination | undefined>): void {
    const raw = scalarText(node) ?? '';
    const exprParts = parts.filter((p) => p.expression !== undefined);
    for (const combo of combos ?? this.combosOf(opts.job)) {
      const r = this.evaluateParts(raw, parts, combo, opts.job, opts.env, node);
      if ('unknown' in r) {
        this.runtimeImage(node, from, to, r.unknown, opts);
        return;
      }
      const platform = this.platformIn(opts.platform, combo, opts.job, opts.env);
      const site: SiteOptions = { ...opts, platform };
      let value = r.value;
      let source = r.sources.length === 1 ? r.sources[0] : undefined;
      if (r.structure) {
        // An object (a matrix mapping, or `fromJSON` of one): a container's `image` inside it, never 'Object'.
        const image = structureImage(r.structure, opts.source);
        if (!image) continue;
        value = image.value;
        source = (image.cell && opts.job?.matrix.sources.get(image.cell)) || this.writtenIn(combo, value);
      }
      if (value.trim() === '') continue;
      const vias = r.sites;
      const onlyExpression = parts.length === 1 && exprParts.length === 1;
      const binding = (s: MatrixScalarSource) => (s.entry ? this.binding(s, s.entry, combo) : undefined);
      if (exprParts.length === 0 && parts.every((p) => p.unknown === undefined) && !r.structure) {
        this.literal(value, (a, b) => valueSpan(this.text, node, from + a, from + b), site, undefined, undefined, node);
      } else if (source && isScalar(source.node) && (onlyExpression || r.structure) && (scalarText(source.node) ?? '').includes(value.trim())) {
        // The value is written in one scalar (a matrix value, an env literal): point at it, where the fix belongs.
        const mnode = source.node;
        const at = (scalarText(mnode) ?? '').indexOf(value);
        const shift = at > 0 && r.structure ? at : 0;
        this.literal(value, (a, b) => valueSpan(this.text, mnode, shift + a, shift + b), site, vias, binding(source), mnode);
      } else if (source && isScalar(source.node)) {
        const snode = source.node;
        this.literal(value, () => ({ span: nodeSpan(snode), exact: false }), site, vias, binding(source), snode);
      } else {
        const whole = valueSpan(this.text, node, from, to).span;
        const entry = combo?.entries[combo.entries.length - 1];
        this.literal(value, () => ({ span: whole, exact: false }), site, vias, combo ? this.binding(undefined, entry, combo) : undefined, node);
      }
    }
  }

  /** The matrix scalar of `combo` whose text holds `value` (a JSON string read with `fromJSON`). */
  private writtenIn(combo: Combination | undefined, value: string): MatrixScalarSource | undefined {
    if (!combo || !value) return undefined;
    for (const entry of combo.entries) {
      for (const s of this.sourcesIn(entry.span)) if ((scalarText(s.node) ?? '').includes(value)) return s;
    }
    return undefined;
  }

  private sourcesIn(span: Span): MatrixScalarSource[] {
    const out: MatrixScalarSource[] = [];
    for (const job of this.model.jobs) for (const s of job.matrix.sources.values()) if (s.span.start >= span.start && s.span.end <= span.end) out.push(s);
    return out;
  }

  private binding(source: MatrixScalarSource | undefined, entry: MatrixEntry | undefined, combo: Combination | undefined): MatrixBinding | undefined {
    if (!combo) return undefined;
    const valueSpan0 = source?.span ?? entry?.span;
    if (!valueSpan0) return undefined;
    return {
      path: source?.path ?? '',
      valueSpan: valueSpan0,
      entrySpan: entry?.span,
      list: entry?.list,
      listSize: entry?.count,
      combination: combo.flat,
      literals: combo.literals,
    };
  }

  /**
   * Emits one image whose full value is `value`; `spanOf(a, b)` maps offsets in `value` to the file.
   * Strips `docker://` and a leading `--platform` flag so the span covers the reference alone.
   */
  private literal(
    value: string,
    spanOf: (a: number, b: number) => { span: Span; exact: boolean },
    opts: SiteOptions,
    via: Array<{ span: Span; expression: string }> | undefined,
    matrix: MatrixBinding | undefined,
    anchor: YamlNode,
  ): void {
    let start = 0;
    let end = value.length;
    let platform = opts.platform;
    while (start < end && /\s/.test(value[start])) start++;
    while (end > start && /\s/.test(value[end - 1])) end--;
    if (opts.dockerPrefix && value.startsWith('docker://', start)) start += 'docker://'.length;
    if (opts.mayCarryPlatform) {
      const flag = splitPlatformFlag(value.slice(start, end));
      if (flag.platform) platform = flag.platform;
      start += flag.imageStart;
      while (start < end && /\s/.test(value[start])) start++;
    }
    const text = value.slice(start, end);
    if (text === '' || opts.noImageValues?.includes(text) || text === 'scratch') return;
    if (opts.builtTags && (opts.builtTags.has(text) || opts.builtTags.has(text.replace(/:[^/:]*$/, '')))) return;
    const located = spanOf(start, end);
    this.emit({ text, span: located.span, editable: located.exact, platform, via, matrix, commentAt: commentAnchor(anchor) }, opts);
  }


  private emit(
    found: {
      text: string;
      span: Span;
      editable: boolean;
      platform?: string;
      via?: Array<{ span: Span; expression: string }>;
      matrix?: MatrixBinding;
      commentAt: number;
      runtimeValue?: string;
    },
    opts: SiteOptions,
  ): void {
    // One finding per place the text is written: every consumer of it (a matrix value, an env literal) joins it.
    const key = `${found.span.start}:${found.span.end}:${found.text}:${found.platform ?? ''}`;
    const prior = this.seen.get(key);
    if (prior) {
      const step = opts.step?.index;
      if (step !== undefined && prior.job === opts.job?.id && !prior.consumerSteps?.includes(step)) (prior.consumerSteps ??= []).push(step);
      for (const v of found.via ?? []) {
        prior.via ??= [];
        if (!prior.via.some((p) => p.span.start === v.span.start)) prior.via.push(v);
      }
      return;
    }
    const parsed = found.runtimeValue ? undefined : parseImageReference(found.text);
    const ref: ImageReference = {
      kind: 'image',
      text: found.text,
      span: found.span,
      editable: found.editable,
      source: opts.source,
      platform: found.platform,
      via: found.via && found.via.length > 0 ? [...found.via] : undefined,
      matrix: found.matrix,
      job: opts.job?.id,
      stepIndex: opts.step?.index,
      consumerSteps: opts.step ? [opts.step.index] : undefined,
      commentAt: found.commentAt,
      action: opts.action,
      input: opts.input,
      parsed: parsed?.ok ? parsed.image : undefined,
      parseError: parsed && !parsed.ok ? parsed.error : undefined,
      runtimeValue: found.runtimeValue,
    };
    this.seen.set(key, ref);
    this.model.images.push(ref);
  }
}


/** `./path`, and GitHub's `$/path` (this repository at the same commit): local references, never pinned. */
export function isLocalUses(uses: string): boolean {
  const t = uses.trim();
  return t.startsWith('./') || t.startsWith('.\\') || t.startsWith('$/');
}

/** The literal and expression parts of a template, with offsets shifted by `at`. */
function templateParts(template: string, at: number): ValuePart[] {
  return splitTemplate(template).map((p) => ({ start: p.start + at, end: p.end + at, expression: p.expression }));
}

/** `os/arch[/variant]` (or an architecture alone), possibly several separated by commas. */
function isPlatform(p: string): boolean {
  return /^[a-z0-9_.-]+(?:\/[a-z0-9_.-]+){0,2}(?:\s*,\s*[a-z0-9_.-]+(?:\/[a-z0-9_.-]+){0,2})*$/i.test(p);
}

/** The image an object value names: a `container:` or `services:` mapping's `image`. */
function structureImage(value: data.ExpressionData, source: ImageSource): { value: string; cell?: data.ExpressionData } | undefined {
  if (source !== 'container' && source !== 'service') return undefined;
  if (!(value instanceof data.Dictionary)) return undefined;
  const cell = value.get('image');
  if (!cell || !cell.primitive) return undefined;
  return { value: cell.coerceString(), cell };
}
