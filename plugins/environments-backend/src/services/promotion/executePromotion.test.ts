import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import {
  NewPromotion,
  PromotionStore,
  StoredPromotion,
} from '../../database/PromotionStore';
import { executePromotion, ExecutionContext } from './executePromotion';
import { selectorOf } from './stageWorkload';
import { PromotionStrategy } from './strategies';
import {
  CONTAINER,
  DEPLOYMENT,
  FakeCluster,
  fakeCluster,
  fakeHelmStrategy,
  fakeImageStrategy,
} from './__testUtils__/fakeCluster';
import {
  ORDERS,
  ordersEntity,
  promotionTestbed,
} from './__testUtils__/promotionTestbed';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const ALICE = 'user:default/alice';
const LEASE = { owner: 'replica-a', durationMs: 30_000 };
const REPLICA_B = { owner: 'replica-b', durationMs: 30_000 };
const BEFORE = 'registry.local/orders:1.1.0';
const AFTER = 'registry.local/orders:1.2.0';
const SOAK_SECONDS = 30;
const ROLLOUT_TIMEOUT_SECONDS = 60;

async function testbed<S extends PromotionStrategy>(
  strategy: (cluster: FakeCluster) => S,
  stage: { soakSeconds?: number } = {},
) {
  const cluster = fakeCluster();
  cluster.runs('staging', BEFORE);
  const fakeStrategy = strategy(cluster);
  const bed = await promotionTestbed({
    databases,
    cluster,
    strategy: fakeStrategy,
    promotion: {
      leaseSeconds: LEASE.durationMs / 1000,
      stages: {
        staging: {
          soakSeconds: stage.soakSeconds ?? SOAK_SECONDS,
          rolloutTimeoutSeconds: ROLLOUT_TIMEOUT_SECONDS,
        },
      },
    },
  });
  return { ...bed, fakeStrategy };
}
type Testbed = Awaited<ReturnType<typeof testbed>>;

/** A promotion of orders from dev into staging as `create` records it, held by this replica. */
async function recorded(
  store: PromotionStore,
  overrides: Partial<NewPromotion> = {},
): Promise<StoredPromotion> {
  const { promotion } = await store.insert(
    {
      id: randomUUID(),
      kind: 'promotion',
      entityRef: ORDERS,
      from: 'dev',
      to: 'staging',
      strategy: 'image',
      deployment: DEPLOYMENT,
      container: CONTAINER,
      imageBefore: BEFORE,
      imageAfter: AFTER,
      gates: [],
      risk: { level: 'low', reasons: [] },
      requestedBy: ALICE,
      summary: 'orders 1.1.0 → 1.2.0 in staging',
      workloadKey: `local/staging/${DEPLOYMENT}`,
      ...overrides,
    },
    LEASE,
  );
  return promotion;
}

/** Starts a run in the background, as the service does, and tells when it has ended. */
function start(
  bed: Testbed,
  promotion: StoredPromotion,
  context: Partial<ExecutionContext> = {},
) {
  let ended = false;
  const run = executePromotion(bed.deps, {
    promotion,
    lease: LEASE,
    entity: ordersEntity,
    selector: selectorOf(ordersEntity),
    credentials: mockCredentials.user(ALICE),
    ...context,
  }).finally(() => {
    ended = true;
  });
  return { run, ended: () => ended };
}

/** Lets `ms` of fake time pass, with the timers due and the database work they start. */
async function elapse(ms: number) {
  for (let passed = 0; passed < ms; passed += 250) {
    await jest.advanceTimersByTimeAsync(Math.min(250, ms - passed));
  }
}

/** Lets fake time pass until the run ends (ten minutes at most). */
async function toEnd(started: ReturnType<typeof start>) {
  for (let i = 0; i < 2400 && !started.ended(); i++) {
    await jest.advanceTimersByTimeAsync(250);
  }
  expect(started.ended()).toBe(true);
  return started.run;
}

