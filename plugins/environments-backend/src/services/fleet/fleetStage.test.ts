import type { FleetStage } from '@envportal/plugin-environments-common';
import {
  CachedKind,
  CachedObject,
  CacheHealth,
  NamespaceCache,
} from '../cache';
import { parseLabelSelector, WorkloadSelector } from '../entities';
import { completeRow, fleetStage } from './fleetStage';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-30T12:00:00Z');
const selector: WorkloadSelector = {
  id: 'orders',
  description: 'app=orders',
  matches: parseLabelSelector('app=orders'),
};

function deployment(opts: {
  name?: string;
  labels?: Record<string, string>;
  image?: string;
  ready?: number;
  desired?: number;
}): CachedObject<'Deployment'> {
  return {
    metadata: {
      name: opts.name ?? 'orders',
      uid: `uid-${opts.name ?? 'orders'}`,
      generation: 2,
      labels: opts.labels ?? { app: 'orders' },
      annotations: { 'deployment.kubernetes.io/revision': '2' },
    },
    spec: {
      replicas: opts.desired ?? 2,
      selector: { matchLabels: { app: 'orders' } },
      template: {
        spec: {
          containers: [
            { name: 'app', image: opts.image ?? 'acme/orders:1.4.2' },
          ],
        },
      },
    },
    status: {
      observedGeneration: 2,
      replicas: opts.desired ?? 2,
      updatedReplicas: opts.desired ?? 2,
      readyReplicas: opts.ready ?? 2,
      availableReplicas: opts.ready ?? 2,
    },
  };
}

function replicaSet(
  owner: string,
  created: string,
): CachedObject<'ReplicaSet'> {
  return {
    metadata: {
      name: `${owner}-abc`,
      creationTimestamp: created,
      ownerReferences: [
        {
          uid: `uid-${owner}`,
          kind: 'Deployment',
          name: owner,
          apiVersion: 'apps/v1',
        },
      ],
      annotations: { 'deployment.kubernetes.io/revision': '2' },
    },
  };
}

function cacheOf(
  objects: Partial<Record<CachedKind, unknown[]>>,
  health: Partial<CacheHealth> = {},
): NamespaceCache {
  let version = 1;
  const list = <K extends CachedKind>(kind: K) =>
    (objects[kind] ?? []) as Array<CachedObject<K>>;
  return {
    clusterName: 'local',
    namespace: 'shop-dev',
    list,
    get: (kind, name) => list(kind).find(o => o.metadata?.name === name),
    has: () => true,
    waitForSync: async () => true,
    health: () => ({
      synced: true,
      stale: false,
      errors: [],
      kinds: [],
      ...health,
    }),
    listCalls: () => 0,
    version: () => version++,
  };
}

describe('fleetStage', () => {
  it("reads the entity's Deployment: version, replicas, rollout and since when it runs", () => {
    const cache = cacheOf({
      Deployment: [
        deployment({
          name: 'other',
          labels: { app: 'other' },
          image: 'acme/other:9',
        }),
        deployment({ ready: 1, desired: 2 }),
      ],
      ReplicaSet: [replicaSet('orders', '2026-11-20T08:00:00Z')],
    });
    expect(fleetStage('dev', { cache }, selector)).toEqual({
      stage: 'dev',
      state: 'ok',
      stale: false,
      error: undefined,
      image: 'acme/orders:1.4.2',
      version: '1.4.2',
      ready: 1,
      desired: 2,
      rollout: expect.any(String),
      rolloutMessage: expect.anything(),
      since: '2026-11-20T08:00:00.000Z',
      attention: [],
    });
  });

  it('says not-found, or the error, without waiting for a cluster', () => {
    expect(fleetStage('dev', { cache: cacheOf({}) }, selector).state).toBe(
      'not-found',
    );
    expect(
      fleetStage(
        'dev',
        {
          cache: cacheOf(
            {},
            { synced: false, errors: ['Pod: connection refused'] },
          ),
        },
        selector,
      ),
    ).toMatchObject({ state: 'error', error: 'Pod: connection refused' });
    expect(
      fleetStage('dev', { error: 'Unknown stage' }, selector),
    ).toMatchObject({
      state: 'error',
      error: 'Unknown stage',
    });
  });
});

describe('completeRow', () => {
  const cell = (stage: string, c: Partial<FleetStage>): FleetStage => ({
    stage,
    state: 'ok',
    rollout: 'complete',
    ready: 2,
    desired: 2,
    attention: [],
    ...c,
  });

  it('says how far each stage lags the one before, and flags a last stage lagging over a week', () => {
    const row = completeRow(
      [
        cell('dev', {
          version: '1.5.0',
          since: new Date(NOW - 2 * DAY).toISOString(),
        }),
        cell('staging', {
          version: '1.4.2',
          since: new Date(NOW - 9 * DAY).toISOString(),
        }),
        cell('prod', { version: '1.4.1' }),
      ],
      [],
      NOW,
    );
    expect(row.map(c => c.behind)).toEqual([
      undefined,
      {
        version: '1.5.0',
        since: new Date(NOW - 2 * DAY).toISOString(),
        days: 2,
      },
      {
        version: '1.4.2',
        since: new Date(NOW - 9 * DAY).toISOString(),
        days: 9,
      },
    ]);
    expect(row[1].attention).toEqual([]);
    expect(row[2].attention).toEqual(['9 days behind staging (1.4.2)']);
  });

  it('does not call a stage behind when both run the same version, or when the one before is unknown', () => {
    const row = completeRow(
      [
        cell('dev', { version: '1.4.2' }),
        cell('staging', { version: '1.4.2' }),
        cell('prod', {
          state: 'error',
          error: 'cluster down',
          version: undefined,
        }),
      ],
      [],
      NOW,
    );
    expect(row.map(c => c.behind)).toEqual([undefined, undefined, undefined]);
    expect(row[2].attention).toEqual(['cluster down']);
  });

  it('flags a stuck rollout and missing replicas, and shows the stage’s waiting promotion', () => {
    const row = completeRow(
      [
        cell('dev', {
          rollout: 'failed',
          rolloutMessage: 'ProgressDeadlineExceeded',
        }),
        cell('staging', { ready: 1 }),
        cell('prod', {}),
      ],
      [
        {
          id: 'p1',
          state: 'awaiting-approval',
          from: 'staging',
          to: 'prod',
          approvalsRequired: 2,
          approvalsGiven: 1,
        },
      ],
      NOW,
    );
    expect(row[0].attention).toEqual([
      'rollout stuck: ProgressDeadlineExceeded',
    ]);
    expect(row[1].attention).toEqual(['1 of 2 replicas ready']);
    expect(row[2].promotion).toMatchObject({ id: 'p1', approvalsGiven: 1 });
    expect(row[1].promotion).toBeUndefined();
  });
});
