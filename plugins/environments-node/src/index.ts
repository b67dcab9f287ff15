/**
 * Server code shared by the environments backend plugin and its scaffolder module: the accounts each
 * purpose acts with in a cluster, running Helm, what a rendered chart may contain, the one rule for
 * "rollout complete", and the permission rules of the environments permissions.
 *
 * @packageDocumentation
 */
export { readClusterAccess } from './clusters/readClusterAccess';
export type { Wire } from './kubernetes/wire';
export { AccountNotConfiguredError } from './clusters/errors';
export { withTemporaryKubeconfig } from './clusters/temporaryKubeconfig';
export type {
  AccountPurpose,
  ClusterAccess,
  ClusterDefinition,
  StageConnection,
  StageDefinition,
} from './clusters/types';
export { redactAddresses } from './errors/redactAddresses';
export { runHelm, HelmError } from './helm/runHelm';
export type { RunHelmOptions } from './helm/runHelm';
export { findContainmentProblems } from './helm/manifestContainment';
export { findTool } from './process/findTool';
export { createSecretMasker } from './process/maskSecrets';
export { runProcess, ProcessError } from './process/runProcess';
export type { RunProcessOptions, RunProcessResult } from './process/runProcess';
export {
  currentReplicaSet,
  deploymentRollout,
} from './rollout/deploymentRollout';
export type {
  DeploymentLike,
  DeploymentRollout,
  ReplicaSetLike,
} from './rollout/deploymentRollout';
export {
  createEnvironmentsConditionalDecision,
  environmentsConditions,
  environmentsPermissionRules,
  environmentsResourceRef,
  isAllowed,
  isEntity,
  isTargetStage,
  requirePermission,
} from './permissions/permissions';
export type { ServicePrincipalRules } from './permissions/permissions';
export {
  DEFAULT_POLICY_OPTIONS,
  EnvironmentsPermissionPolicy,
} from './permissions/EnvironmentsPermissionPolicy';
export type { EnvironmentsPolicyOptions } from './permissions/EnvironmentsPermissionPolicy';
