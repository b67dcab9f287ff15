import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createStageAction } from './actions/stage';

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
      },
      async init({ scaffolder, config }) {
        scaffolder.addActions(createStageAction({ config }));
      },
    });
  },
});