/** The audit log as an operator reads it: event names, each with its outcome. */
function auditLog(bed: Testbed) {
  return bed.audit.events.map(e => `${e.eventId}: ${e.outcome}`);
}

/** The lease runs out unrenewed (as when this replica stalls past it) and replica-b takes over. */
async function anotherReplicaTakesOver(store: PromotionStore) {
  await store.releaseLeases(LEASE);
  expect(await store.claimExpired(REPLICA_B)).toHaveLength(1);
}

beforeEach(() => {
  // Timers and Date are fake; the database driver's own ticks stay real.
  jest.useFakeTimers({
    now: new Date('2026-03-02T09:00:00Z'),
    doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
  });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('a promotion that goes well', () => {
  it('goes pending → running → verifying → succeeded, soaking from the moment the rollout completed', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['stalls']),
    );
    const promotion = await recorded(bed.store);
    expect(promotion.state).toBe('pending');
    const started = start(bed, promotion);

    await elapse(5_000);
    expect(await bed.store.get(promotion.id)).toMatchObject({
      state: 'running',
      progress: { desired: 2, updated: 0, ready: 0 },
    });
    expect(bed.fakeStrategy.calls).toEqual([
      {
        namespace: 'staging',
        deployment: DEPLOYMENT,
        container: CONTAINER,
        image: AFTER,
        cause: `promotion ${promotion.id} by ${ALICE}: dev → staging ${AFTER}`,
      },
    ]);

    bed.cluster.finishRollout('staging');
    await elapse(SOAK_SECONDS * 1000 - 2_000);
    const soaking = await bed.store.get(promotion.id);
    expect(soaking).toMatchObject({
      state: 'verifying',
      progress: { desired: 2, updated: 2, ready: 2 },
    });
    expect(soaking!.rolloutCompletedAt).toBe(
      new Date('2026-03-02T09:00:05Z').toISOString(),
    );

    const finished = await toEnd(started);
    expect(finished).toMatchObject({ state: 'succeeded', error: undefined });
    const stored = await bed.store.get(promotion.id);
    expect(stored).toMatchObject({ state: 'succeeded', error: undefined });
    // 5 s of rollout, then the 30 s soak (checked once a second).
    expect(stored!.durationMs).toBeGreaterThanOrEqual(35_000);
    expect(stored!.durationMs).toBeLessThan(37_000);
    expect(stored!.leaseExpiresAt).toBeUndefined();
    expect(await bed.store.findInFlight(ORDERS, 'staging')).toBeUndefined();
    expect(auditLog(bed)).toEqual([
      'promotion-started: succeeded',
      'promotion-rolled-out: succeeded',
      'promotion-soak-passed: succeeded',
      'promotion-succeeded: succeeded',
    ]);
    expect(new Set(bed.audit.events.map(e => e.actor))).toEqual(
      new Set([ALICE]),
    );
    expect(bed.audit.events[3].meta).toMatchObject({
      promotionId: promotion.id,
      imageBefore: BEFORE,
      imageAfter: AFTER,
    });
    expect(bed.fakeStrategy.calls).toHaveLength(1);
    expect(bed.cluster.imageIn('staging')).toBe(AFTER);
  });

  it('succeeds as soon as the rollout completes when the stage has no soak', async () => {
    const bed = await testbed(
      cluster => fakeImageStrategy(cluster, ['completes']),
      { soakSeconds: 0 },
    );
    const promotion = await recorded(bed.store);

    const finished = await toEnd(start(bed, promotion));

    expect(finished!.state).toBe('succeeded');
    expect(finished!.durationMs).toBe(0);
    expect(auditLog(bed)).toEqual([
      'promotion-started: succeeded',
      'promotion-rolled-out: succeeded',
      'promotion-succeeded: succeeded',
    ]);
  });

  it('does not soak a manual rollback, and audits it under its own name', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes']),
    );
    bed.cluster.rollOut('staging', AFTER, 'completes');
    const promotion = await recorded(bed.store, {
      kind: 'rollback',
      from: 'staging',
      imageBefore: AFTER,
      imageAfter: BEFORE,
    });

    const finished = await toEnd(start(bed, promotion));

    expect(finished!.state).toBe('succeeded');
    expect(finished!.durationMs).toBe(0);
    expect(auditLog(bed)).toEqual([
      'rollback-started: succeeded',
      'rollback-rolled-out: succeeded',
      'rollback-succeeded: succeeded',
    ]);
  });
});

