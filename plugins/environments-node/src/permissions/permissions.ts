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
  environmentsRollbackCreatePermission,
  environmentsDeployRecordPermission,
  IS_ENTITY_RULE,
  IS_TARGET_STAGE_RULE,
  PromotionPermissionResource,
} from '@envportal/plugin-environments-common';
import { z } from 'zod';

/** `catalog-entity`: the environments permissions are resource permissions on the catalog entity. */
const RESOURCE_TYPE_CATALOG_ENTITY =
  environmentsPromotionCreatePermission.resourceType;

/**
 * The environments plugins evaluate conditional decisions on catalog entities for their own
 * permissions, because the conditions (the target stage, the entity acted for) are properties of the
 * request, not of the stored entity.
 *
 * @public
 */
export const environmentsResourceRef = createPermissionResourceRef<
  PromotionPermissionResource,
  never
>().with({
  pluginId: 'environments',
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

const singleRequestsOnly = () => {
  throw new Error('environments rules apply to single requests only');
};

/**
 * Allows when the stage being changed is one of the given stages.
 *
 * @public
 */
export const isTargetStage = createPermissionRule({
  name: IS_TARGET_STAGE_RULE,
  description: 'Allow when the stage being changed is one of the given stages',
  resourceRef: environmentsResourceRef,
  paramsSchema: z.object({
    stages: z
      .array(z.string())
      .describe('Stage names, e.g. ["dev", "staging"]'),
  }),
  apply: (resource, { stages }) => stages.includes(resource.targetStage),
  toQuery: singleRequestsOnly,
});

/**
 * Allows when the entity acted on or for (a component, or the template that deploys) is listed.
 *
 * @public
 */
export const isEntity = createPermissionRule({
  name: IS_ENTITY_RULE,
  description:
    'Allow when the entity acted on or for (a component, or the template that deploys) is one of the given refs',
  resourceRef: environmentsResourceRef,
  paramsSchema: z.object({
    entityRefs: z
      .array(z.string())
      .describe('Entity refs, e.g. ["template:default/express-service"]'),
  }),
  apply: (resource, { entityRefs }) =>
    entityRefs
      .map(ref => ref.toLocaleLowerCase('en-US'))
      .includes(resource.entityRef.toLocaleLowerCase('en-US')),
  toQuery: singleRequestsOnly,
});

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: environmentsResourceRef,
  rules: { isTargetStage, isEntity },
});

/**
 * Condition helpers for permission policies, e.g.
 * `createEnvironmentsConditionalDecision(permission, environmentsConditions.isTargetStage({ stages: ['dev'] }))`.
 *
 * @public
 */
export const environmentsConditions = conditions;

/**
 * Creates a conditional decision for an environments permission from {@link environmentsConditions}.
 *
 * @public
 */
export const createEnvironmentsConditionalDecision = createConditionalDecision;

/**
 * Every rule of the environments permissions, for policies and tests that apply decisions.
 *
 * @public
 */
export const environmentsPermissionRules = [isTargetStage, isEntity];

const authorizeConditions = createConditionAuthorizer(
  environmentsPermissionRules,
);

/**
 * What tools and agents (service principals, e.g. an MCP client with an externalAccess token) may do
 * with the environments permissions.
 *
 * @public
 */
export type ServicePrincipalRules = {
  /** Stages they may promote and roll back into. Default: none. Never an override, never templates. */
  promotionStages?: string[];
  /** Stages they (CI) may record a deploy into. Default: none. */
  deployRecordStages?: string[];
};

/**
 * Decides an environments permission for one entity and stage, applying conditional decisions here.
 * A conditional decision naming another plugin's rules cannot be applied here and counts as a denial.
 * Service principals are decided by `services` (see {@link ServicePrincipalRules}).
 *
 * @public
 */
export async function isAllowed(
  permissions: PermissionsService,
  permission: ResourcePermission<'catalog-entity'>,
  resource: PromotionPermissionResource,
  credentials: BackstageCredentials,
  services: ServicePrincipalRules = {},
): Promise<boolean> {
  const [decision] = await permissions.authorizeConditional([{ permission }], {
    credentials,
  });
  if ((credentials.principal as { type?: string }).type === 'service') {
    // Backstage's permission client allows every service principal without asking the policy (a
    // token's accessRestrictions only narrow that), so the stage rule for them is decided here.
    const promotes =
      permission.name === environmentsPromotionCreatePermission.name ||
      permission.name === environmentsRollbackCreatePermission.name;
    let stages: string[] | undefined;
    if (promotes) stages = services.promotionStages;
    else if (permission.name === environmentsDeployRecordPermission.name)
      stages = services.deployRecordStages;
    return (
      decision.result !== AuthorizeResult.DENY &&
      (stages ?? []).includes(resource.targetStage)
    );
  }
  if (decision.result === AuthorizeResult.ALLOW) return true;
  if (decision.result !== AuthorizeResult.CONDITIONAL) return false;
  if (decision.pluginId !== 'environments') return false;
  try {
    return authorizeConditions(decision, resource);
  } catch {
    return false;
  }
}

/**
 * {@link isAllowed}, throwing NotAllowedError with the permission, entity and stage on denial.
 *
 * @public
 */
export async function requirePermission(
  permissions: PermissionsService,
  permission: ResourcePermission<'catalog-entity'>,
  resource: PromotionPermissionResource,
  credentials: BackstageCredentials,
  services: ServicePrincipalRules = {},
): Promise<void> {
  if (
    !(await isAllowed(permissions, permission, resource, credentials, services))
  ) {
    throw new NotAllowedError(
      `Not allowed: ${permission.name} for ${resource.entityRef}${
        resource.targetStage ? ` in ${resource.targetStage}` : ''
      }`,
    );
  }
}
