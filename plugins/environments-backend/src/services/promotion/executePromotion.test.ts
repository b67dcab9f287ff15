import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { getEventListeners } from 'node:events';
import {
  NewPromotion,
  PromotionStore,
  StoredPromotion,
} from '../../database/PromotionStore';
import { actorOf } from './audit';
import { executePromotion, ExecutionContext } from './executePromotion';
import { selectorOf } from './stageWorkload';
import { ApplyResult, PromotionStrategy, StrategyTarget } from './strategies';
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
  ordersPromotion,
  passingChecklist,
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
  const { promotion } = await store.insert(ordersPromotion(overrides), LEASE);
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

/** Notes each time the soak's gate check computes the checklist: when, and with whose view. */
function checklistChecks(bed: Testbed) {
  const checks: Array<{ at: number; viewer: string }> = [];
  bed.deps.checklist = {
    async forStage(entity, stage, options) {
      checks.push({ at: Date.now(), viewer: actorOf(options.credentials) });
      return passingChecklist.forStage(entity, stage, options);
    },
  };
  return checks;
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
    // An env set by hand during the soak is drift from what the rollout left, not the new baseline.
    bed.cluster.setsEnv('staging', 'DEBUG_BY_HAND', '1');

    const finished = await toEnd(started);
    expect(finished).toMatchObject({ state: 'succeeded', error: undefined });
    const stored = await bed.store.get(promotion.id);
    expect(stored).toMatchObject({ state: 'succeeded', error: undefined });
    // 5 s of rollout, then the 30 s soak (checked once a second).
    expect(stored!.durationMs).toBeGreaterThanOrEqual(35_000);
    expect(stored!.durationMs).toBeLessThan(37_000);
    expect(stored!.leaseExpiresAt).toBeUndefined();
    expect(await bed.store.findInFlight(ORDERS, 'staging')).toBeUndefined();
    const [expected] = await bed.store.lastChanges([ORDERS]);
    expect(expected.config?.entries).not.toHaveProperty('env DEBUG_BY_HAND');
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
    expect(bed.audit.events[0].meta).toMatchObject({ strategy: 'image' });
    expect(new Set(bed.audit.events.map(e => e.severity))).toEqual(
      new Set(['medium']),
    );
    expect(bed.fakeStrategy.calls).toHaveLength(1);
    expect(bed.cluster.imageIn('staging')).toBe(AFTER);
    // Every line of the run's log names the promotion; the last says how it ended.
    expect(bed.logger.child).toHaveBeenCalledWith({
      promotionId: promotion.id,
      entityRef: ORDERS,
    });
    expect(bed.logger.info).toHaveBeenCalledWith('promotion succeeded');
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
    expect(finished!.summary).toBe(
      'orders 1.1.0 → 1.2.0 promoted dev → staging by default/alice. Gates 0/0 passed; risk low. Result: succeeded in 0 s.',
    );
    expect(auditLog(bed)).toEqual([
      'promotion-started: succeeded',
      'promotion-rolled-out: succeeded',
      'promotion-succeeded: succeeded',
    ]);
    expect(bed.audit.events[2].meta).toMatchObject({ durationMs: 0 });
  });

  it('upgrades with helm a Deployment whose chart named the container differently', async () => {
    const bed = await testbed(cluster => fakeHelmStrategy(cluster));
    bed.cluster.renamesContainer('staging', 'web');
    const promotion = await recorded(bed.store, { strategy: 'helm' });
    const started = start(bed, promotion);

    await elapse(5_000);
    bed.fakeStrategy.succeed();

    expect(await toEnd(started)).toMatchObject({ state: 'succeeded' });
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([AFTER]);
  });

  it('audits a change to production at high severity', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes']),
    );
    bed.cluster.runs('prod', BEFORE);
    const promotion = await recorded(bed.store, {
      from: 'staging',
      to: 'prod',
      workloadKey: `local/prod/${DEPLOYMENT}`,
    });

    expect(await toEnd(start(bed, promotion))).toMatchObject({
      state: 'succeeded',
    });
    expect(bed.audit.events.map(e => `${e.eventId}: ${e.severity}`)).toEqual([
      'promotion-started: high',
      'promotion-rolled-out: high',
      'promotion-soak-passed: high',
      'promotion-succeeded: high',
    ]);
  });

  it('renews its lease every third of the lease, carries on when a renewal fails, and stops renewing when it ends', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes']),
    );
    const renewals = jest
      .spyOn(bed.store, 'renewLease')
      .mockRejectedValueOnce(new Error('SQLITE_BUSY: database is locked'));
    const promotion = await recorded(bed.store);
    const shutdown = new AbortController();

    const finished = await toEnd(
      start(bed, promotion, { stop: shutdown.signal }),
    );

    expect(finished!.state).toBe('succeeded');
    // The 30 s soak: renewed at 10, 20 and 30 s; the first renewal failed, which is only logged.
    expect(renewals).toHaveBeenCalledTimes(3);
    expect(bed.logger.warn).toHaveBeenCalledWith(
      `lease of ${promotion.id} not renewed: Error: SQLITE_BUSY: database is locked`,
    );
    await elapse(60_000);
    expect(renewals).toHaveBeenCalledTimes(3);
    // A replica runs many promotions: none may leave a listener on its shutdown signal.
    expect(getEventListeners(shutdown.signal, 'abort')).toEqual([]);
  });

  it('goes on when the audit log cannot be written, and says so in the log', async () => {
    const bed = await testbed(
      cluster => fakeImageStrategy(cluster, ['completes']),
      { soakSeconds: 0 },
    );
    bed.audit.auditor.createEvent.mockRejectedValueOnce(
      new Error('audit sink unavailable'),
    );
    const promotion = await recorded(bed.store);

    expect(await toEnd(start(bed, promotion))).toMatchObject({
      state: 'succeeded',
    });
    expect(bed.logger.warn).toHaveBeenCalledWith(
      'audit event started not written: Error: audit sink unavailable',
    );
    expect(auditLog(bed)).toEqual([
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

  it("fails with the API server's answer when the Deployment was deleted from the stage", async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, [
        new Error('deployments.apps "orders" not found'),
      ]),
    );
    const promotion = await recorded(bed.store);
    bed.cluster.deletes('staging');

    expect(await toEnd(start(bed, promotion))).toMatchObject({
      state: 'failed',
      error: 'deployments.apps "orders" not found',
    });
    expect(auditLog(bed)).toEqual(['promotion-failed: failed']);
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
    expect(bed.logger.warn).toHaveBeenCalledWith(`rolling back: ${reason}`);
    expect(bed.logger.info).toHaveBeenCalledWith('promotion rolled-back');
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
    expect(bed.audit.events[1]).toMatchObject({
      eventId: 'promotion-failed',
      meta: { imageBefore: '', imageAfter: AFTER },
    });
  });

  it('fails a manual rollback that does not roll out, without returning to the image it left', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['exceeds-deadline']),
    );
    bed.cluster.rollOut('staging', AFTER, 'completes');
    const promotion = await recorded(bed.store, {
      kind: 'rollback',
      from: 'staging',
      imageBefore: AFTER,
      imageAfter: BEFORE,
    });

    expect(await toEnd(start(bed, promotion))).toMatchObject({
      state: 'failed',
      error:
        'progress deadline exceeded: ReplicaSet "orders-3" has timed out progressing.; no earlier version to return to',
    });
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([BEFORE]);
    expect(auditLog(bed)).toEqual([
      'rollback-started: succeeded',
      'rollback-failed: failed',
    ]);
  });

  it('keeps cluster addresses out of the reason it rolled back for', async () => {
    const bed = await testbed(cluster => fakeHelmStrategy(cluster));
    const promotion = await recorded(bed.store, { strategy: 'helm' });
    const started = start(bed, promotion);

    await elapse(1_000);
    bed.fakeStrategy.fail(
      'UPGRADE FAILED: Get "https://10.0.0.1:6443/apis/apps/v1/namespaces/staging/deployments/orders": dial tcp 10.0.0.1:6443: i/o timeout',
    );

    const reason =
      'UPGRADE FAILED: Get "[address]": dial tcp [address]: i/o timeout';
    const finished = await toEnd(started);
    expect(finished).toMatchObject({
      state: 'rolled-back',
      rollback: { reason },
    });
    expect(finished!.summary).toContain(reason);
    expect(bed.audit.events[1]).toMatchObject({
      eventId: 'promotion-rolled-back',
      error: reason,
    });
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

  it.each([
    [
      'someone sets another image by hand',
      (cluster: FakeCluster) =>
        cluster.rollOut(
          'staging',
          'registry.local/orders:1.2.0-hotfix',
          'completes',
        ),
    ],
    [
      'another chart version renames the container',
      (cluster: FakeCluster) => cluster.renamesContainer('staging', 'web'),
    ],
  ])(
    'rolls back when the Deployment no longer runs the promoted image: %s',
    async (_change, change) => {
      const bed = await testbed(cluster =>
        fakeImageStrategy(cluster, ['completes', 'completes']),
      );
      const promotion = await recorded(bed.store);
      const started = start(bed, promotion);

      await elapse(10_000);
      change(bed.cluster);
      await elapse(1_000);

      expect(started.ended()).toBe(true);
      expect(await started.run).toMatchObject({
        state: 'rolled-back',
        rollback: {
          reason: `verification failed: the Deployment no longer runs ${AFTER}`,
        },
      });
      expect(bed.cluster.imageIn('staging')).toBe(BEFORE);
    },
  );

  it('fails, naming both problems, when the Deployment is deleted during it', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, [
        'completes',
        new Error('deployments.apps "orders" not found'),
      ]),
    );
    const promotion = await recorded(bed.store);
    const started = start(bed, promotion);

    await elapse(10_000);
    bed.cluster.deletes('staging');

    expect(await toEnd(started)).toMatchObject({
      state: 'failed',
      error: `verification failed: the Deployment no longer runs ${AFTER}; rollback failed: deployments.apps "orders" not found`,
    });
  });

  it('carries on when the cluster can be read again within 5 s', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes']),
    );
    const promotion = await recorded(bed.store);
    const started = start(bed, promotion);

    await elapse(3_000);
    bed.cluster.watchFails('staging', 'watch of staging: connection reset');
    // Unread at the checks from 4 s to 9 s: 5 s, not more.
    await elapse(6_000);
    bed.cluster.watchRecovers('staging');

    expect(await toEnd(started)).toMatchObject({ state: 'succeeded' });
  });

  it('rolls back when no watch of the cluster runs', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes', 'completes']),
    );
    const promotion = await recorded(bed.store);
    const started = start(bed, promotion);

    await elapse(3_000);
    bed.cluster.watchStops('staging');

    expect(await toEnd(started)).toMatchObject({
      state: 'rolled-back',
      rollback: {
        reason:
          'verification failed: the cluster could not be read during the soak (watch not running)',
      },
    });
  });

  it('rolls back on a gate it cannot read at its end, but not on too little traffic', async () => {
    const quiet = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes']),
    );
    quiet.traffic.requests = 10;
    expect(
      await toEnd(start(quiet, await recorded(quiet.store))),
    ).toMatchObject({ state: 'succeeded' });

    const unread = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes', 'completes']),
    );
    unread.traffic.latencyP95Seconds = undefined;
    expect(
      await toEnd(start(unread, await recorded(unread.store))),
    ).toMatchObject({
      state: 'rolled-back',
      rollback: {
        reason:
          'verification failed: latency-p95: unknown (no latency histogram in Prometheus)',
      },
    });
  });

  it('judges the metrics over the whole soak when it lasts longer than a minute', async () => {
    const bed = await testbed(
      cluster => fakeImageStrategy(cluster, ['completes', 'completes']),
      { soakSeconds: 120 },
    );
    bed.traffic.errors = 50;

    const finished = await toEnd(start(bed, await recorded(bed.store)));

    expect(finished!.rollback!.reason).toMatch(
      /^verification failed: error-rate: fail \(5\.00 % of 1000 requests failed \(5xx\) in 2 min\)/,
    );
  });

  it("computes the checklist with the requester's view, and a resumed run with the plugin's own", async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes']),
    );
    const checks = checklistChecks(bed);
    await toEnd(start(bed, await recorded(bed.store)));

    const second = await recorded(bed.store, { imageBefore: AFTER });
    await bed.store.update(
      second.id,
      { state: 'verifying', rolloutCompletedAt: new Date() },
      LEASE,
    );
    const resumed = (await bed.store.get(second.id))!;
    await toEnd(start(bed, resumed, { resume: true, credentials: undefined }));

    expect(checks.map(c => c.viewer)).toEqual([
      ALICE,
      expect.stringMatching(/^service:/),
    ]);
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

  /**
   * Runs a promotion whose rollout misses its deadline until its rollback is applied, then shuts
   * this replica down; the rollback is still rolling out.
   */
  async function stoppedMidRollback(
    bed: Awaited<
      ReturnType<typeof testbed<ReturnType<typeof fakeImageStrategy>>>
    >,
  ) {
    const promotion = await recorded(bed.store);
    const shutdown = new AbortController();
    const started = start(bed, promotion, { stop: shutdown.signal });
    await elapse(1_000);
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([AFTER, BEFORE]);
    shutdown.abort();
    await jest.advanceTimersByTimeAsync(0);
    expect(await started.run).toBeUndefined();
    return promotion;
  }

  it('hands a rollback in progress over when this replica shuts down, instead of failing it', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['exceeds-deadline', 'stalls']),
    );
    const promotion = await stoppedMidRollback(bed);

    expect(await bed.store.get(promotion.id)).toMatchObject({
      state: 'running',
      ownerId: LEASE.owner,
      error: undefined,
      finishedAt: undefined,
    });
    expect(await bed.store.findInFlight(ORDERS, 'staging')).toBeDefined();
    expect(auditLog(bed)).toEqual(['promotion-started: succeeded']);
  });

  it('goes on rolling back where a stopped replica left a rollback, never applying the failed image again', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['exceeds-deadline', 'stalls', 'completes']),
    );
    const promotion = await stoppedMidRollback(bed);

    await anotherReplicaTakesOver(bed.store);
    const claimed = (await bed.store.get(promotion.id))!;
    expect(claimed.rollback?.reason).toMatch(/progress deadline/);
    const resumed = executePromotion(bed.deps, {
      promotion: claimed,
      lease: REPLICA_B,
      entity: ordersEntity,
      selector: selectorOf(ordersEntity),
      resume: true,
    });
    await elapse(1_000);
    // The rollback the stopped replica applied is still rolling out: nothing is applied again.
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([AFTER, BEFORE]);
    bed.cluster.finishRollout('staging');

    expect(await resumed).toMatchObject({
      state: 'rolled-back',
      rollback: { reason: claimed.rollback!.reason },
    });
    expect(bed.cluster.imageIn('staging')).toBe(BEFORE);
  });

  it('re-applies the earlier image when a resumed rollback finds the failed one in the template', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes']),
    );
    bed.cluster.rollOut('staging', AFTER, 'stalls');
    const promotion = await recorded(bed.store);
    // The stopped replica recorded the rollback and stopped before applying it.
    await bed.store.update(
      promotion.id,
      {
        state: 'running',
        rollback: { reason: 'rollout failed', at: new Date().toISOString() },
      },
      LEASE,
    );
    const resumed = (await bed.store.get(promotion.id))!;

    const finished = await toEnd(start(bed, resumed, { resume: true }));

    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([BEFORE]);
    expect(finished).toMatchObject({ state: 'rolled-back' });
    expect(bed.cluster.imageIn('staging')).toBe(BEFORE);
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

  it('stops at its next write when another replica took over before a renewal told it', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['stalls']),
    );
    const promotion = await recorded(bed.store);
    const started = start(bed, promotion);
    await elapse(1_000);

    await anotherReplicaTakesOver(bed.store);
    bed.cluster.finishRollout('staging');
    // Before the renewal at 10 s.
    await elapse(1_000);

    expect(started.ended()).toBe(true);
    expect(await started.run).toBeUndefined();
    expect(bed.logger.warn).toHaveBeenCalledWith(
      `progress not recorded: LeaseLostError: ${LEASE.owner} no longer owns promotion ${promotion.id}`,
    );
    expect(bed.logger.warn).toHaveBeenCalledWith(
      `promotion ${promotion.id}: lease lost to another replica; another replica finishes it`,
    );
    expect(await bed.store.get(promotion.id)).toMatchObject({
      state: 'running',
      ownerId: REPLICA_B.owner,
      rolloutCompletedAt: undefined,
    });
    expect(auditLog(bed)).toEqual(['promotion-started: succeeded']);
  });

  it('leaves the promotion to another replica when it shuts down while its patch is refused', async () => {
    let refuse: (error: Error) => void = () => undefined;
    const bed = await testbed(
      (): PromotionStrategy => ({
        name: 'image',
        apply: () =>
          new Promise<ApplyResult>((_, reject) => {
            refuse = reject;
          }),
      }),
    );
    const promotion = await recorded(bed.store);
    const shutdown = new AbortController();
    const started = start(bed, promotion, { stop: shutdown.signal });
    await elapse(1_000);

    shutdown.abort();
    refuse(new Error('request aborted'));
    await elapse(1_000);

    expect(started.ended()).toBe(true);
    expect(await started.run).toBeUndefined();
    expect(bed.logger.warn).toHaveBeenCalledWith(
      `promotion ${promotion.id}: this replica is shutting down; another replica finishes it`,
    );
    expect(await bed.store.get(promotion.id)).toMatchObject({
      state: 'running',
      ownerId: LEASE.owner,
      error: undefined,
      finishedAt: undefined,
    });
    expect(auditLog(bed)).toEqual([]);
  });
});

