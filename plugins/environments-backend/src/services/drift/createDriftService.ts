import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { DriftResponse } from '@envportal/plugin-environments-common';
import type { PromotionStore } from '../../database/PromotionStore';
import { kubeGetJson } from '../cache/kubeHttp';
import type { CachedObject } from '../cache';
import type { ClusterRegistry } from '../clusters';
import type { EntityRefParts } from '../entities';
import type { EnvironmentStatusService } from '../status';
import { stageDrift, templateWriter } from './stageDrift';

/** How long the API server gets to answer the managed-fields read of one drifted Deployment. */
const WRITER_TIMEOUT_MS = 2_000;

export interface DriftService {
  getDrift(
    entity: EntityRefParts,
    options: { credentials: BackstageCredentials },
  ): Promise<DriftResponse>;
}

/**
 * Drift of one entity's stages: the cache says what runs, the promotion history what should. For a
 * drifted stage only, the Deployment is read once from the API server for its managed fields (the
 * cache drops them to save memory), to say who changed it.
 */
export function createDriftService(options: {
  status: Pick<EnvironmentStatusService, 'getStageViews'>;
  store: Pick<PromotionStore, 'lastChanges'>;
  clusters: Pick<ClusterRegistry, 'forStage'>;
  logger: LoggerService;
}): DriftService {
  async function writer(stage: string, deployment: string) {
    try {
      const target = options.clusters.forStage(stage);
      const live = await kubeGetJson<CachedObject<'Deployment'>>(
        target.kubeConfig,
        `/apis/apps/v1/namespaces/${encodeURIComponent(
          target.namespace,
        )}/deployments/${encodeURIComponent(deployment)}`,
        {
          idleTimeoutMs: WRITER_TIMEOUT_MS,
          signal: AbortSignal.timeout(WRITER_TIMEOUT_MS),
        },
      );
      return templateWriter(live.metadata?.managedFields);
    } catch (error) {
      options.logger.debug(
        `managed fields of ${deployment} in ${stage}: ${error}`,
      );
      return undefined;
    }
  }

  return {
    async getDrift(entity, { credentials }) {
      const { entityRef, views } = await options.status.getStageViews(
        { entity },
        { credentials },
      );
      const last = await options.store.lastChanges([entityRef]);
      const stages = await Promise.all(
        views.map(async view => {
          const expected = last.find(c => c.stage === view.stage.name);
          if (expected && !view.cache) {
            return {
              stage: view.stage.name,
              state: 'unknown' as const,
              reason: view.status.error ?? 'the stage could not be read',
              expectedImage: expected.image,
              promotedAt: expected.finishedAt,
              promotedBy: expected.requestedBy,
            };
          }
          const drift = stageDrift(
            view.stage.name,
            expected,
            expected && view.cache?.get('Deployment', expected.deployment),
          );
          if (drift.state === 'drifted' && expected) {
            drift.changedBy = await writer(
              view.stage.name,
              expected.deployment,
            );
          }
          return drift;
        }),
      );
      return { entityRef, stages };
    },
  };
}
