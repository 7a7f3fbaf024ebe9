// Finds every image and action reference in a workflow or an action's metadata, with the exact span
// of the reference text, expanding `${{ matrix.* }}` against each matrix combination. What action inputs
// name, and the images actions choose by themselves, is read in actionImages.ts.
import { isMap, isScalar, type Scalar } from 'yaml';
import type { DocumentKind } from './api';
import type { DocumentModel, JobModel, StepModel } from './documentModel';
import { type EnvScope, envScope, noEnv } from './envFlow';
import { ActionImageSites } from './actionImages';
import { commentAnchor, type SiteOptions } from './imageSites';
import { type ImageInput } from './knowledge/actionInputs';
import { expandMatrix } from './matrix';
import { type ScriptScan, scanWhenReady } from './shellImages';
import type { ActionReference, LocalReference, Span } from './types';
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

class Extractor extends ActionImageSites {
  private workflowEnv: EnvScope = noEnv;
  private builtTagsOfFile = new Set<string>();

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
}

/** `./path`, and GitHub's `$/path` (this repository at the same commit): local references, never pinned. */
export function isLocalUses(uses: string): boolean {
  const t = uses.trim();
  return t.startsWith('./') || t.startsWith('.\\') || t.startsWith('$/');
}
