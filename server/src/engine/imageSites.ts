// The places an image is written, turned into references: a literal, a template evaluated for each
// matrix combination (with the env variables in force), or a value chosen only at run time. Each
// reference points where its text is written, with the sites that consume it.
import { isScalar, type Scalar } from 'yaml';
import type { DocumentModel, JobModel, StepModel } from './documentModel';
import type { EnvScope } from './envFlow';
import { parseImageReference, splitPlatformFlag } from './imageReference';
import type { Combination, MatrixEntry, MatrixScalarSource } from './matrix';
import type { ImageReference, ImageSource, MatrixBinding, Span } from './types';
import { resultCandidates } from './expressionResults';
import { evaluateParts, type Evaluated, platformIn, structureImage, templateParts, type ValuePart } from './valueParts';
import { nodeSpan, scalarText, valueSpan, type YamlNode } from './yamlSource';

export interface SiteOptions {
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
  /** The action that chose this image by itself vouches for it (its maintainers publish it). */
  vouchedBy?: string;
  /** Tags built earlier in the job: not registry images. */
  builtTags?: Set<string>;
  /** The environment variables in force (steps only: `container:` and `services:` cannot read `env`). */
  env?: EnvScope;
}

/** Where a YAML comment about a value in `node` can go: a block scalar's header line, else the line where the scalar ends. */
export function commentAnchor(node: YamlNode): number {
  const r = node.range;
  if (!r) return 0;
  return isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED')
    ? r[0]
    : Math.max(r[0], r[1] - 1);
}

export class ImageSites {
  protected readonly seen = new Map<string, ImageReference>();

  constructor(
    protected readonly text: string,
    protected readonly model: DocumentModel,
  ) {}

  protected combosOf(job: JobModel | undefined): Array<Combination | undefined> {
    const c = job?.matrix.combinations;
    return c && c.length > 0 ? c : [undefined];
  }

  protected evaluate(
    template: string,
    combo: Combination | undefined,
    job: JobModel | undefined,
    env: EnvScope | undefined,
  ): Evaluated {
    return evaluateParts(this.text, template, templateParts(template, 0), {
      combo,
      expansion: job?.matrix,
      scope: env,
    });
  }

  protected platformIn(
    platform: string | undefined,
    combo: Combination | undefined,
    job: JobModel | undefined,
    env: EnvScope | undefined,
  ): string | undefined {
    return platformIn(this.text, platform, { combo, expansion: job?.matrix, scope: env });
  }

  /** An image chosen at run time: reported as such (information), never judged as a reference. */
  protected runtimeImage(node: Scalar, from: number, to: number, reason: string, opts: SiteOptions): void {
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
    this.emit(
      { text, span: located.span, editable: false, platform, commentAt: commentAnchor(node), runtimeValue: reason },
      opts,
    );
    if (!this.model.unknown.some((u) => u.span.start === located.span.start))
      this.model.unknown.push({ span: located.span, reason });
  }

  protected imageInWholeValue(node: Scalar, opts: SiteOptions): void {
    const v = scalarText(node) ?? '';
    this.imageSite(node, 0, v.length, opts);
  }

  /** An image written in `node`'s value between `from` and `to` (possibly a template). */
  protected imageSite(
    node: Scalar,
    from: number,
    to: number,
    opts: SiteOptions,
    combos?: Array<Combination | undefined>,
  ): void {
    const raw = (scalarText(node) ?? '').slice(from, to);
    // A literal image with a platform that varies per combination is judged in each combination.
    if (!raw.includes('${{') && !opts.platform?.includes('${{')) {
      const platform = this.platformIn(opts.platform, undefined, opts.job, opts.env);
      this.imageValue(
        raw,
        (a, b) => valueSpan(this.text, node, from + a, from + b),
        { ...opts, platform },
        undefined,
        undefined,
        node,
      );
      return;
    }
    this.templateSite(node, from, to, templateParts(raw, from), opts, combos);
  }

