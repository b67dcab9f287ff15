import { servicesRequired } from '@envportal/test-utils';
import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import {
  LeaseLostError,
  NewPromotion,
  PromotionInFlightError,
  PromotionStore,
} from './PromotionStore';

// SQLite always; PostgreSQL when scripts/test.d/72-promotion-integration.sh (or the developer) exports
// BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING for a server on loopback.
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

function newPromotion(overrides: Partial<NewPromotion> = {}): NewPromotion {
  return {
    id: randomUUID(),
    kind: 'promotion',
    entityRef: 'component:default/orders',
    from: 'dev',
    to: 'staging',
    strategy: 'image',
    deployment: 'orders',
    container: 'app',
    imageBefore: 'registry.local/orders:1.1.0',
    imageAfter: 'registry.local/orders:1.2.0',
    gates: [],
    risk: { level: 'low', reasons: [] },
    requestedBy: 'user:default/guest',
    summary: 'orders 1.1.0 → 1.2.0 in staging',
    workloadKey: `local/${overrides.to ?? 'staging'}/orders`,
    ...overrides,
  };
}

const LEASE = { owner: 'replica-a', durationMs: 30_000 };

/** Runs `fn` with this process's clock `ms` ahead (only Date is faked; timers stay real). */
async function withClockAhead<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  jest.useFakeTimers({
    now: Date.now() + ms,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
  try {
    return await fn();
  } finally {
    jest.useRealTimers();
  }
}

async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database({ knex, migrations: { skip: false } });
  return { knex, store: await PromotionStore.create({ database }) };
}

// PostgreSQL is there when its connection string is (scripts/test.d/72-promotion-integration.sh sets
// it); under CI a run without it would test SQLite alone and look green.
if (servicesRequired()) {
  it('runs on PostgreSQL as well as SQLite', () => {
    expect(databases.eachSupportedId().flat()).toContain('POSTGRES_15');
  });
}

