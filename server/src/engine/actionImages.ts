// The images action inputs name, and the images actions choose by themselves when an input is left
// empty (run-on-arch's `arch` + `distro`, maturin-action's builders, setup-buildx's BuildKit, a default
// image): the part of extraction that reads a step's `with:` through the action-input tables.
import { isScalar, type Scalar } from 'yaml';
import type { DocumentModel, JobModel, StepModel } from './documentModel';
import type { EnvScope } from './envFlow';
import { splitPlatformFlag } from './imageReference';
import { commentAnchor, ImageSites, type SiteOptions } from './imageSites';
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
import { maturinAction, maturinChoosesContainer, maturinContainer } from './knowledge/maturinContainers';
import type { Combination } from './matrix';
import type { ActionReference, MatrixBinding } from './types';
import { mapGet, mapValue, nodeSpan, type ParsedYaml, scalarText, type YamlNode } from './yamlSource';

// The value may be an expression with blanks inside: `--platform ${{ matrix.platform }}`.
const PLATFORM_OPTION = /--platform(?:=|\s+)((?:\$\{\{.*?\}\}|[^\s"'])+)/;

export abstract class ActionImageSites extends ImageSites {
  constructor(
    protected readonly parsed: ParsedYaml,
    model: DocumentModel,
    private readonly extraInputs: readonly ImageInput[],
  ) {
    super(parsed.text, model);
  }

  protected get doc() {
    return this.parsed.doc;
  }

  protected platformOption(options: YamlNode | null): string | undefined {
    const v = scalarText(options);
    return v ? PLATFORM_OPTION.exec(v)?.[1] : undefined;
  }

  protected actionInputs(ref: ActionReference, step: StepModel, job: JobModel | undefined, env: EnvScope): void {
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
  protected localActionInputs(step: StepModel, job: JobModel | undefined, env: EnvScope): void {
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
          this.imageSite(baseNode, 0, raw.length, opts, [combo]);
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
