import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  Lease,
  NewPromotion,
  PromotionStore,
  StoredPromotion,
} from '../../database/PromotionStore';
import { createPromotionService } from './createPromotionService';
import {
  DEPLOYMENT,
  fakeCluster,
  fakeImageStrategy,
} from './__testUtils__/fakeCluster';
import {
  ORDERS,
  ORDERS_REF,
  ordersPromotion,
  promotionTestbed,
} from './__testUtils__/promotionTestbed';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const BEFORE = 'registry.local/orders:1.1.0';
const AFTER = 'registry.local/orders:1.2.0';
const ALICE = 'user:default/alice';
/** The replica that ran the promotion and stopped without handing it over. */
const GONE: Lease = { owner: 'replica-gone', durationMs: 30_000 };

/**
 * A promotion of orders into staging left by a replica that stopped `stopped` ms ago (its lease ran
 * out then), in `state` (default running).
 */
async function leftBehind(
  store: PromotionStore,
  options: {
    stopped?: number;
    state?: 'pending' | 'running';
    overrides?: Partial<NewPromotion>;
  } = {},
): Promise<StoredPromotion> {
  const { promotion } = await store.insert(ordersPromotion(options.overrides), {
    ...GONE,
    durationMs: -(options.stopped ?? 1),
  });
  if ((options.state ?? 'running') === 'pending') return promotion;
  await store.update(promotion.id, { state: 'running' }, GONE);
  return (await store.get(promotion.id))!;
}

/** Two replicas of the promotion engine on one database, and a promotion left by a third. */
async function replicasWithOrphan(
  options: Parameters<typeof leftBehind>[1] = {},
) {
  const cluster = fakeCluster();
  cluster.runs('dev', AFTER);
  cluster.runs('staging', BEFORE);
  const strategy = fakeImageStrategy(cluster, ['completes']);
  const bed = await promotionTestbed({
    databases,
    cluster,
    strategy,
    promotion: {
      stages: { staging: { soakSeconds: 0, rolloutTimeoutSeconds: 60 } },
    },
  });
  const replica = (owner: string) =>
    createPromotionService({ ...bed.deps, ownerId: owner });
  const promotion = await leftBehind(bed.store, options);
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
    // The replica is told to stop while its takeover pass is claiming the promotion.
    let databaseAnswers!: () => void;
    const answer = new Promise<void>(resolve => {
      databaseAnswers = resolve;
    });
    let claiming!: () => void;
    const claimAsked = new Promise<void>(resolve => {
      claiming = resolve;
    });
    const claimExpired = bed.store.claimExpired.bind(bed.store);
    jest
      .spyOn(bed.store, 'claimExpired')
      .mockImplementationOnce(async (...args) => {
        claiming();
        await answer;
        return claimExpired(...args);
      });
    const stopping = bed.replica('replica-a');
    const takeover = stopping.recover();
    await claimAsked;
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
    // Not claimed either: a claim that waits on a cluster could run out and be taken twice.
    expect(await row()).toMatchObject({
      state: 'running',
      ownerId: GONE.owner,
    });

    // Once it has, the next pass takes the promotion over and finishes it.
    cluster.unlisted('staging', false);
    await starting.recover();
    await starting.idle();
    expect(await row()).toMatchObject({ state: 'succeeded' });
    expect(cluster.imageIn('staging')).toBe(AFTER);
  });

  it('fails it, saying what is unknown, when its namespace stayed unreadable past the rollout timeout', async () => {
    // Its owner stopped two minutes ago; the stage's rollout timeout is one.
    const { replica, row, cluster, strategy } = await replicasWithOrphan({
      stopped: 120_000,
    });
    cluster.unlisted('staging');
    await replica('replica-a').recover();
    const failed = await row();
    expect(failed.state).toBe('failed');
    expect(failed.error).toBe(
      'its replica stopped, and staging could not be read for 60 s since; what its rollout did is unknown: check the stage before promoting again',
    );
    expect(strategy.calls).toEqual([]);
  });

  it('ends one that cannot be taken over with the reason, and goes on with the others', async () => {
    const bed = await replicasWithOrphan();
    // Older, so the pass meets it first: its stage is no longer configured.
    const unknownStage = await leftBehind(bed.store, {
      overrides: {
        to: 'qa',
        workloadKey: `local/qa/${DEPLOYMENT}`,
        createdAt: new Date(Date.now() - 3600_000),
      },
    });
    const running = bed.replica('replica-a');
    await running.recover();
    await running.idle();
    const ended = (await bed.store.get(unknownStage.id))!;
    expect(ended.state).toBe('failed');
    expect(ended.error).toMatch(
      /^its replica stopped, and it could not be resumed: .*qa/,
    );
    expect(await bed.row()).toMatchObject({ state: 'succeeded' });
  });

  it('puts one that had not started back in the queue, where a sweep starts it with its gates checked again', async () => {
    const bed = await replicasWithOrphan({ state: 'pending' });
    const { replica, row, cluster, audit } = bed;
    const running = replica('replica-a');
    await running.recover();
    expect(await row()).toMatchObject({ state: 'queued', ownerId: 'waiting' });
    expect(audit.events.map(e => e.eventId)).toContain('promotion-recovered');
    expect(cluster.imageIn('staging')).toBe(BEFORE);
    await running.sweep();
    await running.idle();
    expect(await row()).toMatchObject({ state: 'succeeded' });
    expect(cluster.imageIn('staging')).toBe(AFTER);
  });

  it('starts a rollback that had not started at once (it has no gates to check again)', async () => {
    const EARLIER = 'registry.local/orders:1.0.0';
    const { replica, row, cluster } = await replicasWithOrphan({
      state: 'pending',
      overrides: { kind: 'rollback', imageAfter: EARLIER },
    });
    const running = replica('replica-a');
    await running.recover();
    await running.idle();
    expect(await row()).toMatchObject({ state: 'succeeded' });
    expect(cluster.imageIn('staging')).toBe(EARLIER);
  });
});

