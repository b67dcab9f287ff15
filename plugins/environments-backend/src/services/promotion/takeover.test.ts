import { TestDatabases } from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import { Lease, StoredPromotion } from '../../database/PromotionStore';
import { createPromotionService } from './createPromotionService';
import {
  CONTAINER,
  DEPLOYMENT,
  fakeCluster,
  fakeImageStrategy,
} from './__testUtils__/fakeCluster';
import { ORDERS, promotionTestbed } from './__testUtils__/promotionTestbed';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const BEFORE = 'registry.local/orders:1.1.0';
const AFTER = 'registry.local/orders:1.2.0';
/** The replica that ran the promotion and stopped without handing it over: its lease has run out. */
const GONE: Lease = { owner: 'replica-gone', durationMs: -1 };

/** Two replicas of the promotion engine on one database, and a promotion left running by a third. */
async function replicasWithOrphan() {
  const cluster = fakeCluster();
  cluster.runs('staging', BEFORE);
  const strategy = fakeImageStrategy(cluster, ['completes']);
  const bed = await promotionTestbed({
    databases,
    cluster,
    strategy,
    promotion: { stages: { staging: { soakSeconds: 0 } } },
  });
  const replica = (owner: string) =>
    createPromotionService({ ...bed.deps, ownerId: owner });
  const { promotion } = await bed.store.insert(
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
      requestedBy: 'user:default/alice',
      summary: 'orders 1.1.0 → 1.2.0 in staging',
      workloadKey: `local/staging/${DEPLOYMENT}`,
    },
    GONE,
  );
  await bed.store.update(promotion.id, { state: 'running' }, GONE);
  const row = async (): Promise<StoredPromotion> =>
    (await bed.store.get(promotion.id))!;
  return { ...bed, strategy, replica, orphan: promotion, row };
}

describe('taking over a promotion whose replica stopped', () => {
  it('is left to the other replicas by one that is stopping', async () => {
    const { replica, row, strategy, cluster } = await replicasWithOrphan();
    const stopping = replica('replica-a');
    await stopping.shutdown();
    // The scheduler still runs the plugin's tasks while the plugins shut down.
    await stopping.recover();
    await stopping.sweep();
    expect(await row()).toMatchObject({
      state: 'running',
      ownerId: GONE.owner,
    });
    expect(strategy.calls).toEqual([]);

    const running = replica('replica-b');
    await running.recover();
    await running.idle();
    expect(await row()).toMatchObject({ state: 'succeeded' });
    expect(cluster.imageIn('staging')).toBe(AFTER);
  });

  it('is handed on at once when the replica stops during its takeover', async () => {
    const bed = await replicasWithOrphan();
    // The replica is told to stop while its takeover pass is still asking the database.
    let databaseAnswers!: () => void;
    const answer = new Promise<void>(resolve => {
      databaseAnswers = resolve;
    });
    const claimExpired = bed.store.claimExpired.bind(bed.store);
    jest
      .spyOn(bed.store, 'claimExpired')
      .mockImplementationOnce(async lease => {
        await answer;
        return claimExpired(lease);
      });
    const stopping = bed.replica('replica-a');
    const takeover = stopping.recover();
    const shutdown = stopping.shutdown();
    databaseAnswers();
    await Promise.all([takeover, shutdown]);
    // It claimed the promotion, started nothing, and its lease was handed over with the rest.
    expect(await bed.row()).toMatchObject({
      state: 'running',
      ownerId: 'replica-a',
    });
    expect(bed.strategy.calls).toEqual([]);

    // So the next replica's first pass takes it, without waiting for that lease to run out.
    const running = bed.replica('replica-b');
    await running.recover();
    await running.idle();
    expect(await bed.row()).toMatchObject({ state: 'succeeded' });
  });

  it('waits for a cache that has not listed the namespace yet instead of calling the Deployment gone', async () => {
    const { replica, row, cluster } = await replicasWithOrphan();
    // A replica that has just started: its cache has not listed staging yet.
    cluster.unlisted('staging');
    const starting = replica('replica-a');
    await starting.recover();
    expect(await row()).toMatchObject({ state: 'running' });

    // Once it has, the next pass takes the promotion over and finishes it.
    cluster.unlisted('staging', false);
    await starting.recover();
    await starting.idle();
    expect(await row()).toMatchObject({ state: 'succeeded' });
    expect(cluster.imageIn('staging')).toBe(AFTER);
  });
});
