import {
  AuditorService,
  AuthService,
  DatabaseService,
  LifecycleService,
  LoggerService,
  PermissionsRegistryService,
  SchedulerService,
  PermissionsService,
  RootConfigService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { environmentsPermissions } from '@envportal/plugin-environments-common';
import type { EnvironmentsConfig } from '../../config';
import { PromotionStore } from '../../database/PromotionStore';
import type { WorkloadCacheService } from '../cache';
import type { ChecklistService } from '../checklist';
import type { ClusterRegistry } from '../clusters';
import type { EntityResolver } from '../entities';
import { createPromotionChangeBus, type LiveUpdates } from '../live';
import type { PrometheusClient } from '../metrics';
import { createPromotionService } from './createPromotionService';

function isEntityRef(ref: string): boolean {
  try {
    parseEntityRef(ref);
    return true;
  } catch {
    return false;
  }
}
import { readPromotionSettings } from './settings';
import { PromotionService } from './types';

/** How often replicas look for promotions to take over: a sixth of the lease, 1 to 10 s. */
export function takeoverIntervalSeconds(leaseSeconds: number): number {
  return Math.min(10, Math.max(1, Math.floor(leaseSeconds / 6)));
}

/**
 * Builds the promotion service (and the store of the promotion history it writes, which the delivery
 * metrics read) on the plugin's shared parts (cluster registry, watch-fed cache,
 * checklist, Prometheus client), registers its permissions, and schedules the takeover
 * of promotions whose replica stopped (a crash, a restart, a rolling update).
 */
export async function setupPromotions(deps: {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  lifecycle: LifecycleService;
  auditor: AuditorService;
  auth: AuthService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  scheduler: SchedulerService;
  environments: EnvironmentsConfig;
  registry: ClusterRegistry;
  workloadCache: WorkloadCacheService;
  entities: EntityResolver;
  checklist: ChecklistService;
  prometheus?: PrometheusClient;
  userInfo: UserInfoService;
  notifications?: NotificationService;
  live?: LiveUpdates;
}): Promise<{ promotions: PromotionService; store: PromotionStore }> {
  const settings = readPromotionSettings(deps.config);
  const store = await PromotionStore.create({ database: deps.database });
  const { live } = deps;
  if (live) {
    // Browsers on other replicas hear of this replica's promotion writes through the database.
    const bus = await createPromotionChangeBus({
      knex: await deps.database.getClient(),
      logger: deps.logger,
      // Only what this portal could have written: a configured stage and an entity ref.
      onRemoteChange: change => {
        const known = deps.environments.stages.some(
          s => s.name === change.stage,
        );
        if (known && isEntityRef(change.entityRef))
          live.promotionChanged(change.entityRef, change.stage);
      },
    });
    deps.lifecycle.addShutdownHook(() => bus.stop());
    const stageChanged = (entityRef: string, stage: string) => {
      live.promotionChanged(entityRef, stage);
      bus.announce({ entityRef, stage });
    };
    store.onChange(p => stageChanged(p.entityRef, p.to));
    // A new drift baseline: the tab re-reads drift as it does after a promotion.
    store.onDeployRecorded(c => stageChanged(c.entityRef, c.stage));
  }
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
    userInfo: deps.userInfo,
    notifications: deps.notifications,
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
  // On every replica (a local task): promotions whose replica stopped renewing its lease are taken
  // over within the lease plus this interval. Each claim is one conditional update, so replicas
  // asking at once never both get a promotion. A global task would hang the takeover on the
  // scheduler's lock, which a replica killed while holding it keeps until the task's timeout.
  await deps.scheduler.scheduleTask({
    id: 'environments-promotion-takeover',
    scope: 'local',
    frequency: { seconds: takeoverIntervalSeconds(settings.leaseSeconds) },
    timeout: { seconds: 120 },
    initialDelay: { seconds: 1 },
    fn: async () => {
      await promotions
        .recover()
        .catch(error =>
          deps.logger.error(`promotion takeover failed: ${error}`),
        );
      // Expired approval requests end; approved or queued promotions whose stage is open start.
      await promotions
        .sweep()
        .catch(error =>
          deps.logger.error(`waiting promotions not handled: ${error}`),
        );
    },
  });
  return { promotions, store };
}
