import {
  AuditorService,
  AuthService,
  DatabaseService,
  LifecycleService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { environmentsPermissions } from '@envportal/plugin-environments-common';
import { registerEnvironmentsActions } from '../../actions/registerEnvironmentsActions';
import type { EnvironmentsConfig } from '../../config';
import { PromotionStore } from '../../database/PromotionStore';
import type { WorkloadCacheService } from '../cache';
import type { ChecklistService } from '../checklist';
import type { ClusterRegistry } from '../clusters';
import type { EntityResolver } from '../entities';
import type { PrometheusClient } from '../metrics';
import type { EnvironmentStatusService } from '../status';
import { createPromotionService } from './createPromotionService';
import { readPromotionSettings } from './settings';
import { PromotionService } from './types';

/**
 * Builds the promotion service on the plugin's shared parts (cluster registry, watch-fed cache,
 * checklist, Prometheus client), registers its permissions and actions, and resumes or fails
 * promotions an earlier process left active once the backend has started.
 */
export async function setupPromotions(deps: {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  auditor: AuditorService;
  auth: AuthService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  actionsRegistry: ActionsRegistryService;
  lifecycle: LifecycleService;
  environments: EnvironmentsConfig;
  registry: ClusterRegistry;
  workloadCache: WorkloadCacheService;
  entities: EntityResolver;
  status: EnvironmentStatusService;
  checklist: ChecklistService;
  prometheus?: PrometheusClient;
}): Promise<PromotionService> {
  const settings = readPromotionSettings(deps.config);
  const store = await PromotionStore.create({ database: deps.database });
  const promotions = createPromotionService({
    logger: deps.logger.child({ component: 'promotion' }),
    auditor: deps.auditor,
    auth: deps.auth,
    permissions: deps.permissions,
    store,
    registry: deps.registry,
    workloadCache: deps.workloadCache,
    entities: deps.entities,
    environments: deps.environments,
    settings,
    prometheus: deps.prometheus,
    checklist: {
      async forStage(entity, stage, { credentials }) {
        const response = await deps.checklist.getChecklist(
          {
            entity: {
              kind: entity.kind,
              namespace: entity.metadata.namespace ?? 'default',
              name: entity.metadata.name,
            },
            stages: [stage],
          },
          { credentials },
        );
        const result = response.stages.find(s => s.stage === stage);
        if (!result) throw new Error(`no checklist for stage ${stage}`);
        return result;
      },
    },
  });
  deps.permissionsRegistry.addPermissions(environmentsPermissions);
  registerEnvironmentsActions({
    actionsRegistry: deps.actionsRegistry,
    status: deps.status,
    promotions,
  });
  deps.lifecycle.addStartupHook(async () => {
    await promotions
      .recover()
      .catch(error => deps.logger.error(`promotion recovery failed: ${error}`));
  });
  return promotions;
}
