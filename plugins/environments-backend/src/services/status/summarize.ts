import type {
  PodSummary,
  RolloutState,
  WorkloadEvent,
  WorkloadStatus,
} from '@envportal/plugin-environments-common';
import { NamespaceCache } from '../cache';
import { WorkloadSnapshot } from './workloadSnapshot';

const MAX_EVENTS = 20;

export function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(colon + 1) : undefined;
}

function digestOf(imageID: string | undefined): string | undefined {
  const match = imageID?.match(/sha256:[a-f0-9]{64}/);
  return match?.[0];
}

export function podRestarts(pod: any): number {
  return (pod.status?.containerStatuses ?? []).reduce(
    (sum: number, c: any) => sum + (c.restartCount ?? 0),
    0,
  );
}

export function podReady(pod: any): boolean {
  return (pod.status?.conditions ?? []).some(
    (c: any) => c.type === 'Ready' && c.status === 'True',
  );
}

/** Rollout state as `kubectl rollout status` decides it. */
export function rolloutOf(deployment: any): {
  state: RolloutState;
  message?: string;
} {
  const spec = deployment.spec ?? {};
  const status = deployment.status ?? {};
  const desired = spec.replicas ?? 1;
  const progressing = (status.conditions ?? []).find(
    (c: any) => c.type === 'Progressing',
  );
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { state: 'failed', message: progressing.message };
  }
  if (
    (status.observedGeneration ?? 0) < (deployment.metadata.generation ?? 0)
  ) {
    return {
      state: 'progressing',
      message: 'waiting for the controller to observe the change',
    };
  }
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < desired) {
    return {
      state: 'progressing',
      message: `${updated} of ${desired} replicas updated`,
    };
  }
  if (total > updated) {
    return {
      state: 'progressing',
      message: `${total - updated} old replicas pending termination`,
    };
  }
  if (available < updated) {
    return {
      state: 'progressing',
      message: `${available} of ${updated} updated replicas available`,
    };
  }
  return { state: 'complete' };
}

export function summarizeWorkload(
  snapshot: WorkloadSnapshot,
): WorkloadStatus | undefined {
  const d = snapshot.deployment;
  if (!d) return undefined;
  const container = d.spec?.template?.spec?.containers?.[0];
  const image: string = container?.image ?? '';
  const digests = new Set(
    snapshot.pods
      .flatMap(p => p.status?.containerStatuses ?? [])
      .filter((c: any) => c.name === container?.name && c.image === image)
      .map((c: any) => digestOf(c.imageID))
      .filter(Boolean),
  );
  const rollout = rolloutOf(d);
  return {
    kind: 'Deployment',
    name: d.metadata.name,
    image,
    // Only a single digest is trustworthy; a mix means pods run different builds of the same tag.
    imageDigest: digests.size === 1 ? [...digests][0] : undefined,
    version:
      d.metadata.labels?.['app.kubernetes.io/version'] ?? imageTag(image),
    replicas: {
      desired: d.spec?.replicas ?? 1,
      ready: d.status?.readyReplicas ?? 0,
      updated: d.status?.updatedReplicas ?? 0,
      available: d.status?.availableReplicas ?? 0,
    },
    rollout: {
      ...rollout,
      revision: d.metadata.annotations?.['deployment.kubernetes.io/revision'],
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
  const rank = (p: any) => (podReady(p) ? 0 : 1_000_000) + podRestarts(p);
  const chosen = snapshot.pods
    .map((p, index) => ({ p, index, rank: rank(p) }))
    .sort((a, b) => b.rank - a.rank || a.index - b.index)
    .slice(0, limit)
    .map(x => x.p);
  return chosen.map(p => {
    const first = p.status?.containerStatuses?.[0];
    return {
      name: p.metadata.name,
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
      ? [`Deployment/${snapshot.deployment.metadata.name}`]
      : []),
    ...snapshot.replicaSets.map(r => `ReplicaSet/${r.metadata.name}`),
    ...snapshot.pods.map(p => `Pod/${p.metadata.name}`),
  ]);
  const lastSeen = (e: any) =>
    e.lastTimestamp ??
    e.eventTime ??
    e.series?.lastObservedTime ??
    e.metadata.creationTimestamp ??
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