describe('a promotion whose change cannot be applied', () => {
  it('fails without rolling anything back, and keeps cluster addresses out of the message', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, [
        new Error(
          'request to https://10.0.0.1:6443/apis/apps/v1/namespaces/staging/deployments/orders failed: 403 Forbidden',
        ),
      ]),
    );
    const promotion = await recorded(bed.store);

    const finished = await toEnd(start(bed, promotion));

    const stored = await bed.store.get(promotion.id);
    expect(finished!.state).toBe('failed');
    expect(stored!.state).toBe('failed');
    expect(stored!.error).toBe('request to [address] failed: 403 Forbidden');
    expect(bed.fakeStrategy.calls).toHaveLength(1);
    expect(bed.cluster.imageIn('staging')).toBe(BEFORE);
    // No `started`: nothing was changed.
    expect(auditLog(bed)).toEqual(['promotion-failed: failed']);
    expect(bed.audit.events[0]).toMatchObject({
      actor: ALICE,
      error: 'request to [address] failed: 403 Forbidden',
    });
    expect(await bed.store.findInFlight(ORDERS, 'staging')).toBeUndefined();
  });
});

describe('a rollout that does not complete', () => {
  it('is rolled back to the previous image when the controller reports the progress deadline exceeded', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['exceeds-deadline', 'completes']),
    );
    const promotion = await recorded(bed.store);

    const finished = await toEnd(start(bed, promotion));

    const reason =
      'progress deadline exceeded: ReplicaSet "orders-2" has timed out progressing.';
    expect(finished!.state).toBe('rolled-back');
    const stored = await bed.store.get(promotion.id);
    expect(stored).toMatchObject({
      state: 'rolled-back',
      error: undefined,
      rollback: { reason },
    });
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([AFTER, BEFORE]);
    expect(bed.fakeStrategy.calls[1].cause).toBe(
      `rollback of promotion ${promotion.id}: ${reason}`,
    );
    expect(bed.cluster.imageIn('staging')).toBe(BEFORE);
    expect(auditLog(bed)).toEqual([
      'promotion-started: succeeded',
      'promotion-rolled-back: failed',
    ]);
    expect(bed.audit.events[1]).toMatchObject({ actor: ALICE, error: reason });
  });

  it('is rolled back when readiness is not reached within the rollout timeout, not before', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['stalls', 'completes']),
    );
    const promotion = await recorded(bed.store);
    const started = start(bed, promotion);

    await elapse(ROLLOUT_TIMEOUT_SECONDS * 1000 - 2_000);
    expect((await bed.store.get(promotion.id))!.state).toBe('running');
    expect(bed.fakeStrategy.calls).toHaveLength(1);

    const finished = await toEnd(started);
    expect(finished).toMatchObject({
      state: 'rolled-back',
      rollback: {
        reason: `readiness not reached within ${ROLLOUT_TIMEOUT_SECONDS} s (0/2 new pods ready)`,
      },
    });
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([AFTER, BEFORE]);
    expect(bed.cluster.imageIn('staging')).toBe(BEFORE);
  });

  it('fails, naming both problems, when the rollback is refused too', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, [
        'exceeds-deadline',
        new Error('admission webhook "policy.example.com" denied the request'),
      ]),
    );
    const promotion = await recorded(bed.store);

    const finished = await toEnd(start(bed, promotion));

    const error =
      'progress deadline exceeded: ReplicaSet "orders-2" has timed out progressing.; rollback failed: admission webhook "policy.example.com" denied the request';
    expect(finished).toMatchObject({ state: 'failed', error });
    expect((await bed.store.get(promotion.id))!.rollback).toBeUndefined();
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([AFTER, BEFORE]);
    expect(auditLog(bed)).toEqual([
      'promotion-started: succeeded',
      'promotion-failed: failed',
    ]);
    expect(bed.audit.events[1].error).toBe(error);
  });

  it('fails when the rollback does not roll out either', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['exceeds-deadline', 'exceeds-deadline']),
    );
    const promotion = await recorded(bed.store);

    const finished = await toEnd(start(bed, promotion));

    expect(finished).toMatchObject({
      state: 'failed',
      error:
        'progress deadline exceeded: ReplicaSet "orders-2" has timed out progressing.; the rollback did not complete either: progress deadline exceeded: ReplicaSet "orders-3" has timed out progressing.',
    });
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([AFTER, BEFORE]);
  });

  it('fails without touching the cluster again when there is no earlier image to return to', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['exceeds-deadline']),
    );
    const promotion = await recorded(bed.store, { imageBefore: undefined });

    const finished = await toEnd(start(bed, promotion));

    expect(finished).toMatchObject({
      state: 'failed',
      error:
        'progress deadline exceeded: ReplicaSet "orders-2" has timed out progressing.; no earlier version to return to',
    });
    expect(bed.fakeStrategy.calls).toHaveLength(1);
  });

  it('with helm, takes the atomic rollback helm did as soon as helm reports it, and does not upgrade again', async () => {
    const bed = await testbed(cluster => fakeHelmStrategy(cluster));
    const promotion = await recorded(bed.store, { strategy: 'helm' });
    const started = start(bed, promotion);

    await elapse(10_000);
    bed.fakeStrategy.fail(
      'UPGRADE FAILED: release orders failed, and has been rolled back due to atomic being set: context deadline exceeded',
    );
    // Not at the end of the 60 s rollout timeout: helm has already said how it ended.
    await elapse(1_000);
    expect(started.ended()).toBe(true);
    const finished = await started.run;

    expect(finished).toMatchObject({
      state: 'rolled-back',
      rollback: {
        reason:
          'UPGRADE FAILED: release orders failed, and has been rolled back due to atomic being set: context deadline exceeded',
      },
    });
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([AFTER]);
    expect(bed.cluster.imageIn('staging')).toBe(BEFORE);
    expect(auditLog(bed)).toEqual([
      'promotion-started: succeeded',
      'promotion-rolled-back: failed',
    ]);
  });
});

