import {
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  environmentsPromotionCreatePermission,
  environmentsPromotionOverridePermission,
  environmentsRollbackCreatePermission,
  environmentsTemplateExecutePermission,
} from '@envportal/plugin-environments-common';
import {
  createEnvironmentsConditionalDecision,
  environmentsConditions,
} from '@envportal/plugin-environments-node';

const RELEASE_MANAGERS = 'group:default/release-managers';
const OPEN_STAGES = ['dev', 'staging'];
const TRUSTED_TEMPLATES = ['template:default/express-service'];
const ENVIRONMENTS_PERMISSIONS = [
  environmentsPromotionCreatePermission,
  environmentsPromotionOverridePermission,
  environmentsRollbackCreatePermission,
  environmentsTemplateExecutePermission,
];

class EnvironmentsPolicy implements PermissionPolicy {
  constructor(private readonly userInfo: UserInfoService) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (
      !ENVIRONMENTS_PERMISSIONS.some(p => isPermission(permission, p)) ||
      !isResourcePermission(permission, 'catalog-entity')
    ) {
      return { result: AuthorizeResult.ALLOW }; // your other rules go here
    }
    // `user` is set for people only: a tool or an agent (a service principal) is refused here.
    if (!user) return { result: AuthorizeResult.DENY };
    if (isPermission(permission, environmentsTemplateExecutePermission)) {
      return createEnvironmentsConditionalDecision(
        permission,
        environmentsConditions.isEntity({ entityRefs: TRUSTED_TEMPLATES }),
      );
    }
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    if (ownershipEntityRefs.includes(RELEASE_MANAGERS)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isPermission(permission, environmentsPromotionOverridePermission)) {
      return { result: AuthorizeResult.DENY };
    }
    return createEnvironmentsConditionalDecision(
      permission,
      environmentsConditions.isTargetStage({ stages: OPEN_STAGES }),
    );
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'environments-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, userInfo: coreServices.userInfo },
      async init({ policy, userInfo }) {
        policy.setPolicy(new EnvironmentsPolicy(userInfo));
      },
    });
  },
});