describe('a promotion taken over from a stopped replica', () => {
  it('continues a soak where it was, without applying anything', async () => {
    const bed = await testbed(cluster => fakeImageStrategy(cluster, []));
    bed.cluster.rollOut('staging', AFTER, 'completes');
    const promotion = await recorded(bed.store);
    // The stopped replica recorded the rollout complete 20.5 s ago.
    await bed.store.update(
      promotion.id,
      {
        state: 'verifying',
        rolloutCompletedAt: new Date(Date.now() - 20_500),
      },
      LEASE,
    );
    const resumed = (await bed.store.get(promotion.id))!;
    const checks = checklistChecks(bed);
    const resumedAt = Date.now();
    const started = start(bed, resumed, { resume: true });

    // 9.5 s of the soak are left, not 30; the gates are checked as soon as they have passed.
    await elapse(9_000);
    expect(started.ended()).toBe(false);
    expect(await toEnd(started)).toMatchObject({ state: 'succeeded' });
    expect(checks.map(c => c.at - resumedAt)).toEqual([9_500]);
    expect(bed.fakeStrategy.calls).toHaveLength(0);
    expect(auditLog(bed)).toEqual([
      'promotion-soak-passed: succeeded',
      'promotion-succeeded: succeeded',
    ]);
  });

  it('does not pass a soak that ran out while no replica watched it when the stage runs another image', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, ['completes']),
    );
    const promotion = await recorded(bed.store);
    await bed.store.update(
      promotion.id,
      { state: 'verifying', rolloutCompletedAt: new Date(Date.now() - 60_000) },
      LEASE,
    );
    // While no replica held it, someone put the old image back by hand.
    const resumed = (await bed.store.get(promotion.id))!;
    const finished = await toEnd(start(bed, resumed, { resume: true }));
    expect(bed.cluster.imageIn('staging')).toBe(BEFORE);
    expect(finished).toMatchObject({
      state: 'rolled-back',
      rollback: {
        reason: `verification failed: the Deployment no longer runs ${AFTER}`,
      },
    });
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

  /**
   * A helm promotion a stopped replica left as `left` says, resumed here with a helm strategy whose
   * settleInterrupted answers `settle`; `before` prepares the cluster first.
   */
  async function resumedHelm(
    settle: (target: StrategyTarget) => Promise<'undone' | 'idle'>,
    left: Parameters<PromotionStore['update']>[1],
    before: (cluster: FakeCluster) => void = () => undefined,
  ) {
    const bed = await testbed(cluster => ({
      ...fakeHelmStrategy(cluster),
      settleInterrupted: settle,
    }));
    before(bed.cluster);
    const promotion = await recorded(bed.store, { strategy: 'helm' });
    await bed.store.update(promotion.id, left, LEASE);
    const resumed = (await bed.store.get(promotion.id))!;
    return { bed, started: start(bed, resumed, { resume: true }) };
  }

  it('upgrades again once the strategy has undone a helm upgrade the stopped replica left pending', async () => {
    const settled: string[] = [];
    // The release was left pending-upgrade; settling rolls it back to what ran before.
    const { bed, started } = await resumedHelm(
      async target => {
        settled.push(target.connection.namespace);
        return 'undone';
      },
      { state: 'running' },
    );

    await elapse(1_000);
    expect(settled).toEqual(['staging']);
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([AFTER]);
    bed.fakeStrategy.succeed();

    expect(await toEnd(started)).toMatchObject({ state: 'succeeded' });
  });

  it('applies a helm rollback the stopped replica recorded but never started, once no helm operation is under way', async () => {
    // The release is deployed, not pending: no helm process is changing it.
    const { bed, started } = await resumedHelm(
      async () => 'idle',
      {
        state: 'verifying',
        rollback: {
          reason: 'verification failed: error rate 5 %',
          at: new Date().toISOString(),
        },
      },
      cluster => cluster.rollOut('staging', AFTER, 'completes'),
    );

    await elapse(1_000);
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([BEFORE]);
    bed.fakeStrategy.succeed();

    expect(await toEnd(started)).toMatchObject({ state: 'rolled-back' });
  });

  it('only watches a resumed helm upgrade found idle, which its own --atomic may have failed and undone', async () => {
    const { bed } = await resumedHelm(async () => 'idle', { state: 'running' });

    await elapse(5_000);
    // Staging still runs the earlier image; the failed version is not put out a second time.
    expect(bed.cluster.imageIn('staging')).toBe(BEFORE);
    expect(bed.fakeStrategy.calls).toEqual([]);
  });

  it('only watches when it cannot tell what the stopped replica left, and says so', async () => {
    const { bed } = await resumedHelm(
      async () => {
        throw new Error('helm: command not found');
      },
      {
        state: 'running',
        rollback: { reason: 'rollout failed', at: new Date().toISOString() },
      },
    );

    await elapse(5_000);
    expect(bed.fakeStrategy.calls).toEqual([]);
    expect(bed.logger.warn).toHaveBeenCalledWith(
      'could not tell what the previous run left: Error: helm: command not found',
    );
  });

  it('watches the patch the stopped replica made instead of patching again', async () => {
    const bed = await testbed(cluster => fakeImageStrategy(cluster, []));
    // A mesh proxy listed before the promoted container is not taken for it.
    bed.cluster.addsSidecar(
      'staging',
      'istio-proxy',
      'docker.io/istio/proxyv2:1.22.0',
    );
    bed.cluster.rollOut('staging', AFTER, 'stalls');
    const promotion = await recorded(bed.store);
    await bed.store.update(promotion.id, { state: 'running' }, LEASE);
    const resumed = (await bed.store.get(promotion.id))!;
    const started = start(bed, resumed, { resume: true });

    await elapse(5_000);
    bed.cluster.finishRollout('staging');

    expect(await toEnd(started)).toMatchObject({ state: 'succeeded' });
    expect(bed.fakeStrategy.calls).toHaveLength(0);
    expect(auditLog(bed)).toEqual([
      'promotion-rolled-out: succeeded',
      'promotion-soak-passed: succeeded',
      'promotion-succeeded: succeeded',
    ]);
  });

  it('runs the helm upgrade when the stopped replica never started it', async () => {
    const bed = await testbed(cluster => fakeHelmStrategy(cluster));
    const promotion = await recorded(bed.store, { strategy: 'helm' });
    const started = start(bed, promotion, { resume: true });

    await elapse(5_000);
    expect(bed.fakeStrategy.calls.map(c => c.image)).toEqual([AFTER]);
    bed.fakeStrategy.succeed();

    expect(await toEnd(started)).toMatchObject({ state: 'succeeded' });
    expect(bed.audit.events[0]).toMatchObject({
      eventId: 'promotion-started',
      meta: { strategy: 'helm' },
    });
  });

  it('fails a soak that ended while no replica ran it when the Deployment is gone', async () => {
    const bed = await testbed(cluster =>
      fakeImageStrategy(cluster, [
        new Error('deployments.apps "orders" not found'),
      ]),
    );
    bed.cluster.rollOut('staging', AFTER, 'completes');
    const promotion = await recorded(bed.store);
    await bed.store.update(
      promotion.id,
      {
        state: 'verifying',
        rolloutCompletedAt: new Date(Date.now() - 60_000),
      },
      LEASE,
    );
    bed.cluster.deletes('staging');
    const resumed = (await bed.store.get(promotion.id))!;

    expect(await toEnd(start(bed, resumed, { resume: true }))).toMatchObject({
      state: 'failed',
      error:
        'verification failed: the Deployment no longer runs registry.local/orders:1.2.0; rollback failed: deployments.apps "orders" not found',
    });
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