describe('the soak', () => {
  it('rolls back at once when pods stop being ready during it', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes', 'completes']),
    );
    const promotion = await recorded(bed.store);
    const started = start(bed, promotion);

    await elapse(10_000);
    expect((await bed.store.get(promotion.id))!.state).toBe('verifying');
    bed.cluster.readyPods('staging', 1);
    await elapse(1_000);

    expect(started.ended()).toBe(true);
    const reason =
      'verification failed: only 1 of 2 pods ready during the soak';
    expect(await started.run).toMatchObject({
      state: 'rolled-back',
      rollback: { reason },
    });
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([AFTER, BEFORE]);
    expect(bed.cluster.imageIn('staging')).toBe(BEFORE);
    expect(auditLog(bed)).toEqual([
      'promotion-started: succeeded',
      'promotion-rolled-out: succeeded',
      'promotion-soak-failed: failed',
      'promotion-rolled-back: failed',
    ]);
    expect(bed.audit.events[2].error).toBe(
      'only 1 of 2 pods ready during the soak',
    );
    expect(new Set(bed.audit.events.map(e => e.actor))).toEqual(
      new Set([ALICE]),
    );
  });

  it('rolls back when the cluster cannot be read for more than 5 s of it', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes', 'completes']),
    );
    const promotion = await recorded(bed.store);
    const started = start(bed, promotion);

    await elapse(3_000);
    bed.cluster.watchFails('staging', 'watch of staging: connection reset');
    await elapse(5_000);
    expect(started.ended()).toBe(false);

    expect(await toEnd(started)).toMatchObject({
      state: 'rolled-back',
      rollback: {
        reason:
          'verification failed: the cluster could not be read during the soak (watch of staging: connection reset)',
      },
    });
  });

  it('rolls back when the gates fail at its end', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes', 'completes']),
    );
    const promotion = await recorded(bed.store);
    const started = start(bed, promotion);

    // The new version answers 5 % of its requests with a 5xx.
    bed.traffic.errors = 50;
    await elapse(SOAK_SECONDS * 1000 - 1_000);
    expect(bed.fakeStrategy.calls).toHaveLength(1);

    const finished = await toEnd(started);
    expect(finished!.state).toBe('rolled-back');
    expect(finished!.rollback!.reason).toMatch(
      /^verification failed: error-rate: fail \(5\.00 % of 1000 requests failed \(5xx\) in 1 min\); success-rate: fail/,
    );
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([AFTER, BEFORE]);
    expect(auditLog(bed)).toEqual([
      'promotion-started: succeeded',
      'promotion-rolled-out: succeeded',
      'promotion-soak-failed: failed',
      'promotion-rolled-back: failed',
    ]);
  });

  it('does not pass when the entity could not be read for the gate check', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes', 'completes']),
    );
    const promotion = await recorded(bed.store);

    const finished = await toEnd(
      start(bed, promotion, { entity: undefined, selector: undefined }),
    );

    expect(finished).toMatchObject({
      state: 'rolled-back',
      rollback: {
        reason:
          'verification failed: the entity could not be read from the catalog, so its gates could not be checked',
      },
    });
  });
});