describe('a replica that is shutting down', () => {
  it('refuses new promotions and rollbacks (503) and stores nothing', async () => {
    const { replica, store } = await replicasWithOrphan();
    const stopping = replica('replica-a');
    await stopping.shutdown();
    const before = await store.list({
      entityRef: ORDERS,
      limit: 50,
      offset: 0,
    });
    await expect(
      stopping.create(
        { entity: ORDERS_REF, from: 'dev', to: 'staging' },
        { credentials: mockCredentials.user(ALICE) },
      ),
    ).rejects.toThrow(ServiceUnavailableError);
    await expect(
      stopping.rollback(
        { entity: ORDERS_REF, stage: 'staging' },
        { credentials: mockCredentials.user(ALICE) },
      ),
    ).rejects.toThrow(ServiceUnavailableError);
    expect(
      await store.list({ entityRef: ORDERS, limit: 50, offset: 0 }),
    ).toEqual(before);
  });

  it('hands a promotion it accepted but has not started back to the queue, where another replica starts it', async () => {
    const cluster = fakeCluster();
    cluster.runs('dev', AFTER);
    cluster.runs('staging', BEFORE);
    const bed = await promotionTestbed({
      databases,
      cluster,
      strategy: fakeImageStrategy(cluster, ['completes']),
      promotion: { stages: { staging: { soakSeconds: 0 } } },
    });
    const stopping = createPromotionService({
      ...bed.deps,
      ownerId: 'replica-a',
    });
    // The stop arrives while the request is being recorded.
    let shutdown: Promise<void> = Promise.resolve();
    const insert = bed.store.insert.bind(bed.store);
    jest.spyOn(bed.store, 'insert').mockImplementationOnce(async (...args) => {
      const inserted = await insert(...args);
      shutdown = stopping.shutdown();
      return inserted;
    });
    const { promotion } = await stopping.create(
      { entity: ORDERS_REF, from: 'dev', to: 'staging' },
      { credentials: mockCredentials.user(ALICE) },
    );
    await shutdown;
    expect((await bed.store.get(promotion.id))!).toMatchObject({
      state: 'queued',
      ownerId: 'waiting',
    });
    expect(cluster.imageIn('staging')).toBe(BEFORE);

    const running = createPromotionService({
      ...bed.deps,
      ownerId: 'replica-b',
    });
    await running.sweep();
    await running.idle();
    expect((await bed.store.get(promotion.id))!.state).toBe('succeeded');
    expect(cluster.imageIn('staging')).toBe(AFTER);
  });
});
