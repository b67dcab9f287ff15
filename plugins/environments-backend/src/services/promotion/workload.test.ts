import { NamespaceCache } from '../cache/types';
import { rolloutProgress } from './workload';

/** A namespace cache holding fixed objects, as the informers would after a sync. */
function cacheWith(objects: Record<string, any[]>): NamespaceCache {
  return {
    clusterName: 'local',
    namespace: 'staging',
    list: (kind: string) => objects[kind] ?? [],
    get: (kind: string, name: string) =>
      (objects[kind] ?? []).find(o => o.metadata.name === name),
    has: () => true,
    waitForSync: async () => true,
    health: () => ({} as any),
    listCalls: () => 0,
    version: () => 1,
  } as unknown as NamespaceCache;
}

const image = 'registry.local/express-service:1.2.0';

function deployment(
  generation: number,
  observedGeneration: number,
  reason: string,
  rsName = 'express-service-abc',
) {
  return {
    metadata: {
      name: 'express-service',
      uid: 'd1',
      generation,
      annotations: { 'deployment.kubernetes.io/revision': '3' },
    },
    spec: {
      replicas: 2,
      template: { spec: { containers: [{ name: 'app', image }] } },
    },
    status: {
      observedGeneration,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
      conditions: [
        {
          type: 'Progressing',
          reason,
          message: `ReplicaSet "${rsName}" has timed out progressing.`,
        },
      ],
    },
  };
}

const replicaSet = {
  metadata: {
    name: 'express-service-abc',
    ownerReferences: [{ uid: 'd1' }],
    annotations: { 'deployment.kubernetes.io/revision': '3' },
  },
  status: { readyReplicas: 2 },
};

describe('rolloutProgress', () => {
  const cache = cacheWith({ ReplicaSet: [replicaSet] });

  it('fails a rollout whose observed generation exceeded its progress deadline', () => {
    const progress = rolloutProgress(
      cache,
      deployment(4, 4, 'ProgressDeadlineExceeded'),
      image,
      'app',
    );
    expect(progress.state).toBe('failed');
  });

  it('ignores a deadline condition left from a generation the controller has not observed yet', () => {
    // Right after a rollback patch: generation 5 written, the condition still speaks of generation 4.
    const progress = rolloutProgress(
      cache,
      deployment(5, 4, 'ProgressDeadlineExceeded'),
      image,
      'app',
    );
    expect(progress.state).toBe('progressing');
  });

  it('ignores a deadline that names the ReplicaSet a rollback abandoned', () => {
    // Rolled back to express-service-abc; the condition still speaks of the failed ReplicaSet.
    const progress = rolloutProgress(
      cache,
      deployment(5, 5, 'ProgressDeadlineExceeded', 'express-service-bad'),
      image,
      'app',
    );
    expect(progress.state).not.toBe('failed');
  });

  it('ignores a deadline while the cache still shows the template a rollback replaced', () => {
    // The rollback to 1.2.0 is patched, but the cached Deployment still has the failed image.
    const progress = rolloutProgress(
      cache,
      deployment(4, 4, 'ProgressDeadlineExceeded'),
      'registry.local/express-service:1.1.0',
      'app',
    );
    expect(progress.state).toBe('progressing');
  });

  it('completes once the new generation is observed with every replica updated and available', () => {
    const progress = rolloutProgress(
      cache,
      deployment(5, 5, 'NewReplicaSetAvailable'),
      image,
      'app',
    );
    expect(progress).toMatchObject({ state: 'complete', updated: 2, ready: 2 });
  });
});
