// Finds every image and action reference in a workflow or an action's metadata, with the exact span
// of the reference text, expanding `${{ matrix.* }}` against each matrix combination.
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
import { findScriptImages, shellParserReady } from './shellImages';
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
}

const PLATFORM_OPTION = /--platform(?:=|\s+)(\S+)/;

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
    for (const j of mapEntries(this.doc, mapValue(this.doc, root, 'jobs'))) {
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
    for (const step of steps) this.step(step, undefined, builtTags);
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
    const builtTags = this.builtTags(job.steps);
    for (const step of job.steps) this.step(step, job, builtTags);
  }

  private platformOption(options: YamlNode | null): string | undefined {
    const v = scalarText(options);
    return v ? PLATFORM_OPTION.exec(v)?.[1] : undefined;
  }

  private builtTags(steps: StepModel[]): Set<string> {
    const tags = new Set<string>();
    if (!shellParserReady()) return tags;
    for (const s of steps) {
      const run = scalarText(mapValue(this.doc, s.node, 'run'));
      if (!run) continue;
      for (const t of findScriptImages(run).builtTags) {
        tags.add(t);
        tags.add(t.replace(/:[^/:]*$/, ''));
      }
    }
    return tags;
  }

  private step(step: StepModel, job: JobModel | undefined, builtTags: Set<string>): void {
    const uses = mapValue(this.doc, step.node, 'uses');
    const usesText = scalarText(uses);
    if (isScalar(uses) && usesText) {
      if (usesText.trim().startsWith('docker://')) {
        this.imageSite(uses, 0, usesText.length, { source: 'docker-uses', job, step, dockerPrefix: true });
      } else if (usesText.trim().startsWith('./')) {
        this.localActionInputs(step, job);
      } else {
        const ref = this.actionRef(uses, job, step, false);
        if (ref) this.actionInputs(ref, step, job);
      }
    }
    const run = mapValue(this.doc, step.node, 'run');
    const script = scalarText(run);
    if (isScalar(run) && script && shellParserReady()) {
      const scan = findScriptImages(script);
      for (const img of scan.images) {
        if (img.tool === 'dockerfile' && img.text === 'scratch') continue;
        this.imageSite(run, img.start, img.end, { source: 'run-script', job, step, platform: img.platform, builtTags });
      }
    }
  }

  private actionRef(node: Scalar, job: JobModel | undefined, step: StepModel | undefined, reusable: boolean): ActionReference | undefined {
    const raw = scalarText(node);
    if (!raw) return undefined;
    const text = raw.trim();
    if (text.startsWith('./') || text.startsWith('.\\') || text.startsWith('docker://') || text.includes('${{')) return undefined;
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

  private actionInputs(ref: ActionReference, step: StepModel, job: JobModel | undefined): void {
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
  private localActionInputs(step: StepModel, job: JobModel | undefined): void {
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
        const base = this.evaluate(raw, combo, job);
        if ('unknown' in base) {
          this.runtimeImage(baseNode, 0, raw.length, base.unknown, opts);
          continue;
        }
        if (base.value.trim() !== '') {
          this.imageSite(baseNode, 0, (scalarText(baseNode) ?? '').length, opts, [combo]);
          continue;
        }
      }
      const arch = archNode ? this.evaluate(scalarText(archNode) ?? '', combo, job) : { value: runOnArchDefaults.arch };
      const distro = distroNode ? this.evaluate(scalarText(distroNode) ?? '', combo, job) : { value: runOnArchDefaults.distro };
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
    this.emit({ text: imageText, span, editable: false, platform: opts.platform, matrix, commentAt: commentAnchor(at) }, opts);
  }

  private combosOf(job: JobModel | undefined): Array<Combination | undefined> {
    const c = job?.matrix.combinations;
    return c && c.length > 0 ? c : [undefined];
  }

  /** Evaluates a template; `{ unknown }` when it depends on values known only at run time. */
  private evaluate(
    template: string,
    combo: Combination | undefined,
    job: JobModel | undefined,
  ): { value: string; sources: Array<MatrixScalarSource | undefined> } | { unknown: string } {
    let value = '';
    const sources: Array<MatrixScalarSource | undefined> = [];
    for (const part of splitTemplate(template)) {
      if (part.expression === undefined) {
        value += template.slice(part.start, part.end);
        continue;
      }
      const r = evaluateExpression(part.expression, combo, job?.matrix ?? noMatrix());
      if (!r.known) return { unknown: r.reason };
      value += r.value;
      sources.push(r.source);
    }
    return { value, sources };
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
    this.emit({ text, span: located.span, editable: false, platform: opts.platform, commentAt: commentAnchor(node), runtimeValue: reason }, opts);
    if (!this.model.unknown.some((u) => u.span.start === located.span.start)) this.model.unknown.push({ span: located.span, reason });
  }

  private imageSiteWhole(node: Scalar, opts: SiteOptions): void {
    const v = scalarText(node) ?? '';
    this.imageSite(node, 0, v.length, opts);
  }

  /** An image written in `node`'s value between `from` and `to` (possibly a template). */
  private imageSite(node: Scalar, from: number, to: number, opts: SiteOptions, combos?: Array<Combination | undefined>): void {
    const raw = (scalarText(node) ?? '').slice(from, to);
    if (!raw.includes('${{')) {
      this.literal(raw, (a, b) => valueSpan(this.text, node, from + a, from + b), opts, undefined, undefined, node);
      return;
    }
    const parts = splitTemplate(raw);
    const exprParts = parts.filter((p) => p.expression !== undefined);
    for (const combo of combos ?? this.combosOf(opts.job)) {
      const r = this.evaluate(raw, combo, opts.job);
      if ('unknown' in r) {
        this.runtimeImage(node, from, to, r.unknown, opts);
        return;
      }
      if (r.value.trim() === '') continue;
      const vias = exprParts.map((p) => ({ span: valueSpan(this.text, node, from + p.start, from + p.end).span, expression: raw.slice(p.start, p.end) }));
      const onlyExpression = parts.length === 1 && exprParts.length === 1;
      const source = r.sources.length === 1 ? r.sources[0] : undefined;
      if (onlyExpression && source && isScalar(source.node)) {
        // The whole value is one matrix scalar: point at it, where the fix belongs.
        const mnode = source.node;
        this.literal(r.value, (a, b) => valueSpan(this.text, mnode, a, b), opts, vias, this.binding(source, source.entry, combo), mnode);
      } else if (source && isScalar(source.node)) {
        this.literal(r.value, () => ({ span: nodeSpan(source.node), exact: false }), opts, vias, this.binding(source, source.entry, combo), source.node);
      } else {
        const whole = valueSpan(this.text, node, from, to).span;
        const entry = combo?.entries[combo.entries.length - 1];
        this.literal(r.value, () => ({ span: whole, exact: false }), opts, vias, combo ? this.binding(undefined, entry, combo) : undefined, node);
      }
    }
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
    const key = `${found.span.start}:${found.span.end}:${found.text}:${found.platform ?? ''}:${opts.source}`;
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