describe('a run that loses its promotion', () => {
  it('stops at its next lease renewal during the rollout, and never rolls back what is now another replica’s', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['stalls', 'completes']),
    );
    const promotion = await recorded(bed.store);
    const started = start(bed, promotion);
    await elapse(1_000);

    await anotherReplicaTakesOver(bed.store);
    await elapse(LEASE.durationMs / 3);
    expect(started.ended()).toBe(true);
    expect(await started.run).toBeUndefined();

    // Well past the rollout timeout: this replica does nothing more.
    await elapse(ROLLOUT_TIMEOUT_SECONDS * 1000);
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([AFTER]);
    expect(await bed.store.get(promotion.id)).toMatchObject({
      state: 'running',
      ownerId: REPLICA_B.owner,
      finishedAt: undefined,
    });
    expect(auditLog(bed)).toEqual(['promotion-started: succeeded']);
  });

  it('stops during the soak without judging it', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes', 'completes']),
    );
    const promotion = await recorded(bed.store);
    const started = start(bed, promotion);
    await elapse(5_000);

    await anotherReplicaTakesOver(bed.store);
    await elapse(LEASE.durationMs / 3);
    expect(started.ended()).toBe(true);
    expect(await started.run).toBeUndefined();

    await elapse(SOAK_SECONDS * 1000);
    expect(await bed.store.get(promotion.id)).toMatchObject({
      state: 'verifying',
      ownerId: REPLICA_B.owner,
    });
    expect(bed.fakeStrategy.calls).toHaveLength(1);
    expect(auditLog(bed)).toEqual([
      'promotion-started: succeeded',
      'promotion-rolled-out: succeeded',
    ]);
  });

  it('hands a rollback in progress over when this replica shuts down, instead of failing it', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['exceeds-deadline', 'stalls']),
    );
    const promotion = await recorded(bed.store);
    const shutdown = new AbortController();
    const started = start(bed, promotion, { stop: shutdown.signal });
    await elapse(1_000);
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([AFTER, BEFORE]);

    shutdown.abort();
    await jest.advanceTimersByTimeAsync(0);

    expect(await started.run).toBeUndefined();
    expect(await bed.store.get(promotion.id)).toMatchObject({
      state: 'running',
      ownerId: LEASE.owner,
      error: undefined,
      finishedAt: undefined,
    });
    expect(await bed.store.findInFlight(ORDERS, 'staging')).toBeDefined();
    expect(auditLog(bed)).toEqual(['promotion-started: succeeded']);
  });

  it('stops at once when this replica shuts down, leaving the record as it was', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['stalls', 'completes']),
    );
    const promotion = await recorded(bed.store);
    const shutdown = new AbortController();
    const started = start(bed, promotion, { stop: shutdown.signal });
    await elapse(1_000);

    shutdown.abort();
    await jest.advanceTimersByTimeAsync(0);
    expect(started.ended()).toBe(true);
    expect(await started.run).toBeUndefined();

    await elapse(ROLLOUT_TIMEOUT_SECONDS * 1000);
    expect(await bed.store.get(promotion.id)).toMatchObject({
      state: 'running',
      ownerId: LEASE.owner,
    });
    expect(bed.fakeStrategy.calls).toHaveLength(1);
    expect(auditLog(bed)).toEqual(['promotion-started: succeeded']);
  });
});

