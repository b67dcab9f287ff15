import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  environmentsPromotionCreatePermission,
  IS_TARGET_STAGE_RULE,
  PromotionPermissionResource,
} from '@envportal/plugin-environments-common';
import { z } from 'zod';

/** `catalog-entity`: the environments permissions are resource permissions on the catalog entity. */
const RESOURCE_TYPE_CATALOG_ENTITY =
  environmentsPromotionCreatePermission.resourceType;

/**
 * The environments plugin evaluates conditional decisions on catalog entities for its own permissions,
 * because the condition (the target stage) is a property of the request, not of the stored entity.
 */
export const promotionResourceRef = createPermissionResourceRef<
  PromotionPermissionResource,
  never
>().with({
  pluginId: 'environments',
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

export const isTargetStage = createPermissionRule({
  name: IS_TARGET_STAGE_RULE,
  description: 'Allow when the stage being changed is one of the given stages',
  resourceRef: promotionResourceRef,
  paramsSchema: z.object({
    stages: z
      .array(z.string())
      .describe('Stage names, e.g. ["dev", "staging"]'),
  }),
  apply: (resource, { stages }) => stages.includes(resource.targetStage),
  toQuery: () => {
    throw new Error('IS_TARGET_STAGE applies to single requests only');
  },
});

/** Condition helpers for permission policies: `environmentsConditions.isTargetStage({ stages })`. */
export const {
  conditions: environmentsConditions,
  createConditionalDecision: createEnvironmentsConditionalDecision,
} = createConditionExports({
  resourceRef: promotionResourceRef,
  rules: { isTargetStage },
});

const authorizeConditions = createConditionAuthorizer([isTargetStage]);

/**
 * Decides a resource permission for one entity and target stage, applying conditional decisions here.
 * A conditional decision naming another plugin's rules cannot be applied here and counts as a denial.
 */
export async function isAllowed(
  permissions: PermissionsService,
  permission: ResourcePermission<typeof RESOURCE_TYPE_CATALOG_ENTITY>,
  resource: PromotionPermissionResource,
  credentials: BackstageCredentials,
): Promise<boolean> {
  const [decision] = await permissions.authorizeConditional([{ permission }], {
    credentials,
  });
  if (decision.result === AuthorizeResult.ALLOW) return true;
  if (decision.result !== AuthorizeResult.CONDITIONAL) return false;
  if (decision.pluginId !== 'environments') return false;
  try {
    return authorizeConditions(decision, resource);
  } catch {
    return false;
  }
}

export async function requirePermission(
  permissions: PermissionsService,
  permission: ResourcePermission<typeof RESOURCE_TYPE_CATALOG_ENTITY>,
  resource: PromotionPermissionResource,
  credentials: BackstageCredentials,
): Promise<void> {
  if (!(await isAllowed(permissions, permission, resource, credentials))) {
    throw new NotAllowedError(
      `Not allowed: ${permission.name} for ${resource.entityRef} in ${resource.targetStage}`,
    );
  }
}
