import {
  BackstageUserInfo,
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
import {
  createEnvironmentsConditionalDecision,
  environmentsConditions,
} from './permissions';
import {
  environmentsPromotionApprovePermission,
  environmentsPromotionCreatePermission,
  environmentsPromotionOverridePermission,
  environmentsRollbackCreatePermission,
  environmentsDeployRecordPermission,
  environmentsTemplateExecutePermission,
  environmentsWindowOverridePermission,
} from '@envportal/plugin-environments-common';

/**
 * Who may do what under {@link EnvironmentsPermissionPolicy}.
 * @public
 */
export type EnvironmentsPolicyOptions = {
  /** Users or groups (ownership refs) that may promote and roll back anywhere and override gates. */
  releaseManagers: string[];
  /** Stages everyone else may promote into, roll back and record a deploy in. */
  openStages: string[];
  /**
   * Users or groups that administer the portal: they may dry-run and manage templates, use the
   * Kubernetes proxy, and run the environments actions from any template.
   */
  portalAdmins: string[];
  /** Templates from which everyone may run the environments actions (deploy, publish, Terraform). */
  trustedTemplates: string[];
};

/**
 * The demo's choices: release managers and portal admins by group, guests in dev and staging.
 * @public
 */
export const DEFAULT_POLICY_OPTIONS: EnvironmentsPolicyOptions = {
  releaseManagers: ['group:default/release-managers'],
  openStages: ['dev', 'staging'],
  portalAdmins: ['group:default/portal-admins'],
  trustedTemplates: ['template:default/express-service'],
};

/**
 * Permissions that reach a cluster, the host or the template set beyond what the portal's own checks
 * cover, so only portal admins hold them: an inline template's dry run, template management, and the
 * Kubernetes proxy (which would act with the portal's read account).
 */
const ADMIN_ONLY_PERMISSIONS = new Set([
  'scaffolder.template.dry-run',
  'scaffolder.template.management',
  'kubernetes.proxy',
]);

/**
 * A complete permission policy for a portal with the environments plugins (the demo runs it with
 * {@link DEFAULT_POLICY_OPTIONS}).
 * - Promotion: release managers may do everything; anyone else (the guest included) may promote to,
 *   approve in, roll back and record a deploy in dev and staging only (the IS_TARGET_STAGE rule), and
 *   may never override gates or a closed deploy window. (Who approves in a stage is also named by its approval policy.)
 * - Templates: the environments actions run only from the trusted templates (the IS_ENTITY rule on
 *   the template), except for portal admins; dry runs of inline templates, template management and
 *   the Kubernetes proxy are for portal admins. (Which kinds a registered location may add is the
 *   catalog's rules' business: see `catalog.rules` in app-config.yaml.)
 * - Every other permission is allowed, as the allow-all policy did.
 * - Service principals (tools, agents) never reach a policy: Backstage's permission client allows them
 *   itself, so the environments plugins decide for them (`environments.promotion.servicePrincipalStages`).
 * @public
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
    const isDeployRecord = isPermission(
      permission,
      environmentsDeployRecordPermission,
    );
    const isApprove = isPermission(
      permission,
      environmentsPromotionApprovePermission,
    );
    const isWindowOverride = isPermission(
      permission,
      environmentsWindowOverridePermission,
    );
    const isTemplateExecute = isPermission(
      permission,
      environmentsTemplateExecutePermission,
    );
    const adminOnly = ADMIN_ONLY_PERMISSIONS.has(permission.name);
    if (
      !isCreate &&
      !isOverride &&
      !isRollback &&
      !isDeployRecord &&
      !isApprove &&
      !isWindowOverride &&
      !isTemplateExecute &&
      !adminOnly
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    const principal = user?.credentials.principal as
      | { type?: string }
      | undefined;
    if (!user || principal?.type !== 'user') {
      return { result: AuthorizeResult.DENY };
    }
    if (adminOnly || isTemplateExecute) {
      if (await this.isMemberOf(user, this.options.portalAdmins)) {
        return { result: AuthorizeResult.ALLOW };
      }
      if (adminOnly || !isResourcePermission(permission, 'catalog-entity')) {
        return { result: AuthorizeResult.DENY };
      }
      return createEnvironmentsConditionalDecision(
        permission,
        environmentsConditions.isEntity({
          entityRefs: this.options.trustedTemplates,
        }),
      );
    }
    if (await this.isMemberOf(user, this.options.releaseManagers)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      isOverride ||
      isWindowOverride ||
      !isResourcePermission(permission, 'catalog-entity')
    ) {
      return { result: AuthorizeResult.DENY };
    }
    return createEnvironmentsConditionalDecision(
      permission,
      environmentsConditions.isTargetStage({ stages: this.options.openStages }),
    );
  }

  private async isMemberOf(
    user: PolicyQueryUser,
    refs: string[],
  ): Promise<boolean> {
    let info: BackstageUserInfo;
    try {
      info = await this.userInfo.getUserInfo(user.credentials);
    } catch {
      return false;
    }
    const own = new Set([info.userEntityRef, ...info.ownershipEntityRefs]);
    return refs.some(ref => own.has(ref));
  }
}
