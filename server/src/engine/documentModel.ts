// What extraction learns about a document: its jobs and steps (for fixes), and every reference found.
import type { DocumentKind, SyntaxProblem } from './api';
import type { MatrixExpansion } from './matrix';
import type { ActionReference, ImageReference, LocalReference, Span } from './types';
import type { ParsedYaml, YamlNode } from './yamlSource';
import type { Scalar } from 'yaml';

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
  /** `uses: ./path`, `uses: $/path` and a Docker action's `runs.image` Dockerfile: files of a repository. */
  locals: LocalReference[];
  /** Image values that depend on inputs, secrets, vars… and cannot be known offline. */
  unknown: UnknownValue[];
  /** What was left out of the check (a matrix cut short), with where and why. */
  notChecked: SyntaxProblem[];
  /** Scripts that may name images, left unread because the shell parser is not loaded. */
  scriptsNotRead: number;
}
