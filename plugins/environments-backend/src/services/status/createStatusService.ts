import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type {
  EnvironmentsStatusResponse,
  StageStatus,
} from '@envportal/plugin-environments-common';
import { EnvironmentsConfig, EnvironmentStage } from '../../config';
import { WorkloadCacheService } from '../cache';
import { ClusterRegistry } from '../clusters';
import {
  EntityResolver,
  WorkloadSelector,
  workloadSelectorFor,
} from '../entities';
import { HealthProber } from './healthProbe';
import { recentWarnings, summarizePods, summarizeWorkload } from './summarize';
import { EnvironmentStatusService, StageView } from './types';
import { takeWorkloadSnapshot, WorkloadSnapshot } from './workloadSnapshot';
import { NamespaceCache } from '../cache';
import type { LiveUpdates } from '../live';
import { createInputMemo } from '../inputMemo';

const MEMO_ENTRIES = 1000;
/** Whole answers kept (with their serialized form): those of the entities being watched right now. */
const ANSWERS_KEPT = 256;

/** A health result by value: probes hand out new objects when they ask again. */
export function healthKey(health: StageStatus['health']): string | undefined {
  return health && `${health.live}|${health.ready}|${health.detail}`;
}

function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  onTimeout: () => T,
): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<T>(resolve => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createStatusService(options: {
  config: EnvironmentsConfig;
  clusters: ClusterRegistry;
  cache: WorkloadCacheService;
  entities: EntityResolver;
  health: HealthProber;
  logger: LoggerService;
  /** Told of every entity whose status is read, so its changes are pushed while someone looks. */
  live?: LiveUpdates;
}): EnvironmentStatusService {
  const { config, clusters, cache, entities, health, logger, live } = options;

  function pickStages(names?: string[]): EnvironmentStage[] {
    if (!names || names.length === 0) return config.stages;
    return names.map(name => {
      const stage = config.stages.find(s => s.name === name);
      if (!stage) throw new InputError(`Unknown stage "${name}"`);
      return stage;
    });
  }

  // What a stage shows changes only when its cache changes: recompute on a new cache version, else
  // reuse. Thousands of pods per stage make the recomputation the dominant cost of an answer.
  const derivedMemo = new Map<string, { version: number; value: Derived }>();
  type Derived = {
    snapshot: WorkloadSnapshot;
    workload: StageStatus['workload'];
    pods: StageStatus['pods'];
    events: StageStatus['events'];
  };
  function derive(
    nsCache: NamespaceCache,
    selector: WorkloadSelector,
  ): Derived {
    const key = `${nsCache.clusterName}\u0000${nsCache.namespace}\u0000${
      selector.description
    }\u0000${selector.id ?? ''}`;
    const version = nsCache.version();
    const hit = derivedMemo.get(key);
    if (hit && hit.version === version) return hit.value;
    const snapshot = takeWorkloadSnapshot(nsCache, selector);
    const value = {
      snapshot,
      workload: summarizeWorkload(snapshot),
      pods: summarizePods(snapshot, config.statusPodLimit),
      events: recentWarnings(nsCache, snapshot),
    };
    derivedMemo.delete(key); // re-insert so the Map's order is least recently computed first
    derivedMemo.set(key, { version, value });
    if (derivedMemo.size > MEMO_ENTRIES)
      derivedMemo.delete(derivedMemo.keys().next().value!);
    return value;
  }

  async function viewStage(
    stage: EnvironmentStage,
    selector: WorkloadSelector,
  ): Promise<StageView> {
    const base: StageStatus = {
      stage: stage.name,
      cluster: stage.cluster,
      namespace: stage.namespace,
      state: 'error',
      pods: [],
      events: [],
      stale: true,
    };
    let target;
    try {
      target = clusters.forStage(stage.name);
    } catch (error) {
      return {
        stage,
        clusterName: stage.cluster,
        status: { ...base, error: (error as Error).message },
      };
    }
    const nsCache = cache.namespace(target.clusterName, target.namespace);
    const synced = await nsCache.waitForSync(config.clusterDeadlineMs);
    const cacheHealth = nsCache.health();
    if (!synced && !cacheHealth.synced) {
      return {
        stage,
        clusterName: target.clusterName,
        status: {
          ...base,
          error: `cluster "${target.clusterName}" not reachable within ${
            config.clusterDeadlineMs
          } ms${cacheHealth.errors.length ? `: ${cacheHealth.errors[0]}` : ''}`,
        },
      };
    }
    const derived = derive(nsCache, selector);
    const { snapshot } = derived;
    const now = Date.now();
    const observedAt = cacheHealth.observedAt ?? now;
    const status: StageStatus = {
      ...base,
      state: snapshot.deployment ? 'ok' : 'not-found',
      workload: derived.workload,
      pods: derived.pods,
      podCount: snapshot.pods.length,
      events: derived.events,
      health: await health.probe(stage.healthUrl),
      observedAt: new Date(observedAt).toISOString(),
      dataAgeSeconds: Math.max(0, Math.round((now - observedAt) / 1000)),
      stale: cacheHealth.stale,
    };
    if (cacheHealth.stale && cacheHealth.errors.length > 0) {
      // The last known data still goes out, marked stale, with the reason.
      status.state = 'error';
      status.error = `showing data cached ${status.dataAgeSeconds}s ago; ${cacheHealth.errors[0]}`;
    } else if (!snapshot.deployment) {
      status.error = `no Deployment labelled ${selector.description} in namespace ${stage.namespace}`;
    }
    return {
      stage,
      clusterName: target.clusterName,
      cache: nsCache,
      snapshot,
      status,
    };
  }

  async function getStageViews(
    input: Parameters<EnvironmentStatusService['getStageViews']>[0],
    request: Parameters<EnvironmentStatusService['getStageViews']>[1],
  ) {
    const stages = pickStages(input.stages);
    const entity = await entities.resolve(input.entity, request);
    const entityRef = stringifyEntityRef(entity);
    let selector: WorkloadSelector | undefined;
    try {
      selector = workloadSelectorFor(entity);
    } catch (error) {
      throw new InputError(
        `Entity ${entityRef} has an invalid kubernetes-label-selector annotation: ${
          (error as Error).message
        }`,
      );
    }
    if (!selector) {
      return { entity, entityRef, selector, views: [] };
    }
    const views: StageView[] = await Promise.all(
      stages.map(stage =>
        // A cluster that is slow in any way (not only a slow first sync) never holds the others up.
        withDeadline(
          viewStage(stage, selector!).catch(error => {
            if (error instanceof NotFoundError) throw error;
            logger.warn(
              `status of ${entityRef} in ${stage.name} failed: ${error}`,
            );
            return {
              stage,
              clusterName: stage.cluster,
              status: {
                stage: stage.name,
                cluster: stage.cluster,
                namespace: stage.namespace,
                state: 'error' as const,
                error: (error as Error).message,
                pods: [],
                events: [],
                stale: true,
              },
            };
          }),
          config.clusterDeadlineMs + 250,
          () => ({
            stage,
            clusterName: stage.cluster,
            status: {
              stage: stage.name,
              cluster: stage.cluster,
              namespace: stage.namespace,
              state: 'error' as const,
              error: `cluster "${stage.cluster}" did not answer within ${config.clusterDeadlineMs} ms`,
              pods: [],
              events: [],
              stale: true,
            },
          }),
        ),
      ),
    );
    live?.follow(
      entityRef,
      selector.matches,
      views.map(v => ({
        stage: v.stage.name,
        clusterName: v.clusterName,
        namespace: v.stage.namespace,
      })),
    );
    return { entity, entityRef, selector, views };
  }

  // The same answer object while nothing in it changed (cache contents, state, errors, the health
  // probe's result, the data age in whole seconds), so the route serializes it once.
  const rememberAnswer =
    createInputMemo<EnvironmentsStatusResponse>(ANSWERS_KEPT);

  return {
    getStageViews,
    async getStatus(input, request) {
      const { entityRef, selector, views } = await getStageViews(
        input,
        request,
      );
      const inputs = views.flatMap(v => [
        v.cache?.version(),
        v.status.state,
        v.status.error,
        v.status.stale,
        v.status.dataAgeSeconds,
        healthKey(v.status.health),
      ]);
      return rememberAnswer(
        `${entityRef}\u0000${(input.stages ?? []).join(',')}`,
        inputs,
        () => ({
          entityRef,
          configured: selector !== undefined,
          stages: views.map(v => v.status),
          generatedAt: new Date().toISOString(),
        }),
      );
    },
  };
}
