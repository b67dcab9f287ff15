import type { JsonObject } from '@backstage/types';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { registerEnvironmentsActions } from '../../actions/registerEnvironmentsActions';
import { PromotionInFlightError } from '../../database/PromotionStore';
import { createPromotionService } from './createPromotionService';
import {
  fakeCluster,
  fakeImageStrategy,
  RolloutBehaviour,
} from './__testUtils__/fakeCluster';
import {
  ORDERS,
  ORDERS_REF as ref,
  promotionTestbed,
} from './__testUtils__/promotionTestbed';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

async function setup() {
  const { deps, store, audit } = await promotionTestbed({
    databases,
    permission: AuthorizeResult.DENY,
  });
  return {
    service: createPromotionService(deps),
    store,
    auditor: audit.auditor,
  };
}

describe('promotion requests that are refused', () => {
  it('audit the denial once, naming the user, and record nothing', async () => {
    const { service, store, auditor } = await setup();
    await expect(
      service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        { credentials: mockCredentials.user('user:default/alice') },
      ),
    ).rejects.toThrow(NotAllowedError);
    expect(auditor.createEvent).toHaveBeenCalledTimes(1);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'promotion-denied',
        meta: expect.objectContaining({
          actor: 'user:default/alice',
          entityRef: 'component:default/orders',
          to: 'staging',
        }),
      }),
    );
    expect(
      (
        await store.list({
          entityRef: 'component:default/orders',
          limit: 10,
          offset: 0,
        })
      ).total,
    ).toBe(0);
  });

  it('name the service principal when a tool or agent asks through the MCP actions', async () => {
    const { service, auditor } = await setup();
    const actionsRegistry = actionsRegistryServiceMock();
    registerEnvironmentsActions({
      actionsRegistry,
      status: {} as never,
      promotions: service,
    });
    await expect(
      actionsRegistry.invoke({
        id: 'test:promote-entity',
        input: {
          entityRef: 'component:default/orders',
          from: 'dev',
          to: 'staging',
        },
        credentials: mockCredentials.service('external:release-agent'),
      }),
    ).rejects.toThrow(NotAllowedError);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'promotion-denied',
        meta: expect.objectContaining({
          actor: 'service:external:release-agent',
        }),
      }),
    );
  });
});

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const BEFORE = 'registry.local/orders:1.1.0';
const AFTER = 'registry.local/orders:1.2.0';
const NEXT = 'registry.local/orders:1.3.0';

/**
 * orders runs AFTER in dev and BEFORE in staging and prod, its gates pass, everyone may promote,
 * dev may promote straight to prod, and neither stage soaks; each change applied rolls out as
 * `script` says, in turn.
 */
async function promotable(script: RolloutBehaviour[]) {
  const cluster = fakeCluster();
  cluster.runs('dev', AFTER);
  cluster.runs('staging', BEFORE);
  cluster.runs('prod', BEFORE);
  const fakeStrategy = fakeImageStrategy(cluster, script);
  const bed = await promotionTestbed({
    databases,
    cluster,
    strategy: fakeStrategy,
    promotion: {
      stages: {
        staging: { soakSeconds: 0 },
        prod: { soakSeconds: 0, allowSkipFrom: ['dev'] },
      },
    },
  });
  const service = createPromotionService(bed.deps);
  const as = (user: string) => ({ credentials: mockCredentials.user(user) });
  const history = async () =>
    (await bed.store.list({ entityRef: ORDERS, limit: 100, offset: 0 })).items;
  const requests = () =>
    bed.audit.events
      .filter(e => e.eventId === 'promotion-requested')
      .map(e => ({ actor: e.actor, outcome: e.outcome, error: e.error }));
  return { ...bed, service, fakeStrategy, as, history, requests };
}