describe.each(databases.eachSupportedId())(
  'PromotionStore on %p',
  databaseId => {
    it('migrates up and down', async () => {
      const knex = await databases.init(databaseId);
      const directory = resolvePackagePath(
        '@envportal/plugin-environments-backend',
        'migrations',
      );
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasTable('environments_promotions')).toBe(true);
      expect(
        await knex.schema.hasColumn(
          'environments_promotions',
          'lease_expires_at',
        ),
      ).toBe(true);
      await knex.migrate.rollback({ directory }, true);
      expect(await knex.schema.hasTable('environments_promotions')).toBe(false);
    });

    it('admits one active promotion per entity and stage, and frees the stage when it ends', async () => {
      const { store } = await createStore(databaseId);
      const first = await store.insert(newPromotion(), LEASE);
      expect(first.created).toBe(true);
      expect(first.promotion.state).toBe('pending');

      const second = store.insert(newPromotion(), LEASE);
      await expect(second).rejects.toThrow(PromotionInFlightError);
      await expect(second).rejects.toMatchObject({
        runningId: first.promotion.id,
      });

      // Another stage of the same entity is independent.
      await expect(
        store.insert(newPromotion({ from: 'staging', to: 'prod' }), LEASE),
      ).resolves.toMatchObject({ created: true });

      const finished = await store.finish(
        first.promotion.id,
        {
          state: 'succeeded',
          summary: 'done',
        },
        LEASE,
      );
      expect(finished.state).toBe('succeeded');
      expect(finished.durationMs).toBeGreaterThanOrEqual(0);
      expect(finished.finishedAt).toBeDefined();
      await expect(store.insert(newPromotion(), LEASE)).resolves.toMatchObject({
        created: true,
      });
    });

    it('admits one active change per workload, whichever entity asks', async () => {
      const { store } = await createStore(databaseId);
      const first = await store.insert(newPromotion(), LEASE);
      // Another entity whose selector reaches the same Deployment in the same stage.
      const other = store.insert(
        newPromotion({ entityRef: 'component:default/impostor' }),
        LEASE,
      );
      await expect(other).rejects.toMatchObject({
        runningId: first.promotion.id,
      });
      await store.finish(
        first.promotion.id,
        {
          state: 'succeeded',
          summary: 'done',
        },
        LEASE,
      );
      await expect(
        store.insert(
          newPromotion({ entityRef: 'component:default/impostor' }),
          LEASE,
        ),
      ).resolves.toMatchObject({ created: true });
    });

    it('lets only the owner write, and hands an expired lease to exactly one other replica', async () => {
      const { store } = await createStore(databaseId);
      const { promotion } = await store.insert(newPromotion(), LEASE);
      const b = { owner: 'replica-b', durationMs: 30_000 };
      const c = { owner: 'replica-c', durationMs: 30_000 };
      // While A's lease runs, nobody else may write or take it.
      await expect(
        store.update(promotion.id, { state: 'running' }, b),
      ).rejects.toThrow(LeaseLostError);
      expect(await store.claimExpired(b)).toEqual([]);
      expect(await store.renewLease(promotion.id, LEASE)).toBe(true);
      // A stops renewing: its lease runs out.
      const dying = { owner: 'replica-a', durationMs: -1 };
      expect(await store.renewLease(promotion.id, dying)).toBe(true);
      const [first, second] = await Promise.all([
        store.claimExpired(b),
        store.claimExpired(c),
      ]);
      const winners = [...first, ...second];
      expect(winners).toHaveLength(1);
      expect(winners[0].previousOwner).toBe('replica-a');
      const winner = first.length ? b : c;
      expect((await store.get(promotion.id))!.ownerId).toBe(winner.owner);
      // A cannot write any more, and learns it when it renews.
      expect(await store.renewLease(promotion.id, LEASE)).toBe(false);
      await expect(
        store.finish(promotion.id, { state: 'succeeded', summary: 'x' }, LEASE),
      ).rejects.toThrow(LeaseLostError);
      const done = await store.finish(
        promotion.id,
        { state: 'succeeded', summary: 'done' },
        winner,
      );
      expect(done.state).toBe('succeeded');
      // An ended promotion is nobody's to renew.
      expect(await store.renewLease(promotion.id, winner)).toBe(false);
    });

    it("releases a stopping replica's leases for an immediate takeover", async () => {
      const { store } = await createStore(databaseId);
      const { promotion } = await store.insert(newPromotion(), LEASE);
      const b = { owner: 'replica-b', durationMs: 30_000 };
      expect(await store.claimExpired(b)).toEqual([]);
      expect(await store.releaseLeases(LEASE)).toBe(1);
      const [taken] = await store.claimExpired(b);
      expect(taken.promotion.id).toBe(promotion.id);
      expect(await store.releaseLeases(LEASE)).toBe(0);
    });

    it('judges leases by the database clock, so on PostgreSQL a replica whose clock runs ahead takes nothing live', async () => {
      // SQLite is one file on one host: the process's clock is the only one, and it decides.
      const sharedClock = databaseId === 'POSTGRES_15';
      const { store } = await createStore(databaseId);
      const { promotion } = await store.insert(newPromotion(), LEASE);
      const ahead = { owner: 'replica-ahead', durationMs: 30_000 };
      const claimed = await withClockAhead(60_000, () =>
        store.claimExpired(ahead),
      );
      expect(claimed.map(c => c.promotion.id)).toEqual(
        sharedClock ? [] : [promotion.id],
      );
      expect((await store.get(promotion.id))!.ownerId).toBe(
        sharedClock ? LEASE.owner : ahead.owner,
      );
    });

    it('refuses a decision past the deadline, and expires only a request still awaiting approval past it', async () => {
      const { store } = await createStore(databaseId);
      const waiting = async (
        stage: string,
        state: 'awaiting-approval' | 'queued',
      ) =>
        (
          await store.insert(
            newPromotion({
              to: stage,
              workloadKey: `local/${stage}/orders`,
              state,
              approvalsRequired: 1,
              approvalExpiresAt: new Date('2026-12-01T10:00:00Z'),
            }),
            LEASE,
          )
        ).promotion;
      const before = new Date('2026-12-01T09:59:00Z');
      const after = new Date('2026-12-01T10:01:00Z');
      const expiry = {
        state: 'expired' as const,
        error: 'no decision in time',
        summary: 'expired',
      };

      const awaiting = await waiting('prod', 'awaiting-approval');
      const approver = {
        actor: 'user:default/approver',
        decision: 'approve' as const,
      };
      await expect(
        store.recordDecision(awaiting.id, approver, undefined, after),
      ).rejects.toThrow(
        `Promotion ${awaiting.id} expired at 2026-12-01T10:00:00.000Z`,
      );
      expect(await store.decisions(awaiting.id)).toEqual([]);
      // Not yet past the deadline: a sweep changes nothing, a decision gets in.
      expect(
        await store.endWaiting(awaiting.id, expiry, before),
      ).toBeUndefined();
      await store.recordDecision(awaiting.id, approver, undefined, before);
      expect((await store.get(awaiting.id))!.state).toBe('awaiting-approval');

      // A promotion approved and queued for its window is not expired by a late sweep.
      const queued = await waiting('staging', 'queued');
      expect(await store.endWaiting(queued.id, expiry, after)).toBeUndefined();
      expect((await store.get(queued.id))!.state).toBe('queued');

      expect((await store.endWaiting(awaiting.id, expiry, after))!.state).toBe(
        'expired',
      );
    });

    it('releases only the named leases when asked to', async () => {
      const { store } = await createStore(databaseId);
      const { promotion: kept } = await store.insert(newPromotion(), LEASE);
      const { promotion: handedOver } = await store.insert(
        newPromotion({ to: 'prod', workloadKey: 'local/prod/orders' }),
        LEASE,
      );
      expect(await store.releaseLeases(LEASE, [handedOver.id])).toBe(1);
      const b = { owner: 'replica-b', durationMs: 30_000 };
      expect((await store.claimExpired(b)).map(c => c.promotion.id)).toEqual([
        handedOver.id,
      ]);
      expect((await store.get(kept.id))!.ownerId).toBe(LEASE.owner);
    });

    it('queues a waiting promotion once per opening time, so only one of several sweeping replicas moves it', async () => {
      const { store } = await createStore(databaseId);
      const { promotion } = await store.insert(
        newPromotion({
          state: 'awaiting-approval',
          approvalsRequired: 1,
          approvalExpiresAt: new Date(Date.now() + 3600_000),
        }),
        LEASE,
      );
      const monday = new Date('2026-12-07T08:00:00Z');
      const moved = await Promise.all([
        store.queue(promotion.id, monday),
        store.queue(promotion.id, monday),
      ]);
      expect(moved.filter(Boolean)).toHaveLength(1);
      expect(await store.queue(promotion.id, monday)).toBe(false);
      // a later opening (the window changed) moves it again
      const tuesday = new Date('2026-12-08T08:00:00Z');
      expect(await store.queue(promotion.id, tuesday)).toBe(true);
      expect((await store.get(promotion.id))!).toMatchObject({
        state: 'queued',
        runAfter: tuesday.toISOString(),
      });
    });

    it('lets exactly one of 20 concurrent inserts win', async () => {
      const { store } = await createStore(databaseId);
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => store.insert(newPromotion(), LEASE)),
      );
      const won = results.filter(r => r.status === 'fulfilled');
      const lost = results.filter(
        r => r.status === 'rejected',
      ) as PromiseRejectedResult[];
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      const winnerId = (won[0] as PromiseFulfilledResult<any>).value.promotion
        .id;
      for (const l of lost) {
        expect(l.reason).toBeInstanceOf(PromotionInFlightError);
        expect(l.reason.runningId).toBe(winnerId);
      }
    });

    it('returns the earlier promotion for a repeated idempotency key', async () => {
      const { store } = await createStore(databaseId);
      const first = await store.insert(
        newPromotion({ idempotencyKey: 'click-1' }),
        LEASE,
      );
      const again = await store.insert(
        newPromotion({ idempotencyKey: 'click-1' }),
        LEASE,
      );
      expect(again.created).toBe(false);
      expect(again.promotion.id).toBe(first.promotion.id);
    });

    it('lists newest first with paging, and keeps what was recorded', async () => {
      const { store } = await createStore(databaseId);
      const base = Date.parse('2026-01-01T00:00:00Z');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const p = newPromotion({
          createdAt: new Date(base + i * 60_000),
          overrideReason: i === 4 ? 'hotfix for incident 42' : undefined,
          gates: [
            {
              id: 'error-rate',
              title: 'Error rate',
              result: 'fail',
              detail: '3 %',
            },
          ],
          risk: { level: 'high', reasons: ['target is prod'] },
        });
        ids.push(p.id);
        const { promotion } = await store.insert(p, LEASE);
        await store.finish(
          promotion.id,
          {
            state: i === 3 ? 'rolled-back' : 'succeeded',
            summary: `run ${i}`,
            rollback:
              i === 3
                ? { reason: 'pods never ready', at: new Date().toISOString() }
                : undefined,
          },
          LEASE,
        );
      }
      const page1 = await store.list({
        entityRef: 'component:default/orders',
        limit: 2,
        offset: 0,
      });
      expect(page1.total).toBe(5);
      expect(page1.items.map(p => p.id)).toEqual([ids[4], ids[3]]);
      expect(page1.items[0].overrideReason).toBe('hotfix for incident 42');
      expect(page1.items[0].createdAt).toBe('2026-01-01T00:04:00.000Z');
      expect(page1.items[0].gates[0].result).toBe('fail');
      expect(page1.items[0].risk.reasons).toEqual(['target is prod']);
      expect(page1.items[1].state).toBe('rolled-back');
      expect(page1.items[1].rollback?.reason).toBe('pods never ready');
      const page3 = await store.list({
        entityRef: 'component:default/orders',
        limit: 2,
        offset: 4,
      });
      expect(page3.items.map(p => p.id)).toEqual([ids[0]]);
      expect(await store.listActive()).toEqual([]);
    });
    it('gives the delivery metrics their rows: changes into a stage in a range, with first-seen and next success', async () => {
      const { knex, store } = await createStore(databaseId);
      const day = (n: number) => new Date(Date.UTC(2026, 10, n, 12));
      // Records a finished change as the engine leaves it.
      async function finished(p: {
        entity?: string;
        from: string;
        to: string;
        image: string;
        state: string;
        kind?: 'promotion' | 'rollback';
        created: Date;
        finishedAt: Date;
        rolledOut?: boolean;
      }) {
        const { promotion } = await store.insert(
          newPromotion({
            entityRef: p.entity ?? 'component:default/orders',
            kind: p.kind ?? 'promotion',
            from: p.from,
            to: p.to,
            imageAfter: p.image,
            workloadKey: `local/${p.to}/${randomUUID()}`,
            createdAt: p.created,
          }),
          LEASE,
        );
        await knex('environments_promotions')
          .where({ id: promotion.id })
          .update({
            state: p.state,
            in_flight_key: null,
            in_flight_workload: null,
            finished_at: p.finishedAt,
            rollout_completed_at: p.rolledOut ? p.finishedAt : null,
          });
      }
      const v2 = 'registry.local/orders@sha256:2222';
      const v3 = 'registry.local/orders@sha256:3333';
      await finished({
        from: 'dev',
        to: 'staging',
        image: v2,
        state: 'succeeded',
        created: day(2),
        finishedAt: day(2),
      });
      await finished({
        from: 'dev',
        to: 'staging',
        image: v2,
        state: 'succeeded',
        created: day(3),
        finishedAt: day(3),
      });
      await finished({
        from: 'staging',
        to: 'prod',
        image: v2,
        state: 'succeeded',
        created: day(5),
        finishedAt: day(5),
        rolledOut: true,
      });
      await finished({
        from: 'dev',
        to: 'staging',
        image: v3,
        state: 'succeeded',
        created: day(6),
        finishedAt: day(6),
      });
      await finished({
        from: 'staging',
        to: 'prod',
        image: v3,
        state: 'rolled-back',
        created: day(8),
        finishedAt: day(8),
        rolledOut: true,
      });
      await finished({
        from: 'prod',
        to: 'prod',
        image: v2,
        state: 'succeeded',
        kind: 'rollback',
        created: day(9),
        finishedAt: day(9),
        rolledOut: true,
      });
      // another entity, and a change outside the range
      await finished({
        entity: 'component:default/payments',
        from: 'staging',
        to: 'prod',
        image: 'registry.local/payments:1',
        state: 'succeeded',
        created: day(7),
        finishedAt: day(7),
      });
      await finished({
        from: 'staging',
        to: 'prod',
        image: v2,
        state: 'succeeded',
        created: day(1),
        finishedAt: day(1),
      });

      const rows = await store.deliveries({
        stage: 'prod',
        firstStage: 'dev',
        from: day(4),
        to: day(10),
        entityRefs: ['component:default/orders'],
      });
      expect(
        rows.map(r => [
          r.kind,
          r.state,
          r.finishedAt,
          r.firstSeenAt,
          r.nextSuccessAt,
          r.rolledOut,
        ]),
      ).toEqual([
        // first seen (successes): v2's first promotion out of dev (day 2), not the later one;
        // next success (failures): the rollback on day 9
        [
          'promotion',
          'succeeded',
          day(5).toISOString(),
          day(2).toISOString(),
          undefined,
          true,
        ],
        [
          'promotion',
          'rolled-back',
          day(8).toISOString(),
          undefined,
          day(9).toISOString(),
          true,
        ],
        [
          'rollback',
          'succeeded',
          day(9).toISOString(),
          day(2).toISOString(),
          undefined,
          true,
        ],
      ]);
      // the fleet: every entity given, more than fits in one SQL list included
      const many = Array.from(
        { length: 1000 },
        (_, i) => `component:default/x${i}`,
      );
      const fleet = await store.deliveries({
        stage: 'prod',
        firstStage: 'dev',
        from: day(4),
        to: day(10),
        entityRefs: [
          ...many,
          'component:default/orders',
          'component:default/payments',
        ],
      });
      expect(fleet.map(r => r.entityRef)).toEqual([
        'component:default/orders',
        'component:default/payments',
        'component:default/orders',
        'component:default/orders',
      ]);
    });
    it('knows what each stage should run: the last successful promotion or rollback into it', async () => {
      const { knex, store } = await createStore(databaseId);
      const end = async (
        to: string,
        image: string,
        state: string,
        finishedAt: Date,
        kind: 'promotion' | 'rollback' = 'promotion',
        entityRef = 'component:default/orders',
      ) => {
        const { promotion } = await store.insert(
          newPromotion({
            entityRef,
            kind,
            to,
            imageAfter: image,
            workloadKey: `local/${to}/${randomUUID()}`,
          }),
          LEASE,
        );
        await knex('environments_promotions')
          .where({ id: promotion.id })
          .update({
            state,
            in_flight_key: null,
            in_flight_workload: null,
            finished_at: finishedAt,
          });
      };
      await end('staging', 'r/orders:1', 'succeeded', new Date(1000));
      await end('staging', 'r/orders:2', 'succeeded', new Date(2000));
      await end('staging', 'r/orders:3', 'rolled-back', new Date(3000));
      await end('prod', 'r/orders:1', 'succeeded', new Date(1500));
      await end('prod', 'r/orders:0', 'succeeded', new Date(2500), 'rollback');
      await end(
        'prod',
        'r/payments:9',
        'succeeded',
        new Date(2500),
        'promotion',
        'component:default/payments',
      );
      const byStage = (rows: Awaited<ReturnType<typeof store.lastChanges>>) =>
        rows.map(r => `${r.entityRef} ${r.stage} ${r.kind} ${r.image}`).sort();
      expect(
        byStage(await store.lastChanges(['component:default/orders'])),
      ).toEqual([
        'component:default/orders prod rollback r/orders:0',
        'component:default/orders staging promotion r/orders:2',
      ]);
      expect(await store.lastChanges()).toHaveLength(3);
    });
    it('takes a recorded deploy as what a stage should run until a later change, and versions it', async () => {
      const { knex, store } = await createStore(databaseId);
      const orders = 'component:default/orders';
      const config = { salt: 's', entries: { 'env A': 'hidden:1' }, scope: 3 };
      const deploy = (stage: string, image: string, at: number) =>
        store.recordDeploy({
          id: randomUUID(),
          entityRef: orders,
          stage,
          image,
          deployment: 'orders',
          container: 'app',
          config,
          recordedBy: 'service:ci',
          recordedAt: new Date(at),
        });
      const v0 = await store.lastChangesVersion();
      const told: unknown[] = [];
      store.onDeployRecorded(change => told.push(change));
      await deploy('dev', 'r/orders:1', 1000);
      // browsers re-read drift: told as a promotion change is
      expect(told).toEqual([{ entityRef: orders, stage: 'dev' }]);
      const v1 = await store.lastChangesVersion();
      expect(v1).not.toBe(v0);
      await deploy('dev', 'r/orders:2', 2000);
      expect(await store.lastChangesVersion()).not.toBe(v1);
      // a promotion into dev before the last deploy does not replace it; one after it does
      const { promotion } = await store.insert(
        newPromotion({
          to: 'dev',
          imageAfter: 'r/orders:3',
          workloadKey: 'local/dev/orders',
        }),
        LEASE,
      );
      await knex('environments_promotions')
        .where({ id: promotion.id })
        .update({
          state: 'succeeded',
          in_flight_key: null,
          in_flight_workload: null,
          finished_at: new Date(1500),
        });
      const dev = async () =>
        (await store.lastChanges([orders])).find(c => c.stage === 'dev');
      expect(await dev()).toEqual({
        entityRef: orders,
        stage: 'dev',
        kind: 'deploy',
        image: 'r/orders:2',
        deployment: 'orders',
        container: 'app',
        requestedBy: 'service:ci',
        finishedAt: new Date(2000).toISOString(),
        config,
      });
      await knex('environments_promotions')
        .where({ id: promotion.id })
        .update({ finished_at: new Date(3000) });
      expect(await dev()).toMatchObject({
        kind: 'promotion',
        image: 'r/orders:3',
      });
      // other entities' records are not given out
      expect(await store.lastChanges(['component:default/payments'])).toEqual(
        [],
      );
    });
    it('keeps the configuration a successful promotion left, for drift', async () => {
      const { store } = await createStore(databaseId);
      const config = {
        salt: '9f86d081884c7d65',
        entries: {
          'env LOG_LEVEL': 'hidden:5f1c',
          'annotation checksum/config': 'abc',
          'resources.limits.memory': '512Mi',
        },
      };
      const before = await store.lastChangesVersion();
      const { promotion } = await store.insert(newPromotion(), LEASE);
      // recorded when the rollout completed; what the finish sees after the soak does not replace it
      await store.update(
        promotion.id,
        { rolloutCompletedAt: new Date(), configAfter: config },
        LEASE,
      );
      expect(await store.lastChangesVersion()).toBe(before); // in flight
      await store.finish(
        promotion.id,
        {
          state: 'succeeded',
          summary: 'done',
          configAfter: { salt: 'later', entries: { 'env BY_HAND': 'x' } },
        },
        LEASE,
      );
      const afterSuccess = await store.lastChangesVersion();
      expect(afterSuccess).not.toBe(before);
      const [last] = await store.lastChanges(['component:default/orders']);
      expect(last.config).toEqual(config);
      // a run whose rollout recorded nothing keeps what the finish saw
      const { promotion: older } = await store.insert(
        newPromotion({ to: 'dev', workloadKey: 'local/dev/orders' }),
        LEASE,
      );
      const atFinish = { salt: 'finish', entries: { 'env A': 'hidden:1' } };
      await store.finish(
        older.id,
        { state: 'succeeded', summary: 'done', configAfter: atFinish },
        LEASE,
      );
      expect(
        (await store.lastChanges(['component:default/orders'])).find(
          c => c.stage === 'dev',
        )?.config,
      ).toEqual(atFinish);
      // a finish that could not read the configuration keeps what the rollout recorded
      const { promotion: unread } = await store.insert(
        newPromotion({ to: 'dev', workloadKey: 'local/dev/orders' }),
        LEASE,
      );
      await store.update(
        unread.id,
        { rolloutCompletedAt: new Date(), configAfter: config },
        LEASE,
      );
      await store.finish(
        unread.id,
        { state: 'succeeded', summary: 'done' },
        LEASE,
      );
      expect(
        (await store.lastChanges(['component:default/orders'])).find(
          c => c.stage === 'dev',
        )?.config,
      ).toEqual(config);
      // a failure records none
      const beforeFailure = await store.lastChangesVersion();
      expect(beforeFailure).not.toBe(afterSuccess);
      const { promotion: failed } = await store.insert(
        newPromotion({ to: 'prod', workloadKey: 'local/prod/orders' }),
        LEASE,
      );
      await store.finish(
        failed.id,
        { state: 'failed', error: 'x', summary: 'failed' },
        LEASE,
      );
      // a failure changes nothing a stage should run
      expect(await store.lastChangesVersion()).toBe(beforeFailure);
      expect(
        (await store.lastChanges(['component:default/orders']))
          .map(c => c.stage)
          .sort(),
      ).toEqual(['dev', 'staging']);
    });
  },
);
