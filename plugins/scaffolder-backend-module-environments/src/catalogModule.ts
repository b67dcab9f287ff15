import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { LocalPublishEntityProvider } from './catalog/LocalPublishEntityProvider';

/**
 * Catalog module for the offline demo: registers the repositories publish:local writes into
 * environments.templates.localPublishDir. Does nothing when that directory is not configured.
 *
 * @public
 */
export const catalogModuleLocalPublish = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'environments-local-publish',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
      },
      async init({ catalog, config, scheduler, logger }) {
        const dir = config.getOptionalString(
          'environments.templates.localPublishDir',
        );
        if (!dir) return;
        const provider = new LocalPublishEntityProvider(dir, logger);
        catalog.addEntityProvider(provider);
        // Frequent and cheap (one directory listing), so a new service shows up within seconds. Local
        // scope: the directory is on this instance's disk, so every instance lists its own.
        await scheduler.scheduleTask({
          id: 'environments-local-publish-refresh',
          scope: 'local',
          frequency: { seconds: 3 },
          timeout: { seconds: 30 },
          fn: async () => {
            await provider.refresh();
          },
        });
      },
    });
  },
});
