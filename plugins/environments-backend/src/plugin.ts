import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readEnvironmentsConfig } from './config';
import { createRouter } from './router';
import { createWorkloadCache } from './services/cache';
import { createChecklistService, createLogReader } from './services/checklist';
import { readClusterAccess } from '@envportal/plugin-environments-node';
import { createClusterRegistry } from './services/clusters';
import { createEntityResolver } from './services/entities';
import {
  createMetricsService,
  createPrometheusClient,
} from './services/metrics';
import { createHealthProber, createStatusService } from './services/status';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { createLiveUpdates } from './services/live';
import { createFleetService } from './services/fleet';
import { createDoraService } from './services/dora';
import { createDriftService } from './services/drift';
import { setupPromotions } from './services/promotion';
import { registerEnvironmentsActions } from './actions/registerEnvironmentsActions';

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
        database: coreServices.database,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        actionsRegistry: actionsRegistryServiceRef,
        userInfo: coreServices.userInfo,
        notifications: notificationService,
        signals: signalsServiceRef,
      },
      async init({
        httpRouter,
        httpAuth,
        logger,
        config,
        lifecycle,
        catalog,
        actionsRegistry,
        signals,
        ...promotionDeps
      }) {
        const environments = readEnvironmentsConfig(config);
        const access = readClusterAccess(config);
        const clusterList = access.clusters();
        const clusters = createClusterRegistry({
          stages: environments.stages,
          access,
        });
        const cache = createWorkloadCache({ clusters: clusterList, logger });
        lifecycle.addShutdownHook(() => cache.stop());
        // Stage changes go to browsers through signals, within a second of the cluster's change.
        const live = createLiveUpdates({
          stages: environments.stages,
          signals,
          cache,
          logger,
        });
        lifecycle.addShutdownHook(() => live.stop());
        const entities = createEntityResolver({
          catalog,
          auth: promotionDeps.auth,
        });
        const status = createStatusService({
          config: environments,
          clusters,
          cache,
          entities,
          health: createHealthProber(),
          logger,
          live,
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

        const { promotions, store } = await setupPromotions({
          ...promotionDeps,
          config,
          logger,
          environments,
          registry: clusters,
          workloadCache: cache,
          entities,
          checklist,
          prometheus,
          live,
          lifecycle,
        });
        // Tools and agents (MCP) reach status and promotion through the actions registry.
        registerEnvironmentsActions({ actionsRegistry, status, promotions });
        // A replica going away hands its running promotions to another at once.
        lifecycle.addShutdownHook(() => promotions.shutdown());

        const fleet = createFleetService({
          config: environments,
          catalog,
          clusters,
          cache,
          promotions,
          store,
        });
        httpRouter.use(
          await createRouter({
            promotions,
            logger,
            httpAuth,
            status,
            checklist,
            metrics,
            fleet,
            drift: createDriftService({ status, store, clusters, logger }),
            dora: createDoraService({
              config: environments,
              store,
              entities,
              fleet,
            }),
          }),
        );
        // Liveness of the plugin is public on purpose: load balancers and the CLI probe it without a token.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
