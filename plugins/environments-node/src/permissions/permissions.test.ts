import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  environmentsPromotionCreatePermission,
  environmentsPromotionOverridePermission,
  environmentsRollbackCreatePermission,
  environmentsDeployRecordPermission,
  environmentsTemplateExecutePermission,
} from '@envportal/plugin-environments-common';
import {
  createEnvironmentsConditionalDecision,
  environmentsConditions,
  isAllowed,
  requirePermission,
} from './permissions';

/** A permissions service that answers every request with one decision, as a policy would. */
function deciding(decision: PolicyDecision) {
  const permissions = mockServices.permissions();
  permissions.authorizeConditional = async requests =>
    requests.map(() => decision) as any;
  return permissions;
}

const credentials = mockCredentials.user();

describe('environments permission rules', () => {
  it('applies isTargetStage to the stage of the request', async () => {
    const permissions = deciding(
      createEnvironmentsConditionalDecision(
        environmentsPromotionCreatePermission,
        environmentsConditions.isTargetStage({ stages: ['dev', 'staging'] }),
      ),
    );
    const resource = (targetStage: string) => ({
      entityRef: 'component:default/orders',
      targetStage,
    });
    expect(
      await isAllowed(
        permissions,
        environmentsPromotionCreatePermission,
        resource('staging'),
        credentials,
      ),
    ).toBe(true);
    await expect(
      requirePermission(
        permissions,
        environmentsPromotionCreatePermission,
        resource('prod'),
        credentials,
      ),
    ).rejects.toThrow(
      new NotAllowedError(
        'Not allowed: environments.promotion.create for component:default/orders in prod',
      ),
    );
  });

  it('applies isEntity to the template, ignoring the case of the ref', async () => {
    const permissions = deciding(
      createEnvironmentsConditionalDecision(
        environmentsTemplateExecutePermission,
        environmentsConditions.isEntity({
          entityRefs: ['template:default/express-service'],
        }),
      ),
    );
    const allowed = (entityRef: string) =>
      isAllowed(
        permissions,
        environmentsTemplateExecutePermission,
        { entityRef, targetStage: 'dev' },
        credentials,
      );
    expect(await allowed('Template:default/Express-Service')).toBe(true);
    expect(await allowed('template:default/dry-run')).toBe(false);
  });

  it("denies a conditional decision it cannot apply (another plugin's rules)", async () => {
    const permissions = deciding({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {},
      },
    });
    expect(
      await isAllowed(
        permissions,
        environmentsPromotionCreatePermission,
        { entityRef: 'component:default/orders', targetStage: 'dev' },
        credentials,
      ),
    ).toBe(false);
  });

  describe('for tools and agents (service principals)', () => {
    // What Backstage's permission client answers for every service principal without a policy.
    const allowAll = deciding({ result: AuthorizeResult.ALLOW });
    const agent = mockCredentials.service('external:release-bot');
    const orders = (targetStage: string) => ({
      entityRef: 'component:default/orders',
      targetStage,
    });
    const rules = { promotionStages: ['dev', 'staging'] };

    it('allows promotion and rollback only into the listed stages', async () => {
      for (const permission of [
        environmentsPromotionCreatePermission,
        environmentsRollbackCreatePermission,
      ]) {
        expect(
          await isAllowed(
            allowAll,
            permission,
            orders('staging'),
            agent,
            rules,
          ),
        ).toBe(true);
        expect(
          await isAllowed(allowAll, permission, orders('prod'), agent, rules),
        ).toBe(false);
      }
    });

    it('allows nothing without a list, and never an override or a template', async () => {
      expect(
        await isAllowed(
          allowAll,
          environmentsPromotionCreatePermission,
          orders('dev'),
          agent,
        ),
      ).toBe(false);
      expect(
        await isAllowed(
          allowAll,
          environmentsPromotionOverridePermission,
          orders('dev'),
          agent,
          rules,
        ),
      ).toBe(false);
      expect(
        await isAllowed(
          allowAll,
          environmentsTemplateExecutePermission,
          { entityRef: 'template:default/express-service', targetStage: 'dev' },
          agent,
          rules,
        ),
      ).toBe(false);
    });

    it('allows recording a deploy only into its own list, not the promotion stages', async () => {
      const record = (stage: string, lists: object) =>
        isAllowed(
          allowAll,
          environmentsDeployRecordPermission,
          orders(stage),
          agent,
          lists,
        );
      expect(await record('dev', rules)).toBe(false);
      expect(await record('dev', { deployRecordStages: ['dev'] })).toBe(true);
      expect(await record('staging', { deployRecordStages: ['dev'] })).toBe(
        false,
      );
      // and that list grants no promotion
      expect(
        await isAllowed(
          allowAll,
          environmentsPromotionCreatePermission,
          orders('dev'),
          agent,
          { deployRecordStages: ['dev'] },
        ),
      ).toBe(false);
    });

    it("keeps a token's own access restrictions (a denial stands)", async () => {
      expect(
        await isAllowed(
          deciding({ result: AuthorizeResult.DENY }),
          environmentsPromotionCreatePermission,
          orders('dev'),
          agent,
          rules,
        ),
      ).toBe(false);
    });

    it('leaves users to the policy', async () => {
      expect(
        await isAllowed(
          allowAll,
          environmentsPromotionCreatePermission,
          orders('prod'),
          credentials,
        ),
      ).toBe(true);
    });
  });
});
