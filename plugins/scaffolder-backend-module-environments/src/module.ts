import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { readClusterAccess } from '@envportal/plugin-environments-node';
import { createFetchReferenceAction } from './actions/fetchReference';
import { createHelmUpgradeAction } from './actions/helmUpgrade';
import { createPromoteAction } from './actions/promote';
import { createPublishLocalAction } from './actions/publishLocal';
import { createRecordDeployAction } from './actions/recordDeploy';
import { createRolloutStatusAction } from './actions/rolloutStatus';
import { createStageAction } from './actions/stage';
import { createTerraformApplyAction } from './actions/terraformApply';
import { createTerraformPlanAction } from './actions/terraformPlan';
import { createWaitForEntityAction } from './actions/waitForEntity';

/**
 * Registers the environments scaffolder actions.
 *
 * @public
 */
export const scaffolderModuleEnvironments = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'environments',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        reader: coreServices.urlReader,
        catalog: catalogServiceRef,
      },
      async init({
        scaffolder,
        config,
        discovery,
        auth,
        permissions,
        reader,
        catalog,
      }) {
        const access = readClusterAccess(config);
        const reference = {
          config,
          reader,
          integrations: ScmIntegrations.fromConfig(config),
        };
        scaffolder.addActions(
          createStageAction({ access }),
          createFetchReferenceAction({ ...reference, permissions }),
          createPublishLocalAction({ config, permissions }),
          createWaitForEntityAction({ catalog }),
          createHelmUpgradeAction({ access, permissions }),
          createRolloutStatusAction({ access, permissions }),
          createPromoteAction({ discovery, auth, permissions }),
          createRecordDeployAction({ discovery, auth, permissions }),
          createTerraformPlanAction({ ...reference, permissions }),
          createTerraformApplyAction({ ...reference, permissions }),
        );
      },
    });
  },
});