  /** An image whose value is built from `parts` (offsets in the node's text), evaluated for each combination. */
  protected templateSite(
    node: Scalar,
    from: number,
    to: number,
    parts: readonly ValuePart[],
    opts: SiteOptions,
    combos?: Array<Combination | undefined>,
  ): void {
    const raw = scalarText(node) ?? '';
    const exprParts = parts.filter((p) => p.expression !== undefined);
    for (const combo of combos ?? this.combosOf(opts.job)) {
      const r = evaluateParts(this.text, raw, parts, { combo, expansion: opts.job?.matrix, scope: opts.env }, node);
      if ('unknown' in r) {
        if (!this.resultLiterals(node, raw, parts, opts)) this.runtimeImage(node, from, to, r.unknown, opts);
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
        this.imageValue(
          value,
          (a, b) => valueSpan(this.text, node, from + a, from + b),
          site,
          undefined,
          undefined,
          node,
        );
      } else if (
        source &&
        isScalar(source.node) &&
        (onlyExpression || r.structure) &&
        (scalarText(source.node) ?? '').includes(value.trim())
      ) {
        // The value is written in one scalar (a matrix value, an env literal): point at it, where the fix belongs.
        const mnode = source.node;
        const at = (scalarText(mnode) ?? '').indexOf(value);
        const shift = at > 0 && r.structure ? at : 0;
        this.imageValue(
          value,
          (a, b) => valueSpan(this.text, mnode, shift + a, shift + b),
          site,
          vias,
          binding(source),
          mnode,
        );
      } else if (source && isScalar(source.node)) {
        const snode = source.node;
        this.imageValue(value, () => ({ span: nodeSpan(snode), exact: false }), site, vias, binding(source), snode);
      } else {
        const whole = valueSpan(this.text, node, from, to).span;
        const entry = combo?.entries[combo.entries.length - 1];
        this.imageValue(
          value,
          () => ({ span: whole, exact: false }),
          site,
          vias,
          combo ? this.binding(undefined, entry, combo) : undefined,
          node,
        );
      }
    }
  }

  /**
   * A value that is one expression choosing among string literals (`cond && 'redis:7' || ''`,
   * `inputs.image || 'node:latest'`): each literal it can give is judged where it is written, and a
   * result known only at run time is reported as such. False when the expression offers no literal.
   */
  private resultLiterals(node: Scalar, raw: string, parts: readonly ValuePart[], opts: SiteOptions): boolean {
    const part = parts.length === 1 ? parts[0] : undefined;
    if (part?.expression === undefined) return false;
    const candidates = resultCandidates(part.expression) ?? [];
    if (!candidates.some((c) => c.kind === 'literal')) return false;
    const at = raw.indexOf(part.expression, part.start);
    const platform = this.platformIn(opts.platform, undefined, opts.job, opts.env);
    for (const c of candidates) {
      if (c.kind === 'runtime') {
        this.runtimeImage(
          node,
          part.start,
          part.end,
          'the expression also gives a value known only when the workflow runs',
          opts,
        );
        continue;
      }
      this.imageValue(
        c.text,
        (a, b) => valueSpan(this.text, node, at + c.start + a, at + c.start + b),
        { ...opts, platform },
        undefined,
        undefined,
        node,
      );
    }
    return true;
  }

  /** The matrix scalar of `combo` whose text holds `value` (a JSON string read with `fromJSON`). */
  protected writtenIn(combo: Combination | undefined, value: string): MatrixScalarSource | undefined {
    if (!combo || !value) return undefined;
    for (const entry of combo.entries) {
      for (const s of this.sourcesIn(entry.span)) if ((scalarText(s.node) ?? '').includes(value)) return s;
    }
    return undefined;
  }

  protected sourcesIn(span: Span): MatrixScalarSource[] {
    const out: MatrixScalarSource[] = [];
    for (const job of this.model.jobs)
      for (const s of job.matrix.sources.values())
        if (s.span.start >= span.start && s.span.end <= span.end) out.push(s);
    return out;
  }

  protected binding(
    source: MatrixScalarSource | undefined,
    entry: MatrixEntry | undefined,
    combo: Combination | undefined,
  ): MatrixBinding | undefined {
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
  protected imageValue(
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
    this.emit(
      { text, span: located.span, editable: located.exact, platform, via, matrix, commentAt: commentAnchor(anchor) },
      opts,
    );
  }

  protected emit(
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
      if (step !== undefined && prior.job === opts.job?.id && !prior.consumerSteps?.includes(step))
        (prior.consumerSteps ??= []).push(step);
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
    if (opts.source === 'action-implicit' && opts.vouchedBy) ref.vouchedBy = opts.vouchedBy;
    this.seen.set(key, ref);
    this.model.images.push(ref);
  }
}