describe('one promotion in flight per entity and stage', () => {
  it('refuses a second request while the first runs, naming the running one, and frees the stage when it ends', async () => {
    const { service, cluster, fakeStrategy, as, history, requests } =
      await promotable(['stalls', 'completes']);
    const first = await service.create(
      { entity: ref, from: 'dev', to: 'staging' },
      as(ALICE),
    );
    expect(first.created).toBe(true);

    const second = service.create(
      { entity: ref, from: 'dev', to: 'staging' },
      as(BOB),
    );
    await expect(second).rejects.toThrow(ConflictError);
    await expect(second).rejects.toMatchObject({
      runningId: first.promotion.id,
      message: `A promotion is already in flight for this stage: ${first.promotion.id}`,
    });
    expect(requests()).toEqual([
      { actor: ALICE, outcome: 'succeeded', error: undefined },
      {
        actor: BOB,
        outcome: 'failed',
        error: `A promotion is already in flight for this stage: ${first.promotion.id}`,
      },
    ]);

    cluster.finishRollout('staging');
    await service.idle();
    expect((await history()).map(p => p.state)).toEqual(['succeeded']);

    cluster.rollOut('dev', NEXT, 'completes');
    const third = await service.create(
      { entity: ref, from: 'dev', to: 'staging' },
      as(BOB),
    );
    expect(third.created).toBe(true);
    await service.idle();
    expect(fakeStrategy.calls.map(c => c.image)).toEqual([AFTER, NEXT]);
  });

  it('lets exactly one of two simultaneous requests through; the other learns its id', async () => {
    const { service, fakeStrategy, as, history } = await promotable([
      'completes',
    ]);

    const results = await Promise.allSettled([
      service.create({ entity: ref, from: 'dev', to: 'staging' }, as(ALICE)),
      service.create({ entity: ref, from: 'dev', to: 'staging' }, as(BOB)),
    ]);
    await service.idle();

    const accepted = results.filter(r => r.status === 'fulfilled');
    const refused = results.filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0].reason).toBeInstanceOf(PromotionInFlightError);
    const [stored] = await history();
    expect(refused[0].reason.runningId).toBe(stored.id);
    expect(await history()).toHaveLength(1);
    expect(fakeStrategy.calls).toHaveLength(1);
  });
});

/** orders promoted from dev into staging, with one more rollout scripted to complete (a rollback). */
async function promotedIntoStaging() {
  const bed = await promotable(['completes', 'completes']);
  await bed.service.create(
    { entity: ref, from: 'dev', to: 'staging' },
    bed.as(ALICE),
  );
  await bed.service.idle();
  return bed;
}

