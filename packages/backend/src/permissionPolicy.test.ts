import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  createPermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { isTargetStage } from '@envportal/plugin-environments-node';
import {
  environmentsPromotionCreatePermission,
  environmentsPromotionOverridePermission,
  environmentsRollbackCreatePermission,
} from '@envportal/plugin-environments-common';
import { EnvironmentsPermissionPolicy } from './permissionPolicy';

const GUEST = 'user:development/guest';
const MANAGER = 'user:default/rita';

const userInfo = {
  async getUserInfo(credentials: any) {
    const ref = credentials.principal.userEntityRef;
    return {
      userEntityRef: ref,
      ownershipEntityRefs:
        ref === MANAGER ? [ref, 'group:default/release-managers'] : [ref],
    };
  },
};

const policy = new EnvironmentsPermissionPolicy(userInfo);
const applyConditions = createConditionAuthorizer([isTargetStage]);

function userQuery(ref: string) {
  return { credentials: mockCredentials.user(ref), info: {} as any };
}

/** What the environments backend decides for one entity and target stage. */
async function decide(permission: any, ref: string, targetStage: string) {
  const decision = await policy.handle({ permission }, userQuery(ref));
  if (decision.result !== AuthorizeResult.CONDITIONAL) {
    return decision.result === AuthorizeResult.ALLOW;
  }
  expect((decision as ConditionalPolicyDecision).pluginId).toBe('environments');
  return applyConditions(decision, {
    entityRef: 'component:default/orders',
    targetStage,
  });
}

describe('EnvironmentsPermissionPolicy', () => {
  it('lets the guest promote to dev and staging but not prod', async () => {
    expect(
      await decide(environmentsPromotionCreatePermission, GUEST, 'dev'),
    ).toBe(true);
    expect(
      await decide(environmentsPromotionCreatePermission, GUEST, 'staging'),
    ).toBe(true);
    expect(
      await decide(environmentsPromotionCreatePermission, GUEST, 'prod'),
    ).toBe(false);
  });

  it('never lets the guest override gates, anywhere', async () => {
    for (const stage of ['dev', 'staging', 'prod']) {
      expect(
        await decide(environmentsPromotionOverridePermission, GUEST, stage),
      ).toBe(false);
    }
  });

  it('lets the guest roll back dev and staging only', async () => {
    expect(
      await decide(environmentsRollbackCreatePermission, GUEST, 'staging'),
    ).toBe(true);
    expect(
      await decide(environmentsRollbackCreatePermission, GUEST, 'prod'),
    ).toBe(false);
  });

  it('lets release managers promote to prod, override and roll back', async () => {
    expect(
      await decide(environmentsPromotionCreatePermission, MANAGER, 'prod'),
    ).toBe(true);
    expect(
      await decide(environmentsPromotionOverridePermission, MANAGER, 'prod'),
    ).toBe(true);
    expect(
      await decide(environmentsRollbackCreatePermission, MANAGER, 'prod'),
    ).toBe(true);
  });

  it('denies environments permissions to service principals and anonymous callers', async () => {
    const service = await policy.handle(
      { permission: environmentsPromotionCreatePermission },
      { credentials: mockCredentials.service(), info: {} as any },
    );
    expect(service.result).toBe(AuthorizeResult.DENY);
    const none = await policy.handle({
      permission: environmentsPromotionCreatePermission,
    });
    expect(none.result).toBe(AuthorizeResult.DENY);
  });

  it('keeps allowing every other permission, as the allow-all policy did', async () => {
    const other = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
    });
    expect(
      (await policy.handle({ permission: other }, userQuery(GUEST))).result,
    ).toBe(AuthorizeResult.ALLOW);
  });
});
