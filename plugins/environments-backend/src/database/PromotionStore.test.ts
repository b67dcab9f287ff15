import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import {
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

async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database({ knex, migrations: { skip: false } });
  return { knex, store: await PromotionStore.create({ database }) };
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
      await knex.migrate.rollback({ directory }, true);
      expect(await knex.schema.hasTable('environments_promotions')).toBe(false);
    });

    it('admits one active promotion per entity and stage, and frees the stage when it ends', async () => {
      const { store } = await createStore(databaseId);
      const first = await store.insert(newPromotion());
      expect(first.created).toBe(true);
      expect(first.promotion.state).toBe('pending');

      const second = store.insert(newPromotion());
      await expect(second).rejects.toThrow(PromotionInFlightError);
      await expect(second).rejects.toMatchObject({
        runningId: first.promotion.id,
      });

      // Another stage of the same entity is independent.
      await expect(
        store.insert(newPromotion({ from: 'staging', to: 'prod' })),
      ).resolves.toMatchObject({ created: true });

      const finished = await store.finish(first.promotion.id, {
        state: 'succeeded',
        summary: 'done',
      });
      expect(finished.state).toBe('succeeded');
      expect(finished.durationMs).toBeGreaterThanOrEqual(0);
      expect(finished.finishedAt).toBeDefined();
      await expect(store.insert(newPromotion())).resolves.toMatchObject({
        created: true,
      });
    });

    it('admits one active change per workload, whichever entity asks', async () => {
      const { store } = await createStore(databaseId);
      const first = await store.insert(newPromotion());
      // Another entity whose selector reaches the same Deployment in the same stage.
      const other = store.insert(
        newPromotion({ entityRef: 'component:default/impostor' }),
      );
      await expect(other).rejects.toMatchObject({
        runningId: first.promotion.id,
      });
      await store.finish(first.promotion.id, {
        state: 'succeeded',
        summary: 'done',
      });
      await expect(
        store.insert(newPromotion({ entityRef: 'component:default/impostor' })),
      ).resolves.toMatchObject({ created: true });
    });

    it('lets exactly one of 20 concurrent inserts win', async () => {
      const { store } = await createStore(databaseId);
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => store.insert(newPromotion())),
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
      );
      const again = await store.insert(
        newPromotion({ idempotencyKey: 'click-1' }),
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
        const { promotion } = await store.insert(p);
        await store.finish(promotion.id, {
          state: i === 3 ? 'rolled-back' : 'succeeded',
          summary: `run ${i}`,
          rollback:
            i === 3
              ? { reason: 'pods never ready', at: new Date().toISOString() }
              : undefined,
        });
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
  },
);
