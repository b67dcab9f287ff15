import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type {
  DriftResponse,
  StageDrift,
} from '@envportal/plugin-environments-common';
import type { PromotionStore } from '../../database/PromotionStore';
import { kubeGetJson } from '../cache/kubeHttp';
import { METADATA_ONLY_ACCEPT } from '../cache/resources';
import type { ClusterRegistry } from '../clusters';
import type { EntityRefParts } from '../entities';
import type { EnvironmentStatusService } from '../status';
import { configMapContentsIn } from '../promotion/workload';
import {
  configMapWriter,
  driftedConfigMapOnly,
  stageDrift,
  templateWriter,
} from './stageDrift';

type ManagedFields = Parameters<typeof templateWriter>[0];

/** How long the API server gets to answer the managed-fields read of one drifted stage. */
const WRITER_TIMEOUT_MS = 2_000;

export interface DriftService {
  getDrift(
    entity: EntityRefParts,
    options: { credentials: BackstageCredentials },
  ): Promise<DriftResponse>;
}

/**
 * Drift of one entity's stages: the cache says what runs, the promotion history what should. For a
 * drifted stage only, the Deployment (or, when only ConfigMaps it reads changed, the first of them)
 * is read once from the API server for its managed fields (the cache drops them to save memory), to
 * say who changed it.
 */
export function createDriftService(options: {
  status: Pick<EnvironmentStatusService, 'getStageViews'>;
  store: Pick<PromotionStore, 'lastChanges'>;
  clusters: Pick<ClusterRegistry, 'forStage'>;
  logger: LoggerService;
}): DriftService {
  /** Who last changed the drifted part, read once from the API server: the cache drops managed fields. */
  async function writer(stage: string, drift: StageDrift, deployment: string) {
    const configMap = driftedConfigMapOnly(drift);
    try {
      const target = options.clusters.forStage(stage);
      const namespace = encodeURIComponent(target.namespace);
      const path = configMap
        ? `/api/v1/namespaces/${namespace}/configmaps/${encodeURIComponent(
            configMap,
          )}`
        : `/apis/apps/v1/namespaces/${namespace}/deployments/${encodeURIComponent(
            deployment,
          )}`;
      const live = await kubeGetJson<{
        metadata?: { managedFields?: ManagedFields };
      }>(target.kubeConfig, path, {
        // Metadata only: a ConfigMap's contents are never fetched.
        accept: METADATA_ONLY_ACCEPT,
        idleTimeoutMs: WRITER_TIMEOUT_MS,
        signal: AbortSignal.timeout(WRITER_TIMEOUT_MS),
      });
      const fields = live.metadata?.managedFields;
      return configMap ? configMapWriter(fields) : templateWriter(fields);
    } catch (error) {
      options.logger.debug(
        `managed fields of ${configMap ?? deployment} in ${stage}: ${error}`,
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
              changeKind: expected.kind,
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
            view.cache && configMapContentsIn(view.cache),
          );
          if (drift.state === 'drifted' && expected) {
            drift.changedBy = await writer(
              view.stage.name,
              drift,
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
