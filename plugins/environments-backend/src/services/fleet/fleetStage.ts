import type {
  FleetPromotion,
  FleetStage,
} from '@envportal/plugin-environments-common';
import {
  currentReplicaSet,
  deploymentRollout,
} from '@envportal/plugin-environments-node';
import {
  imageTag,
  KUBERNETES_ID_LABEL,
} from '@envportal/plugin-environments-common';
import type { CachedObject, NamespaceCache } from '../cache';
import type { WorkloadSelector } from '../entities';
import { namespaceIndex } from './namespaceIndex';

const DAY_MS = 86_400_000;

/** The entity's Deployment in the namespace: the one named after its kubernetes-id, else the first. */
function findDeployment(
  cache: NamespaceCache,
  selector: WorkloadSelector,
): CachedObject<'Deployment'> | undefined {
  const index = namespaceIndex(cache);
  // An id selector is a lookup; a label selector is matched against every Deployment.
  const candidates =
    selector.id !== undefined &&
    selector.description === `${KUBERNETES_ID_LABEL}=${selector.id}`
      ? index.deploymentsById.get(selector.id) ?? []
      : index.deployments;
  const mine = candidates.filter(d => selector.matches(d.metadata?.labels));
  return (
    mine.find(d => d.metadata?.name === selector.id) ??
    mine.sort((a, b) =>
      (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1,
    )[0]
  );
}

/** One cell of the fleet: what the cache holds now, without waiting for a cluster. */
export function fleetStage(
  stage: string,
  source: { cache: NamespaceCache } | { error: string },
  selector: WorkloadSelector,
): FleetStage {
  if ('error' in source) {
    return { stage, state: 'error', error: source.error, attention: [] };
  }
  const { cache } = source;
  const health = cache.health();
  if (!health.synced) {
    return {
      stage,
      state: 'error',
      error: health.errors[0] ?? 'the cluster has not answered yet',
      stale: true,
      attention: [],
    };
  }
  const deployment = findDeployment(cache, selector);
  if (!deployment) {
    return { stage, state: 'not-found', stale: health.stale, attention: [] };
  }
  const replicaSets =
    namespaceIndex(cache).replicaSetsByOwner.get(
      deployment.metadata?.uid ?? '',
    ) ?? [];
  const current = currentReplicaSet(deployment, replicaSets);
  const rollout = deploymentRollout(deployment, {
    currentReplicaSet: current,
  });
  const image = deployment.spec?.template?.spec?.containers?.[0]?.image ?? '';
  return {
    stage,
    state: health.stale && health.errors.length ? 'error' : 'ok',
    error: health.stale ? health.errors[0] : undefined,
    stale: health.stale,
    image,
    // what runs, as the tab says it: the image tag before a version label an image promotion leaves behind
    version:
      imageTag(image) ??
      deployment.metadata?.labels?.['app.kubernetes.io/version'] ??
      image,
    ready: deployment.status?.readyReplicas ?? 0,
    desired: deployment.spec?.replicas ?? 1,
    rollout: rollout.state,
    rolloutMessage: rollout.message,
    since: toIso(current?.metadata?.creationTimestamp),
    attention: [],
  };
}

function toIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return new Date(value).toISOString();
}

/** Settings of what makes a stage "need attention". */
export type AttentionRules = {
  /** The last stage lagging the one before it for longer than this is flagged. */
  lastStageLagDays: number;
};

export const DEFAULT_ATTENTION_RULES: AttentionRules = { lastStageLagDays: 7 };

/**
 * Fills in, for a row's cells in promotion order, how far each stage lags the one before and why a
 * stage needs attention. `active` are the entity's promotions in flight or waiting.
 */
export function completeRow(
  cells: FleetStage[],
  active: FleetPromotion[],
  now: number,
  rules: AttentionRules = DEFAULT_ATTENTION_RULES,
): FleetStage[] {
  return cells.map((cell, i) => {
    const attention: string[] = [];
    const previous = i > 0 ? cells[i - 1] : undefined;
    let behind: FleetStage['behind'];
    if (
      previous?.state === 'ok' &&
      previous.version &&
      (cell.state === 'ok' || cell.state === 'not-found') &&
      previous.version !== cell.version
    ) {
      const since = previous.since ? Date.parse(previous.since) : now;
      behind = {
        version: previous.version,
        since: previous.since,
        days: Math.max(0, Math.floor((now - since) / DAY_MS)),
      };
      if (i === cells.length - 1 && behind.days > rules.lastStageLagDays) {
        attention.push(
          `${behind.days} days behind ${previous.stage} (${previous.version})`,
        );
      }
    }
    if (cell.state === 'error') {
      attention.push(cell.error ?? 'the cluster could not be read');
    }
    if (cell.drift?.state === 'drifted') {
      attention.push(
        `drifted: runs ${cell.drift.actualImage ?? 'nothing'}, promoted ${
          cell.drift.expectedImage
        }`,
      );
    }
    if (cell.rollout === 'failed') {
      attention.push(`rollout stuck: ${cell.rolloutMessage ?? 'failed'}`);
    } else if (
      cell.state === 'ok' &&
      cell.rollout === 'complete' &&
      (cell.ready ?? 0) < (cell.desired ?? 0)
    ) {
      attention.push(`${cell.ready} of ${cell.desired} replicas ready`);
    }
    return {
      ...cell,
      behind,
      promotion: active.find(p => p.to === cell.stage),
      attention,
    };
  });
}