describe('an idempotency key', () => {
  it('returns the same promotion to a retry, while it runs and after it ended, and applies it once', async () => {
    const { service, cluster, fakeStrategy, as, history, requests } =
      await promotable(['stalls']);
    const request = {
      entity: ref,
      from: 'dev',
      to: 'staging',
      idempotencyKey: 'click-0001',
    };
    const first = await service.create(request, as(ALICE));

    const whileRunning = await service.create(request, as(ALICE));
    expect(whileRunning).toEqual({
      created: false,
      promotion: expect.objectContaining({
        id: first.promotion.id,
        state: expect.stringMatching(/^(pending|running)$/),
      }),
    });

    cluster.finishRollout('staging');
    await service.idle();
    const afterwards = await service.create(request, as(ALICE));
    expect(afterwards).toEqual({
      created: false,
      promotion: expect.objectContaining({
        id: first.promotion.id,
        state: 'succeeded',
      }),
    });

    expect(await history()).toHaveLength(1);
    expect(fakeStrategy.calls).toHaveLength(1);
    expect(requests()).toHaveLength(1);
  });

  it('gives two simultaneous requests with the same key one promotion', async () => {
    const { service, fakeStrategy, as, history } = await promotable([
      'completes',
    ]);
    const request = {
      entity: ref,
      from: 'dev',
      to: 'staging',
      idempotencyKey: 'click-0002',
    };

    const [a, b] = await Promise.all([
      service.create(request, as(ALICE)),
      service.create(request, as(ALICE)),
    ]);
    await service.idle();

    expect(a.promotion.id).toBe(b.promotion.id);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(await history()).toHaveLength(1);
    expect(fakeStrategy.calls).toHaveLength(1);
  });

  it('is refused for a different request than the one it was first used for', async () => {
    const { service, fakeStrategy, as, history, requests } = await promotable([
      'completes',
    ]);
    const first = await service.create(
      { entity: ref, from: 'dev', to: 'staging', idempotencyKey: 'click-0003' },
      as(ALICE),
    );
    await service.idle();

    const reused = service.create(
      {
        entity: ref,
        from: 'staging',
        to: 'prod',
        idempotencyKey: 'click-0003',
      },
      as(ALICE),
    );
    await expect(reused).rejects.toThrow(InputError);
    await expect(reused).rejects.toThrow(
      `Idempotency key click-0003 was used for promotion ${first.promotion.id} (dev → staging); a different request needs a new key`,
    );

    expect(await history()).toHaveLength(1);
    expect(fakeStrategy.calls.map(c => c.namespace)).toEqual(['staging']);
    expect(requests().map(r => r.outcome)).toEqual(['succeeded', 'failed']);
  });

  it('returns the same rollback to a retry, and rolls back once', async () => {
    const { service, fakeStrategy, as, history } = await promotedIntoStaging();
    const request = {
      entity: ref,
      stage: 'staging',
      idempotencyKey: 'undo-0001',
    };

    const first = await service.rollback(request, as(ALICE));
    await service.idle();
    const retried = await service.rollback(request, as(ALICE));

    expect(first.created).toBe(true);
    expect(retried).toEqual({
      created: false,
      promotion: expect.objectContaining({
        id: first.promotion.id,
        imageAfter: BEFORE,
        state: 'succeeded',
      }),
    });
    expect(fakeStrategy.calls.map(c => c.image)).toEqual([AFTER, BEFORE]);
    expect(await history()).toHaveLength(2);
  });

  it('gives two simultaneous rollbacks with the same key one rollback', async () => {
    const { service, fakeStrategy, as, history } = await promotedIntoStaging();
    const request = {
      entity: ref,
      stage: 'staging',
      idempotencyKey: 'undo-0002',
    };

    const [a, b] = await Promise.all([
      service.rollback(request, as(ALICE)),
      service.rollback(request, as(ALICE)),
    ]);
    await service.idle();

    expect(a.promotion.id).toBe(b.promotion.id);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(fakeStrategy.calls.map(c => c.image)).toEqual([AFTER, BEFORE]);
    expect(await history()).toHaveLength(2);
  });

  it('answers a retry that lost the race to its first request with that one, not with the error its late check meets', async () => {
    const { service, store, audit, fakeStrategy, as, history } =
      await promotedIntoStaging();
    const request = {
      entity: ref,
      stage: 'staging',
      idempotencyKey: 'undo-0003',
    };
    const first = await service.rollback(request, as(ALICE));
    await service.idle();
    // The retry's first look-up ran before the first request's row was written.
    jest.spyOn(store, 'findByIdempotencyKey').mockResolvedValueOnce(undefined);

    const retried = await service.rollback(request, as(ALICE));

    expect(retried).toEqual({
      created: false,
      promotion: expect.objectContaining({ id: first.promotion.id }),
    });
    expect(fakeStrategy.calls.map(c => c.image)).toEqual([AFTER, BEFORE]);
    expect(await history()).toHaveLength(2);
    // audited once, as the rollback it was; the retry is neither a rollback nor a refusal
    expect(
      audit.events
        .filter(e => e.eventId === 'rollback-requested')
        .map(e => e.outcome),
    ).toEqual(['succeeded']);
  });

  it('used for a promotion is refused for a rollback', async () => {
    const { service, fakeStrategy, as, history } = await promotable([
      'completes',
    ]);
    const promotion = await service.create(
      { entity: ref, from: 'dev', to: 'staging', idempotencyKey: 'click-0005' },
      as(ALICE),
    );
    await service.idle();

    await expect(
      service.rollback(
        { entity: ref, stage: 'staging', idempotencyKey: 'click-0005' },
        as(ALICE),
      ),
    ).rejects.toThrow(
      `Idempotency key click-0005 was used for promotion ${promotion.promotion.id} (dev → staging); a different request needs a new key`,
    );
    expect(fakeStrategy.calls).toHaveLength(1);
    expect(await history()).toHaveLength(1);
  });

  it('is refused for a different request sent at the same moment as the first', async () => {
    const { service, fakeStrategy, as, history } = await promotable([
      'completes',
    ]);

    const results = await Promise.allSettled([
      service.create(
        {
          entity: ref,
          from: 'dev',
          to: 'staging',
          idempotencyKey: 'click-0004',
        },
        as(ALICE),
      ),
      service.create(
        { entity: ref, from: 'dev', to: 'prod', idempotencyKey: 'click-0004' },
        as(ALICE),
      ),
    ]);
    await service.idle();

    const refused = results.filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    expect(refused).toHaveLength(1);
    expect(refused[0].reason).toBeInstanceOf(InputError);
    expect(refused[0].reason.message).toMatch(
      /^Idempotency key click-0004 was used for promotion /,
    );
    expect(await history()).toHaveLength(1);
    expect(fakeStrategy.calls).toHaveLength(1);
  });
});

