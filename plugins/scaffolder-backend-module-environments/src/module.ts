import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createFetchReferenceAction } from './actions/fetchReference';
import { createHelmUpgradeAction } from './actions/helmUpgrade';
import { createPromoteAction } from './actions/promote';
import { createPublishLocalAction } from './actions/publishLocal';
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
        reader: coreServices.urlReader,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, discovery, auth, reader, catalog }) {
        scaffolder.addActions(
          createStageAction({ config }),
          createFetchReferenceAction({
            config,
            reader,
            integrations: ScmIntegrations.fromConfig(config),
          }),
          createPublishLocalAction({ config }),
          createWaitForEntityAction({ catalog }),
          createHelmUpgradeAction({ config }),
          createRolloutStatusAction({ config }),
          createPromoteAction({ discovery, auth }),
          createTerraformPlanAction(),
          createTerraformApplyAction(),
        );
      },
    });
  },
});
