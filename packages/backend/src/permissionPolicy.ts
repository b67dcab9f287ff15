import {
  BackstageUserInfo,
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
  createEnvironmentsConditionalDecision,
  environmentsConditions,
} from '@envportal/plugin-environments-backend';
import {
  environmentsPromotionCreatePermission,
  environmentsPromotionOverridePermission,
  environmentsRollbackCreatePermission,
} from '@envportal/plugin-environments-common';

export type EnvironmentsPolicyOptions = {
  /** Users or groups (ownership refs) that may promote and roll back anywhere and override gates. */
  releaseManagers: string[];
  /** Stages everyone else may promote into and roll back. */
  openStages: string[];
};

export const DEFAULT_POLICY_OPTIONS: EnvironmentsPolicyOptions = {
  releaseManagers: ['group:default/release-managers'],
  openStages: ['dev', 'staging'],
};

/**
 * The demo's policy. Environments permissions: release managers may do everything; anyone else
 * (the guest included) may promote to and roll back dev and staging only, decided by the
 * environments plugin's IS_TARGET_STAGE rule, and may never override failed gates. Every other
 * permission of the portal is allowed, as the allow-all policy did.
 */
export class EnvironmentsPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly userInfo: Pick<UserInfoService, 'getUserInfo'>,
    private readonly options: EnvironmentsPolicyOptions = DEFAULT_POLICY_OPTIONS,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const permission = request.permission;
    const isCreate = isPermission(
      permission,
      environmentsPromotionCreatePermission,
    );
    const isOverride = isPermission(
      permission,
      environmentsPromotionOverridePermission,
    );
    const isRollback = isPermission(
      permission,
      environmentsRollbackCreatePermission,
    );
    if (!isCreate && !isOverride && !isRollback) {
      return { result: AuthorizeResult.ALLOW };
    }
    const principal = user?.credentials.principal as
      | { type?: string }
      | undefined;
    if (!user || principal?.type !== 'user') {
      return { result: AuthorizeResult.DENY };
    }
    if (await this.isReleaseManager(user)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isOverride || !isResourcePermission(permission, 'catalog-entity')) {
      return { result: AuthorizeResult.DENY };
    }
    return createEnvironmentsConditionalDecision(
      permission,
      environmentsConditions.isTargetStage({ stages: this.options.openStages }),
    );
  }

  private async isReleaseManager(user: PolicyQueryUser): Promise<boolean> {
    let info: BackstageUserInfo;
    try {
      info = await this.userInfo.getUserInfo(user.credentials);
    } catch {
      return false;
    }
    const refs = new Set([info.userEntityRef, ...info.ownershipEntityRefs]);
    return this.options.releaseManagers.some(ref => refs.has(ref));
  }
}

/** Registers {@link EnvironmentsPermissionPolicy} as the permission backend's policy. */
export const environmentsPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'environments-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, userInfo }) {
        policy.setPolicy(new EnvironmentsPermissionPolicy(userInfo));
      },
    });
  },
});
