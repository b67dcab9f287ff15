/**
 * Scaffolder actions that create a service and deploy it into a stage: fetch the reference sources,
 * publish, register, helm upgrade, rollout status, promotion and Terraform.
 *
 * @packageDocumentation
 */
export { environmentsScaffolderFeatures as default } from './features';
export { scaffolderModuleEnvironments } from './module';
export { createStageAction } from './actions/stage';
export { createFetchReferenceAction } from './actions/fetchReference';
export { createPublishLocalAction } from './actions/publishLocal';
export { createWaitForEntityAction } from './actions/waitForEntity';
export { catalogModuleLocalPublish } from './catalogModule';
export { createHelmUpgradeAction } from './actions/helmUpgrade';
export { createRolloutStatusAction } from './actions/rolloutStatus';
export { createPromoteAction } from './actions/promote';
export { createRecordDeployAction } from './actions/recordDeploy';
export { createTerraformPlanAction } from './actions/terraformPlan';
export { createTerraformApplyAction } from './actions/terraformApply';
export type { ReferenceSource } from './reference/copyReference';
export type { TerraformActionOptions } from './terraform/prepareTerraform';
