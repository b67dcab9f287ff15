import {
  imageTag,
  PodSummary,
  RolloutState,
  WorkloadEvent,
  WorkloadStatus,
} from '@envportal/plugin-environments-common';
import {
  currentReplicaSet,
  deploymentRollout,
} from '@envportal/plugin-environments-node';
import type { CachedObject, NamespaceCache } from '../cache';
import { WorkloadSnapshot } from './workloadSnapshot';

const MAX_EVENTS = 20;

type Pod = CachedObject<'Pod'>;

function digestOf(imageID: string | undefined): string | undefined {
  const match = imageID?.match(/sha256:[a-f0-9]{64}/);
  return match?.[0];
}

export function podRestarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce(
    (sum, c) => sum + (c.restartCount ?? 0),
    0,
  );
}

export function podReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some(
    c => c.type === 'Ready' && c.status === 'True',
  );
}

/** The Deployment's rollout by the shared rule, judged against its current ReplicaSet. */
export function rolloutOf(snapshot: WorkloadSnapshot): {
  state: RolloutState;
  message?: string;
} {
  const deployment = snapshot.deployment;
  if (!deployment) return { state: 'unknown' };
  const rollout = deploymentRollout(deployment, {
    currentReplicaSet: currentReplicaSet(deployment, snapshot.replicaSets),
  });
  return { state: rollout.state, message: rollout.message };
}

export function summarizeWorkload(
  snapshot: WorkloadSnapshot,
): WorkloadStatus | undefined {
  const d = snapshot.deployment;
  if (!d) return undefined;
  const container = d.spec?.template?.spec?.containers?.[0];
  const image = container?.image ?? '';
  const digests = new Set(
    snapshot.pods
      .flatMap(p => p.status?.containerStatuses ?? [])
      .filter(c => c.name === container?.name && c.image === image)
      .map(c => digestOf(c.imageID))
      .filter(Boolean),
  );
  const rollout = rolloutOf(snapshot);
  return {
    kind: 'Deployment',
    name: d.metadata?.name ?? '',
    image,
    // Only a single digest is trustworthy; a mix means pods run different builds of the same tag.
    imageDigest: digests.size === 1 ? [...digests][0] : undefined,
    version:
      d.metadata?.labels?.['app.kubernetes.io/version'] ?? imageTag(image),
    replicas: {
      desired: d.spec?.replicas ?? 1,
      ready: d.status?.readyReplicas ?? 0,
      updated: d.status?.updatedReplicas ?? 0,
      available: d.status?.availableReplicas ?? 0,
    },
    rollout: {
      ...rollout,
      revision: d.metadata?.annotations?.['deployment.kubernetes.io/revision'],
    },
  };
}

/** Default of `environments.statusPodLimit`: pods listed per stage; `podCount` says how many there are. */
export const DEFAULT_STATUS_POD_LIMIT = 100;

/** The pods worth looking at first: not ready, then most restarts, then by name. */
export function summarizePods(
  snapshot: WorkloadSnapshot,
  limit = DEFAULT_STATUS_POD_LIMIT,
): PodSummary[] {
  const rank = (p: Pod) => (podReady(p) ? 0 : 1_000_000) + podRestarts(p);
  const chosen = snapshot.pods
    .map((p, index) => ({ p, index, rank: rank(p) }))
    .sort((a, b) => b.rank - a.rank || a.index - b.index)
    .slice(0, limit)
    .map(x => x.p);
  return chosen.map(p => {
    const first = p.status?.containerStatuses?.[0];
    return {
      name: p.metadata?.name ?? '',
      phase: p.status?.phase ?? 'Unknown',
      ready: podReady(p),
      restarts: podRestarts(p),
      node: p.spec?.nodeName,
      image: p.spec?.containers?.[0]?.image,
      imageDigest: digestOf(first?.imageID),
      startedAt: p.status?.startTime,
    };
  });
}

/** Recent Warning events about the Deployment, its ReplicaSets and its pods, newest first. */
export function recentWarnings(
  cache: NamespaceCache,
  snapshot: WorkloadSnapshot,
): WorkloadEvent[] {
  const names = new Set<string>([
    ...(snapshot.deployment
      ? [`Deployment/${snapshot.deployment.metadata?.name}`]
      : []),
    ...snapshot.replicaSets.map(r => `ReplicaSet/${r.metadata?.name}`),
    ...snapshot.pods.map(p => `Pod/${p.metadata?.name}`),
  ]);
  const lastSeen = (e: CachedObject<'Event'>) =>
    e.lastTimestamp ??
    e.eventTime ??
    e.series?.lastObservedTime ??
    e.metadata?.creationTimestamp ??
    '';
  return cache
    .list('Event')
    .filter(
      e =>
        e.type === 'Warning' &&
        names.has(`${e.involvedObject?.kind}/${e.involvedObject?.name}`),
    )
    .sort((a, b) => (String(lastSeen(b)) < String(lastSeen(a)) ? -1 : 1))
    .slice(0, MAX_EVENTS)
    .map(e => ({
      type: 'Warning' as const,
      reason: e.reason ?? '',
      message: String(e.message ?? '').slice(0, 1000),
      object: `${e.involvedObject.kind}/${e.involvedObject.name}`,
      count: e.count ?? e.series?.count ?? 1,
      lastSeen: String(lastSeen(e)),
    }));
}