describe('a recorded deploy', () => {
  const deployIn = (stage: string, image?: string) => ({
    entity: ref,
    stage,
    image,
  });
  const lastIn = async (
    store: { lastChanges(refs: string[]): Promise<Array<{ stage: string }>> },
    stage: string,
  ) => (await store.lastChanges([ORDERS])).find(c => c.stage === stage);

  /** The service with AFTER running in dev and BEFORE in staging, under `promotion` settings. */
  const runningIn = async (promotion: JsonObject) => {
    const cluster = fakeCluster();
    cluster.runs('dev', AFTER);
    cluster.runs('staging', BEFORE);
    const bed = await promotionTestbed({ databases, cluster, promotion });
    return createPromotionService(bed.deps);
  };

  it('makes what dev runs its baseline, once: a retry records nothing, a change by hand is a new record', async () => {
    const { service, store, cluster, as, audit } = await promotable([]);
    const first = await service.recordDeploy(deployIn('dev', AFTER), as(ALICE));
    expect(first).toEqual({
      created: true,
      record: {
        entityRef: ORDERS,
        stage: 'dev',
        kind: 'deploy',
        image: AFTER,
        recordedBy: ALICE,
        recordedAt: expect.any(String),
      },
    });
    expect(await lastIn(store, 'dev')).toMatchObject({
      kind: 'deploy',
      image: AFTER,
      deployment: 'orders',
      container: 'app',
      config: expect.objectContaining({ scope: expect.any(Number) }),
    });

    const retried = await service.recordDeploy(deployIn('dev'), as(BOB));
    expect(retried).toEqual({ created: false, record: first.record });

    cluster.setsEnv('dev', 'LOG_LEVEL', 'debug');
    const again = await service.recordDeploy(deployIn('dev'), as(BOB));
    expect(again.created).toBe(true);
    expect(again.record.recordedBy).toBe(BOB);
    expect(
      audit.events
        .filter(e => e.eventId === 'deploy-recorded')
        .map(e => e.actor),
    ).toEqual([ALICE, BOB]);
  });

  it('is refused while the rollout runs, for an image the stage does not run, while a promotion is in flight into it, and while the stage cannot be read', async () => {
    const { service, store, cluster, as } = await promotable(['stalls']);
    cluster.rollOut('dev', NEXT, 'stalls');
    await expect(
      service.recordDeploy(deployIn('dev'), as(ALICE)),
    ).rejects.toThrow(/The rollout of orders in dev is not complete/);
    cluster.finishRollout('dev');
    await expect(
      service.recordDeploy(deployIn('dev', AFTER), as(ALICE)),
    ).rejects.toThrow(`dev runs ${NEXT}, not ${AFTER}`);

    const promotion = await service.create(
      { entity: ref, from: 'dev', to: 'staging' },
      as(ALICE),
    );
    await expect(
      service.recordDeploy(deployIn('staging'), as(ALICE)),
    ).rejects.toThrow(
      `Promotion ${promotion.promotion.id} is in flight into staging; it records what it puts there`,
    );
    await expect(
      service.recordDeploy(deployIn('qa'), as(ALICE)),
    ).rejects.toThrow(InputError);
    cluster.watchFails('dev', 'watch of dev: connection refused');
    await expect(
      service.recordDeploy(deployIn('dev'), as(ALICE)),
    ).rejects.toThrow(
      'dev cannot be read now (watch of dev: connection refused); nothing was recorded',
    );
    cluster.watchRecovers('dev');
    cluster.unlisted('dev');
    await expect(
      service.recordDeploy(deployIn('dev'), as(ALICE)),
    ).rejects.toThrow('dev cannot be read now; nothing was recorded');
    expect(await lastIn(store, 'dev')).toBeUndefined();
    expect(await lastIn(store, 'staging')).toBeUndefined();
    cluster.finishRollout('staging');
    await service.idle();
  });

  it('is not blocked by a promotion that only waits for its approval', async () => {
    const service = await runningIn({
      stages: { staging: { approval: { approvers: ['user:default/bob'] } } },
    });
    const waiting = await service.create(
      { entity: ref, from: 'dev', to: 'staging' },
      { credentials: mockCredentials.user(ALICE) },
    );
    expect(waiting.promotion.state).toBe('awaiting-approval');
    await expect(
      service.recordDeploy(deployIn('staging', BEFORE), {
        credentials: mockCredentials.user(ALICE),
      }),
    ).resolves.toMatchObject({ created: true, record: { image: BEFORE } });
  });

  it('is denied without the permission, audited, and records nothing', async () => {
    const { service, store, auditor } = await setup();
    await expect(
      service.recordDeploy(deployIn('dev'), {
        credentials: mockCredentials.user(ALICE),
      }),
    ).rejects.toThrow(
      'Not allowed: environments.deploy.record for component:default/orders in dev',
    );
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'deploy-denied',
        meta: expect.objectContaining({ actor: ALICE, to: 'dev' }),
      }),
    );
    expect(await store.lastChanges([ORDERS])).toEqual([]);
  });

  it('lets a service token (CI) record only into serviceDeployRecordStages', async () => {
    const service = await runningIn({
      servicePrincipalStages: ['dev', 'staging'],
      serviceDeployRecordStages: ['dev'],
    });
    const ci = { credentials: mockCredentials.service('external:ci') };
    await expect(service.recordDeploy(deployIn('staging'), ci)).rejects.toThrow(
      'Not allowed: environments.deploy.record for component:default/orders in staging',
    );
    await expect(
      service.recordDeploy(deployIn('dev', AFTER), ci),
    ).resolves.toMatchObject({
      created: true,
      record: { recordedBy: 'service:external:ci' },
    });
  });
});
