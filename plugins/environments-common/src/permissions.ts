import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * Allows a user to promote an entity's running version from one stage to the next.
 * A resource permission on the catalog entity, so policies can decide per entity and, through
 * the `isTargetStage` conditional rule, per target stage.
 * @public
 */
export const environmentsPromotionCreatePermission = createPermission({
  name: 'environments.promotion.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Allows a user to proceed with a promotion whose gates fail, with a written reason.
 * @public
 */
export const environmentsPromotionOverridePermission = createPermission({
  name: 'environments.promotion.override',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Allows a user to approve or reject a promotion awaiting approval. Who may approve in a stage is
 * also named by the stage's approval policy (`environments.promotion.stages.<stage>.approval`):
 * both must agree. Service principals never approve.
 * @public
 */
export const environmentsPromotionApprovePermission = createPermission({
  name: 'environments.promotion.approve',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Allows a user to promote outside a stage's deploy window (an emergency), with a written reason.
 * @public
 */
export const environmentsWindowOverridePermission = createPermission({
  name: 'environments.promotion.window-override',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Allows a user to roll a stage back to the version it ran before.
 * @public
 */
export const environmentsRollbackCreatePermission = createPermission({
  name: 'environments.rollback.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Allows a user or CI to record what a stage runs after a deploy the portal did not make, as the
 * stage's drift baseline. Recording blesses what runs, so it is decided per target stage like a
 * promotion (the `isTargetStage` rule).
 * @public
 */
export const environmentsDeployRecordPermission = createPermission({
  name: 'environments.deploy.record',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Allows a template to run the environments scaffolder actions that write to a cluster, the host or
 * the cloud (helm:upgrade, kubernetes:rollout-status, terraform:plan and terraform:apply,
 * publish:local, fetch:reference), on behalf of the user who runs it. A resource permission on the
 * template's catalog entity, so a policy can name the templates trusted to deploy (the `isEntity`
 * rule) and the stages they may deploy to (`isTargetStage`).
 * @public
 */
export const environmentsTemplateExecutePermission = createPermission({
  name: 'environments.template.execute',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Every permission of the environments plugins.
 * @public
 */
export const environmentsPermissions = [
  environmentsPromotionCreatePermission,
  environmentsPromotionOverridePermission,
  environmentsPromotionApprovePermission,
  environmentsWindowOverridePermission,
  environmentsRollbackCreatePermission,
  environmentsDeployRecordPermission,
  environmentsTemplateExecutePermission,
];

/**
 * Name of the conditional rule that decides promotion and rollback permissions by target stage.
 * Its params are {@link IsTargetStageParams}; the environments backend evaluates it.
 * @public
 */
export const IS_TARGET_STAGE_RULE = 'IS_TARGET_STAGE';

/**
 * Params of the `IS_TARGET_STAGE` rule: the stages the decision covers.
 * @public
 */
export type IsTargetStageParams = { stages: string[] };

/**
 * Name of the conditional rule that decides environments permissions by the entity acted on or
 * for (the promoted component, or the template that deploys). Its params are {@link IsEntityParams}.
 * @public
 */
export const IS_ENTITY_RULE = 'IS_ENTITY';

/**
 * Params of the `IS_ENTITY` rule: entity refs, e.g. `template:default/express-service`.
 * @public
 */
export type IsEntityParams = { entityRefs: string[] };

/**
 * What the environments permissions are decided on: the catalog entity (the component promoted, or
 * the template that deploys) and the stage being changed.
 * @public
 */
export type PromotionPermissionResource = {
  entityRef: string;
  targetStage: string;
};
