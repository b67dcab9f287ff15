import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { EnvironmentsPermissionPolicy } from '@envportal/plugin-environments-node';

/** The demo's policy: {@link EnvironmentsPermissionPolicy} with its default options. */
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
