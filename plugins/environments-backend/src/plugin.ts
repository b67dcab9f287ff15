import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readEnvironmentsConfig } from './config';
import { createRouter } from './router';
import { createWorkloadCache } from './services/cache';
import { createChecklistService, createLogReader } from './services/checklist';
import { createClusterRegistry, readClusters } from './services/clusters';
import { createEntityResolver } from './services/entities';
import {
  createMetricsService,
  createPrometheusClient,
} from './services/metrics';
import { createHealthProber, createStatusService } from './services/status';
// ---- promotion (issue 8) ----
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { setupPromotions } from './services/promotion';
// ---- end promotion ----

/**
 * The environments backend plugin: per-stage status, checklist, metrics and promotion of catalog entities.
 *
 * @public
 */
export const environmentsPlugin = createBackendPlugin({
  pluginId: 'environments',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        // ---- promotion (issue 8) ----
        database: coreServices.database,
        auditor: coreServices.auditor,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        actionsRegistry: actionsRegistryServiceRef,
        // ---- end promotion ----
      },
      async init({
        httpRouter,
        httpAuth,
        logger,
        config,
        lifecycle,
        catalog,
        ...promotionDeps
      }) {
        const environments = readEnvironmentsConfig(config);
        const clusterList = readClusters(config);
        const clusters = createClusterRegistry({
          stages: environments.stages,
          clusters: clusterList,
        });
        const cache = createWorkloadCache({ clusters: clusterList, logger });
        lifecycle.addShutdownHook(() => cache.stop());
        const entities = createEntityResolver({ catalog });
        const status = createStatusService({
          config: environments,
          clusters,
          cache,
          entities,
          health: createHealthProber(),
          logger,
        });
        const prometheus =
          environments.prometheus &&
          createPrometheusClient(environments.prometheus);
        const checklist = createChecklistService({
          config: environments,
          clusters,
          status,
          prometheus,
          logs: createLogReader(),
        });
        const metrics = createMetricsService({
          status,
          prometheus,
          gates: environments.gates,
        });
        // Warm the caches now so the first page view does not wait for the initial lists.
        lifecycle.addStartupHook(() => {
          for (const stage of environments.stages) {
            if (clusterList.some(c => c.name === stage.cluster)) {
              cache.namespace(stage.cluster, stage.namespace);
            }
          }
        });

        // ---- promotion (issue 8) ----
        const promotions = await setupPromotions({
          ...promotionDeps,
          config,
          logger,
          lifecycle,
          environments,
          registry: clusters,
          workloadCache: cache,
          entities,
          status,
          checklist,
          prometheus,
        });
        // ---- end promotion ----

        httpRouter.use(
          await createRouter({
            promotions, // promotion (issue 8)
            logger,
            httpAuth,
            status,
            checklist,
            metrics,
          }),
        );
        // Liveness of the plugin is public on purpose: load balancers and the CLI probe it without a token.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
