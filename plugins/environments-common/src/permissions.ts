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
 * Allows a user to roll a stage back to the version it ran before.
 * @public
 */
export const environmentsRollbackCreatePermission = createPermission({
  name: 'environments.rollback.create',
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
  environmentsRollbackCreatePermission,
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
 * What the environments permissions are decided on: the catalog entity and the stage being changed.
 * @public
 */
export type PromotionPermissionResource = {
  entityRef: string;
  targetStage: string;
};
