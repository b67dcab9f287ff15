import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  createPermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  environmentsPromotionApprovePermission,
  environmentsPromotionCreatePermission,
  environmentsPromotionOverridePermission,
  environmentsRollbackCreatePermission,
  environmentsDeployRecordPermission,
  environmentsTemplateExecutePermission,
  environmentsWindowOverridePermission,
} from '@envportal/plugin-environments-common';
import { EnvironmentsPermissionPolicy } from './EnvironmentsPermissionPolicy';
import { environmentsPermissionRules } from './permissions';

const GUEST = 'user:development/guest';
const MANAGER = 'user:default/rita';
const ADMIN = 'user:default/ada';

const userInfo = {
  async getUserInfo(credentials: any) {
    const ref = credentials.principal.userEntityRef;
    return {
      userEntityRef: ref,
      ownershipEntityRefs: (
        {
          [MANAGER]: [ref, 'group:default/release-managers'],
          [ADMIN]: [ref, 'group:default/portal-admins'],
        } as Record<string, string[]>
      )[ref] ?? [ref, 'group:default/platform-team'],
    };
  },
};

const policy = new EnvironmentsPermissionPolicy(userInfo);
const applyConditions = createConditionAuthorizer(environmentsPermissionRules);

function userQuery(ref: string) {
  return { credentials: mockCredentials.user(ref), info: {} as any };
}

/** What the environments plugins decide for one entity and target stage. */
async function decide(
  permission: any,
  ref: string,
  targetStage: string,
  entityRef = 'component:default/orders',
) {
  const decision = await policy.handle({ permission }, userQuery(ref));
  if (decision.result !== AuthorizeResult.CONDITIONAL) {
    return decision.result === AuthorizeResult.ALLOW;
  }
  expect((decision as ConditionalPolicyDecision).pluginId).toBe('environments');
  return applyConditions(decision, { entityRef, targetStage });
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

  it('lets the guest record a deploy in dev and staging only, release managers anywhere', async () => {
    expect(await decide(environmentsDeployRecordPermission, GUEST, 'dev')).toBe(
      true,
    );
    expect(
      await decide(environmentsDeployRecordPermission, GUEST, 'prod'),
    ).toBe(false);
    expect(
      await decide(environmentsDeployRecordPermission, MANAGER, 'prod'),
    ).toBe(true);
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

  it('lets the guest approve in dev and staging only, release managers anywhere', async () => {
    expect(
      await decide(environmentsPromotionApprovePermission, GUEST, 'staging'),
    ).toBe(true);
    expect(
      await decide(environmentsPromotionApprovePermission, GUEST, 'prod'),
    ).toBe(false);
    expect(
      await decide(environmentsPromotionApprovePermission, MANAGER, 'prod'),
    ).toBe(true);
  });

  it('keeps promoting outside a deploy window for release managers', async () => {
    for (const stage of ['dev', 'staging', 'prod']) {
      expect(
        await decide(environmentsWindowOverridePermission, GUEST, stage),
      ).toBe(false);
      expect(
        await decide(environmentsWindowOverridePermission, MANAGER, stage),
      ).toBe(true);
    }
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

  it('lets everyone run the environments actions from the trusted template only', async () => {
    const run = (template: string, ref = GUEST) =>
      decide(environmentsTemplateExecutePermission, ref, 'dev', template);
    expect(await run('template:default/express-service')).toBe(true);
    expect(await run('template:default/dry-run')).toBe(false);
    expect(await run('template:default/someone-elses')).toBe(false);
    // Portal admins may run them from any template, e.g. while writing a new one.
    expect(await run('template:default/someone-elses', ADMIN)).toBe(true);
  });

  it('keeps dry runs of inline templates, template management and the Kubernetes proxy for portal admins', async () => {
    for (const name of [
      'scaffolder.template.dry-run',
      'scaffolder.template.management',
      'kubernetes.proxy',
    ]) {
      const permission = createPermission({
        name,
        attributes: { action: 'create' },
      });
      expect(
        (await policy.handle({ permission }, userQuery(GUEST))).result,
      ).toBe(AuthorizeResult.DENY);
      expect(
        (await policy.handle({ permission }, userQuery(ADMIN))).result,
      ).toBe(AuthorizeResult.ALLOW);
    }
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
