// The workspace layer: what both faces (the CLI and the language server) know about the files around
// a workflow: which files are checked, how they are read safely, their repository's owner and the
// policy file that applies. The engine never touches the disk; this layer is where the faces do.
export { type ActionsLockOutcome, actionsLockFor } from './actionsLock';
export {
  type Discovery,
  type DiscoveryLimits,
  defaultDiscoveryLimits,
  findWorkflowFiles,
  type Skipped,
} from './discovery';
export { findPolicyFile } from './policyFile';
export {
  CheckedFolder,
  maxFileBytes,
  quotePath,
  type ReadOutcome,
  readCheckedFile,
  readTextOrUndefined,
} from './readFile';
export { gitConfigPath, originOwner, repositoryOwner, repositoryRoot } from './repository';