describe('a promotion taken over from a stopped replica', () => {
  it('continues a soak where it was, without applying anything', async () => {
    const bed = await testbed(cluster => fakeImageStrategy(cluster, []));
    bed.cluster.rollOut('staging', AFTER, 'completes');
    const promotion = await recorded(bed.store);
    // The stopped replica recorded the rollout complete 20 s ago.
    await bed.store.update(
      promotion.id,
      {
        state: 'verifying',
        rolloutCompletedAt: new Date(Date.now() - 20_000),
      },
      LEASE,
    );
    const resumed = (await bed.store.get(promotion.id))!;
    const resumedAt = Date.now();
    const started = start(bed, resumed, { resume: true });

    // 10 s of the soak are left, not 30.
    await elapse(9_000);
    expect(started.ended()).toBe(false);
    expect(await toEnd(started)).toMatchObject({ state: 'succeeded' });
    expect(Date.now() - resumedAt).toBeLessThanOrEqual(11_000);
    expect(bed.fakeStrategy.calls).toHaveLength(0);
    expect(auditLog(bed)).toEqual([
      'promotion-soak-passed: succeeded',
      'promotion-succeeded: succeeded',
    ]);
  });

  it('watches a helm upgrade the stopped replica started instead of upgrading again', async () => {
    const bed = await testbed(cluster => fakeHelmStrategy(cluster));
    bed.cluster.rollOut('staging', AFTER, 'stalls');
    const promotion = await recorded(bed.store, { strategy: 'helm' });
    await bed.store.update(promotion.id, { state: 'running' }, LEASE);
    const resumed = (await bed.store.get(promotion.id))!;
    const started = start(bed, resumed, { resume: true });

    await elapse(5_000);
    bed.cluster.finishRollout('staging');

    expect(await toEnd(started)).toMatchObject({ state: 'succeeded' });
    expect(bed.fakeStrategy.calls).toHaveLength(0);
  });

  it('patches the image again when the stopped replica’s patch never reached the cluster', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes']),
    );
    const promotion = await recorded(bed.store);
    await bed.store.update(promotion.id, { state: 'running' }, LEASE);
    const resumed = (await bed.store.get(promotion.id))!;

    const finished = await toEnd(start(bed, resumed, { resume: true }));

    expect(finished!.state).toBe('succeeded');
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([AFTER]);
    expect(bed.cluster.imageIn('staging')).toBe(AFTER);
  });
});
