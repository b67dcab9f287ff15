import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  DEFAULT_POLICY_OPTIONS,
  EnvironmentsPermissionPolicy,
} from '@envportal/plugin-environments-node';

/**
 * The demo's policy: {@link EnvironmentsPermissionPolicy} with its default options, and tools and
 * agents (the MCP actions with a service token) promoting into dev and staging like the guest.
 */
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
        policy.setPolicy(
          new EnvironmentsPermissionPolicy(userInfo, {
            ...DEFAULT_POLICY_OPTIONS,
            servicesMayPromote: true,
          }),
        );
      },
    });
  },
});
