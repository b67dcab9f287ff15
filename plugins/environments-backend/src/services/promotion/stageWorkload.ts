import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  WorkloadSelector,
  workloadOwnershipProblem,
  workloadSelectorFor,
} from '../entities';
import { stageSettings } from './settings';
import { PromotionServiceDeps } from './types';
import { matchingDeployments, snapshotOf, WorkloadSnapshot } from './workload';

const CACHE_SYNC_TIMEOUT_MS = 5000;

/** The entity's workload selector; an entity without one cannot be promoted. */
export function selectorOf(entity: Entity): WorkloadSelector {
  const selector = workloadSelectorFor(entity);
  if (!selector) {
    throw new InputError(
      `${stringifyEntityRef(
        entity,
      )} has no backstage.io/kubernetes-id or kubernetes-label-selector annotation`,
    );
  }
  return selector;
}

/** A stage's target and its namespace cache, once that has synced (or the wait ran out). */
export async function stageCache(deps: PromotionServiceDeps, stage: string) {
  const target = deps.registry.forStage(stage);
  const cache = deps.workloadCache.namespace(
    target.clusterName,
    target.namespace,
  );
  await cache.waitForSync(CACHE_SYNC_TIMEOUT_MS);
  return { target, cache };
}

/**
 * The entity's workload in a stage, read from the cache, or undefined when none runs there. Throws
 * NotAllowedError when the workload the selector finds is not the entity's own (see
 * workloadOwnershipProblem), so no answer and no change is ever about another entity's Deployment.
 */
export async function readStageWorkload(
  deps: PromotionServiceDeps,
  entity: Entity,
  stage: string,
  selector: WorkloadSelector,
): Promise<WorkloadSnapshot | undefined> {
  const { target, cache } = await stageCache(deps, stage);
  const [deployment] = matchingDeployments(cache, selector);
  if (!deployment) return undefined;
  const problem = workloadOwnershipProblem(entity, target.namespace, {
    kind: 'Deployment',
    metadata: deployment.metadata,
  });
  if (problem) throw new NotAllowedError(problem);
  return snapshotOf(
    cache,
    deployment,
    stageSettings(deps.settings, stage).container,
  );
}

/**
 * Refuses an entity whose `backstage.io/kubernetes-id` another entity claims too: the workloads
 * labelled with it cannot be attributed to either, so neither may change them.
 */
export async function assertSoleClaimant(
  deps: PromotionServiceDeps,
  entity: Entity,
): Promise<void> {
  const others = await deps.entities.otherClaimants(entity);
  if (others.length > 0) {
    throw new NotAllowedError(
      `${stringifyEntityRef(
        entity,
      )} shares its backstage.io/kubernetes-id with ${others.join(
        ', ',
      )}; its workloads cannot be attributed to one entity, so none may change them`,
    );
  }
}

/** The `<cluster>/<namespace>/<deployment>` key of a workload, as the in-flight lock holds it. */
export function workloadKey(
  deps: PromotionServiceDeps,
  stage: string,
  deployment: string,
): string {
  const target = deps.registry.forStage(stage);
  return `${target.clusterName}/${target.namespace}/${deployment}`;
}
