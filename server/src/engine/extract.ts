// Finds every image and action reference in a workflow or an action's metadata, with the exact span
// of the reference text, expanding `${{ matrix.* }}` against each matrix combination.
import { isMap, isScalar, type Scalar } from 'yaml';
import type { DocumentKind } from './api';
import type { DocumentModel, JobModel, StepModel } from './documentModel';
import { type EnvScope, envScope, noEnv } from './envFlow';
import { splitPlatformFlag } from './imageReference';
import { commentAnchor, ImageSites, type SiteOptions } from './imageSites';
import { maturinAction, maturinChoosesContainer, maturinContainer } from './knowledge/maturinContainers';
import {
  buildkitDefaultImage,
  buildkitDrivers,
  buildxAction,
  type ImageInput,
  imageInputsFor,
  runOnArchAction,
  runOnArchDefaults,
  runOnArchImage,
  runOnArchPlatforms,
} from './knowledge/actionInputs';
import { type Combination, expandMatrix } from './matrix';
import { type ScriptScan, scanWhenReady } from './shellImages';
import type { ActionReference, LocalReference, MatrixBinding, Span } from './types';
import { piecesTemplate, shellParts } from './valueParts';
import {
  deref,
  itemSpan,
  mapEntries,
  mapGet,
  mapValue,
  nodeSpan,
  type ParsedYaml,
  scalarText,
  seqItems,
  valueSpan,
  type YamlNode,
} from './yamlSource';

export type { DocumentModel, JobModel, StepModel, UnknownValue } from './documentModel';

// The value may be an expression with blanks inside: `--platform ${{ matrix.platform }}`.
const PLATFORM_OPTION = /--platform(?:=|\s+)((?:\$\{\{.*?\}\}|[^\s"'])+)/;

export function kindOf(parsed: ParsedYaml, path: string | undefined): DocumentKind {
  const root = parsed.doc.contents as YamlNode | null;
  if (mapGet(parsed.doc, root, 'jobs')) return 'workflow';
  if (mapGet(parsed.doc, root, 'runs')) return 'action';
  if (path && /(^|[\\/])action\.ya?ml$/.test(path)) return 'action';
  if (path && /\.github[\\/]workflows[\\/][^\\/]+\.ya?ml$/.test(path)) return 'workflow';
  return 'unknown';
}

export function extract(
  parsed: ParsedYaml,
  path: string | undefined,
  extraInputs: readonly ImageInput[] = [],
): DocumentModel {
  const model: DocumentModel = {
    kind: kindOf(parsed, path),
    parsed,
    jobs: [],
    actionSteps: [],
    images: [],
    actions: [],
    locals: [],
    unknown: [],
    notChecked: [],
    scriptsNotRead: 0,
  };
  const x = new Extractor(parsed, model, extraInputs);
  const root = parsed.doc.contents as YamlNode | null;
  if (model.kind === 'workflow') x.workflow(root);
  else if (model.kind === 'action') x.action(root);
  noteAliasSites(parsed, model);
  return model;
}

/**
 * A reference reached through a YAML alias (`*img`) is one reference, at its anchor; each alias that
 * repeats it is a place that consumes it, shown as related information.
 */
function noteAliasSites(parsed: ParsedYaml, model: DocumentModel): void {
  const sites: Array<{ target: Span; alias: Span; name: string }> = [];
  for (const alias of parsed.aliases) {
    const target = deref(parsed.doc, alias);
    if (target?.range && alias.range)
      sites.push({
        target: nodeSpan(target),
        alias: { start: alias.range[0], end: alias.range[1] },
        name: alias.source,
      });
  }
  if (sites.length === 0) return;
  for (const image of model.images) {
    for (const site of sites) {
      if (image.span.start < site.target.start || image.span.end > site.target.end) continue;
      image.via ??= [];
      if (!image.via.some((v) => v.span.start === site.alias.start))
        image.via.push({ span: site.alias, expression: `*${site.name}` });
    }
  }
}

class Extractor extends ImageSites {
  private workflowEnv: EnvScope = noEnv;
  private builtTagsOfFile = new Set<string>();

  constructor(
    private readonly parsed: ParsedYaml,
    model: DocumentModel,
    private readonly extraInputs: readonly ImageInput[],
  ) {
    super(parsed.text, model);
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
      if (v.trim().startsWith('docker://'))
        this.imageSite(image, 0, v.length, { source: 'action-runs', dockerPrefix: true });
      else if (v.trim() !== '' && !v.includes('${{')) this.localRef(image, 'dockerfile', undefined, undefined);
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
    if (isScalar(uses)) {
      if (isLocalUses(scalarText(uses) ?? '')) this.localRef(uses, 'workflow', job, undefined);
      else this.actionRef(uses, job, undefined, true);
    }

    const container = mapValue(this.doc, node, 'container');
    if (isScalar(container)) {
      this.imageInWholeValue(container, { source: 'container', job, dockerPrefix: true });
    } else if (isMap(container)) {
      const image = mapValue(this.doc, container, 'image');
      if (isScalar(image)) {
        const platform = this.platformOption(mapValue(this.doc, container, 'options'));
        this.imageInWholeValue(image, { source: 'container', job, dockerPrefix: true, platform });
      }
    }
    for (const svc of mapEntries(this.doc, mapValue(this.doc, node, 'services'))) {
      const image = isScalar(svc.value) ? svc.value : mapValue(this.doc, svc.value, 'image');
      if (isScalar(image)) {
        const platform = this.platformOption(mapValue(this.doc, svc.value, 'options'));
        this.imageInWholeValue(image, { source: 'service', job, dockerPrefix: true, platform });
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
    const add = (t: string) => {
      tags.add(t);
      tags.add(t.replace(/:[^/:]*$/, ''));
    };
    for (const s of steps) {
      const run = scalarText(mapValue(this.doc, s.node, 'run'));
      if (run) for (const t of this.scan(run, false)?.builtTags ?? []) add(t);
      // docker/build-push-action's `tags:` (a list, comma or newline separated) name what it builds.
      const uses =
        scalarText(mapValue(this.doc, s.node, 'uses'))
          ?.trim()
          .toLowerCase() ?? '';
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
        this.localRef(uses, 'action', job, step);
        this.localActionInputs(step, job, env);
      } else {
        const ref = this.actionRef(uses, job, step, false);
        if (ref) this.actionInputs(ref, step, job, env);
      }
    }
    const run = mapValue(this.doc, step.node, 'run');
    const script = scalarText(run);
    const scan = isScalar(run) && script ? this.scan(script, true) : undefined;
    if (isScalar(run) && script && scan) {
      for (const img of scan.images) {
        if (img.tool === 'dockerfile' && img.text === 'scratch') continue;
        const platform = img.platformPieces ? piecesTemplate(script, img.platformPieces, env) : img.platform;
        this.imageSite(run, img.start, img.end, { source: 'run-script', job, step, platform, builtTags, env });
      }
      for (const img of scan.templates) {
        if (builtTags.has(img.shape) || builtTags.has(img.shape.replace(/:[^/:]*$/, ''))) continue;
        const platform = img.platformPieces ? piecesTemplate(script, img.platformPieces, env) : img.platform;
        const opts: SiteOptions = { source: 'run-script', job, step, platform, builtTags, env };
        this.templateSite(run, img.start, img.end, shellParts(script, img, env), opts);
      }
    }
  }

  /** The script's scan; undefined (and counted once, when `count`) when it needs the parser and that is not loaded. */
  private scan(script: string, count: boolean): ScriptScan | undefined {
    const scan = scanWhenReady(script);
    if (!scan && count) this.model.scriptsNotRead++;
    return scan;
  }

  private actionRef(
    node: Scalar,
    job: JobModel | undefined,
    step: StepModel | undefined,
    reusable: boolean,
  ): ActionReference | undefined {
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
    const refSpan = whole.exact
      ? valueSpan(this.text, node, Math.min(lead + at + 1, lead + text.length), lead + text.length).span
      : whole.span;
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

  private localRef(
    node: Scalar,
    target: LocalReference['target'],
    job: JobModel | undefined,
    step: StepModel | undefined,
  ): void {
    const raw = scalarText(node) ?? '';
    const text = raw.trim();
    const lead = raw.indexOf(text);
    this.model.locals.push({
      kind: 'local',
      text,
      span: valueSpan(this.text, node, lead, lead + text.length).span,
      target,
      job: job?.id,
      stepIndex: step?.index,
      commentAt: commentAnchor(node),
    });
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
      const platform = input.optionsInput
        ? this.platformOption(mapValue(this.doc, withNode, input.optionsInput))
        : undefined;
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
        vouchedBy: input.defaultsPublishedBy ? action : undefined,
      };
      if (action === runOnArchAction) {
        this.runOnArch(step, job, withNode, valueNode, opts);
        continue;
      }
      if (action === maturinAction && maturinChoosesContainer.has((scalarText(valueNode) ?? '').trim())) {
        this.maturinContainer(step, job, withNode, opts);
        continue;
      }
      if (action === buildxAction) {
        this.buildxImage(step, withNode, opts);
        continue;
      }
      if (isScalar(valueNode)) this.imageInWholeValue(valueNode, opts);
      else if (!valueNode && input.defaultImage)
        this.implicitImage(
          input.defaultImage,
          this.usesNode(step),
          { ...opts, source: 'action-implicit' },
          undefined,
          undefined,
        );
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
  private runOnArch(
    step: StepModel,
    job: JobModel | undefined,
    withNode: YamlNode | null,
    baseNode: YamlNode | null,
    opts: SiteOptions,
  ): void {
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
      const arch = archNode
        ? this.evaluate(scalarText(archNode) ?? '', combo, job, opts.env)
        : { value: runOnArchDefaults.arch };
      const distro = distroNode
        ? this.evaluate(scalarText(distroNode) ?? '', combo, job, opts.env)
        : { value: runOnArchDefaults.distro };
      if ('unknown' in arch || 'unknown' in distro) continue;
      const from = runOnArchImage(arch.value.trim(), distro.value.trim());
      if (!from) continue;
      const at = distroNode ?? archNode ?? this.usesNode(step);
      const flag = splitPlatformFlag(from);
      const platform = flag.platform ?? runOnArchPlatforms[arch.value.trim()];
      this.implicitImage(
        from.slice(flag.imageStart).trim(),
        at,
        { ...opts, source: 'action-implicit', input: 'arch+distro', platform },
        combo,
        job,
      );
    }
  }

  // maturin-action picks its own container from `target` and `manylinux` when `container` is empty.
  private maturinContainer(
    _step: StepModel,
    job: JobModel | undefined,
    withNode: YamlNode | null,
    opts: SiteOptions,
  ): void {
    const targetNode = mapValue(this.doc, withNode, 'target');
    const manylinuxNode = mapValue(this.doc, withNode, 'manylinux');
    if (!isScalar(manylinuxNode)) return;
    for (const combo of this.combosOf(job)) {
      const target = isScalar(targetNode)
        ? this.evaluate(scalarText(targetNode) ?? '', combo, job, opts.env)
        : { value: '' };
      const manylinux = this.evaluate(scalarText(manylinuxNode) ?? '', combo, job, opts.env);
      if ('unknown' in target || 'unknown' in manylinux) {
        const node = 'unknown' in manylinux ? manylinuxNode : (targetNode as Scalar);
        this.runtimeImage(
          node,
          0,
          (scalarText(node) ?? '').length,
          `maturin-action chooses its container from it: ${'unknown' in manylinux ? manylinux.unknown : 'unknown' in target ? target.unknown : ''}`,
          opts,
        );
        return;
      }
      const image = maturinContainer(target.value.trim(), manylinux.value.trim());
      if (image)
        this.implicitImage(
          image,
          isScalar(targetNode) ? targetNode : manylinuxNode,
          { ...opts, source: 'action-implicit', input: 'target+manylinux' },
          combo,
          job,
        );
    }
  }

  // setup-buildx-action starts BuildKit in a container: `driver-opts: image=…`, else buildx's default image.
  private buildxImage(step: StepModel, withNode: YamlNode | null, opts: SiteOptions): void {
    const driver = (scalarText(mapValue(this.doc, withNode, 'driver')) ?? 'docker-container').trim();
    if (!buildkitDrivers.has(driver)) return;
    const optsNode = mapValue(this.doc, withNode, 'driver-opts');
    const text = scalarText(optsNode) ?? '';
    // The value ends at a comma or a blank, except inside a `${{ … }}` (which holds blanks of its own).
    const written = /(^|[\n,])\s*image=((?:\$\{\{.*?\}\}|[^\s,])+)/.exec(text);
    if (isScalar(optsNode) && written) {
      const from = written.index + written[0].length - written[2].length;
      this.imageSite(optsNode, from, from + written[2].length, { ...opts, input: 'driver-opts' });
    } else {
      this.implicitImage(
        buildkitDefaultImage,
        this.usesNode(step),
        { ...opts, source: 'action-implicit', input: 'driver-opts' },
        undefined,
        undefined,
      );
    }
  }

  private implicitImage(
    imageText: string,
    at: YamlNode,
    opts: SiteOptions,
    combo: Combination | undefined,
    job: JobModel | undefined,
  ): void {
    const span = nodeSpan(at);
    let matrix: MatrixBinding | undefined;
    if (combo && combo.entries.length > 0 && job) {
      const entry = combo.entries[combo.entries.length - 1];
      matrix = this.binding(undefined, entry, combo);
    }
    const platform = this.platformIn(opts.platform, combo, job, opts.env);
    this.emit({ text: imageText, span, editable: false, platform, matrix, commentAt: commentAnchor(at) }, opts);
  }
}

/** `./path`, and GitHub's `$/path` (this repository at the same commit): local references, never pinned. */
export function isLocalUses(uses: string): boolean {
  const t = uses.trim();
  return t.startsWith('./') || t.startsWith('.\\') || t.startsWith('$/');
}
