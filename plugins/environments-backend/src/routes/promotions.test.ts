import {
  coreServices,
  createBackendPlugin,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { EnvironmentsApiClient } from '@envportal/plugin-environments-common';
import express from 'express';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createRouter } from '../router';
import { PromotionService } from '../services/promotion';
import { createPromotionService } from '../services/promotion/createPromotionService';
import {
  fakeCluster,
  fakeImageStrategy,
  RolloutBehaviour,
} from '../services/promotion/__testUtils__/fakeCluster';
import {
  demoPolicyPermissions,
  GUEST,
  RELEASE_MANAGER,
  SECOND_RELEASE_MANAGER,
} from '../services/promotion/__testUtils__/policyPermissions';
import {
  ORDERS,
  promotionTestbed,
} from '../services/promotion/__testUtils__/promotionTestbed';
import { createApiRouter } from './apiRouter';
import { addPromotionRoutes } from './promotions';

const base = '/api/environments/entities/component/default/orders';

/** Mounts the router `build` makes as the environments plugin's router on a test backend. */
async function serveRouter(
  build: (httpAuth: HttpAuthService) => Promise<express.Router>,
) {
  const plugin = createBackendPlugin({
    pluginId: 'environments',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          httpRouter.use(await build(httpAuth));
        },
      });
    },
  });
  const { server } = await startTestBackend({ features: [plugin] });
  return server;
}

const as = (user: string) => mockCredentials.user.header(user);

describe('promotion routes on the promotion engine', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const DEV = 'registry.local/orders:1.3.0';
  const STAGING = 'registry.local/orders:1.2.0';
  const PROD = 'registry.local/orders:1.1.0';

  /**
   * The plugin's router on the real promotion service and store, permissions decided by the demo's
   * policy for the caller of each request. orders runs a newer image in each earlier stage, its gates
   * pass, nothing soaks, and each change applied to the fake cluster rolls out as `script` says.
   */
  async function serve(
    script: RolloutBehaviour[] = ['completes'],
    prod: JsonObject = {},
  ) {
    const cluster = fakeCluster();
    cluster.runs('dev', DEV);
    cluster.runs('staging', STAGING);
    cluster.runs('prod', PROD);
    const applied = fakeImageStrategy(cluster, script);
    const bed = await promotionTestbed({
      databases,
      cluster,
      strategy: applied,
      promotion: {
        stages: {
          staging: { soakSeconds: 0 },
          prod: { soakSeconds: 0, ...prod },
        },
      },
    });
    const promotions = createPromotionService({
      ...bed.deps,
      permissions: await demoPolicyPermissions(),
    });
    const server = await serveRouter(httpAuth =>
      createRouter({
        logger: bed.logger,
        httpAuth,
        promotions,
        // The read routes are not asked here.
        status: {} as never,
        checklist: {} as never,
        metrics: {} as never,
      }),
    );
    const stored = async () =>
      (await bed.store.list({ entityRef: ORDERS, limit: 100, offset: 0 }))
        .items;
    return { server, cluster, applied, promotions, stored };
  }

  it('creates a promotion (201) and replays a retry with the same Idempotency-Key (200), applying it once', async () => {
    const { server, cluster, applied, promotions, stored } = await serve([
      'stalls',
    ]);
    const post = () =>
      request(server)
        .post(`${base}/promotions`)
        .set('Authorization', as(GUEST))
        .set('Idempotency-Key', 'click-0001')
        .send({ from: 'dev', to: 'staging' });

    const first = await post();
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      from: 'dev',
      to: 'staging',
      imageAfter: DEV,
      requestedBy: GUEST,
    });

    const whileRunning = await post();
    expect(whileRunning.status).toBe(200);
    expect(whileRunning.body.id).toBe(first.body.id);

    cluster.finishRollout('staging');
    await promotions.idle();
    const afterwards = await post();
    expect(afterwards.status).toBe(200);
    expect(afterwards.body).toMatchObject({
      id: first.body.id,
      state: 'succeeded',
    });

    expect(applied.calls).toEqual([
      expect.objectContaining({ namespace: 'staging', image: DEV }),
    ]);
    expect((await stored()).map(p => p.id)).toEqual([first.body.id]);
  });

  it('starts a rollback (201) and replays a retry with the same Idempotency-Key (200), rolling back once', async () => {
    const { server, applied, promotions } = await serve([
      'completes',
      'completes',
    ]);
    await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', as(GUEST))
      .send({ from: 'dev', to: 'staging' })
      .expect(201);
    await promotions.idle();
    const rollback = () =>
      request(server)
        .post(`${base}/rollbacks`)
        .set('Authorization', as(GUEST))
        .set('Idempotency-Key', 'undo-0001')
        .send({ stage: 'staging' });

    const first = await rollback();
    expect(first.status).toBe(201);
    await promotions.idle();
    const retried = await rollback();

    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({
      id: first.body.id,
      imageAfter: STAGING,
      state: 'succeeded',
    });
    expect(applied.calls.map(c => c.image)).toEqual([DEV, STAGING]);
  });

  it('replays a retry of the published client with the same idempotency key header (200)', async () => {
    const { server, stored } = await serve(['stalls']);
    const { port } = server.address() as AddressInfo;
    const client = new EnvironmentsApiClient({
      discoveryApi: {
        getBaseUrl: async () => `http://127.0.0.1:${port}/api/environments`,
      },
      fetchApi: {
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            headers: { ...init?.headers, Authorization: as(GUEST) },
          }),
      },
    });
    const promote = () =>
      client.createPromotion({
        path: { kind: 'component', namespace: 'default', name: 'orders' },
        body: { from: 'dev', to: 'staging' },
        header: { idempotencyKey: 'client-0001' },
      });

    const first = await promote();
    const retried = await promote();

    expect([first.status, retried.status]).toEqual([201, 200]);
    const ids = [(await first.json()).id, (await retried.json()).id];
    expect(ids[1]).toBe(ids[0]);
    expect((await stored()).map(p => p.id)).toEqual([ids[0]]);
  });

  it('records a deploy where the policy allows it (201), answers a retry 200, and refuses prod (403) and unknown fields (400)', async () => {
    const { server } = await serve();
    const record = (body: object) =>
      request(server)
        .post(`${base}/deploys`)
        .set('Authorization', as(GUEST))
        .send(body);

    const first = await record({ stage: 'dev', image: DEV });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      stage: 'dev',
      kind: 'deploy',
      image: DEV,
      recordedBy: GUEST,
    });
    const retried = await record({ stage: 'dev' });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(first.body);

    const prod = await record({ stage: 'prod' });
    expect(prod.status).toBe(403);
    expect(prod.body.error.message).toBe(
      'Not allowed: environments.deploy.record for component:default/orders in prod',
    );
    expect((await record({ stage: 'dev', by: 'me' })).status).toBe(400);
  });

  it('answers 403 to the guest promoting to prod, and stores and applies nothing', async () => {
    const { server, applied, promotions, stored } = await serve();
    const res = await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', as(GUEST))
      .send({ from: 'staging', to: 'prod' });
    await promotions.idle();

    expect(res.status).toBe(403);
    expect(res.body.error).toEqual(
      expect.objectContaining({
        name: 'NotAllowedError',
        message:
          'Not allowed: environments.promotion.create for component:default/orders in prod',
      }),
    );
    expect(await stored()).toEqual([]);
    expect(applied.calls).toEqual([]);
  });

  it('lets the guest promote where the policy allows it (201)', async () => {
    const { server, applied, promotions } = await serve();
    const res = await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', as(GUEST))
      .send({ from: 'dev', to: 'staging' });
    await promotions.idle();

    expect(res.status).toBe(201);
    expect(applied.calls.map(c => [c.namespace, c.image])).toEqual([
      ['staging', DEV],
    ]);
  });

  it('lets a release manager promote to prod (201)', async () => {
    const { server, applied, promotions } = await serve();
    const res = await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', as(RELEASE_MANAGER))
      .send({ from: 'staging', to: 'prod' });
    await promotions.idle();

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      to: 'prod',
      requestedBy: RELEASE_MANAGER,
    });
    expect(applied.calls.map(c => [c.namespace, c.image])).toEqual([
      ['prod', STAGING],
    ]);
  });

  it('holds a prod promotion for approval; an approver decides through the API, others get the reason', async () => {
    const { server, applied, promotions } = await serve(['completes'], {
      approval: { approvers: ['group:default/release-managers'] },
    });
    const requested = await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', as(RELEASE_MANAGER))
      .send({ from: 'staging', to: 'prod' });
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({
      state: 'awaiting-approval',
      approval: {
        required: 1,
        approvers: ['group:default/release-managers'],
        decisions: [],
        canDecide: false,
        cannotDecideReason: 'You requested it; someone else must approve it',
      },
    });
    const approvals = `/api/environments/promotions/${requested.body.id}/approvals`;

    const byGuest = await request(server)
      .post(approvals)
      .set('Authorization', as(GUEST))
      .send({ decision: 'approve' });
    expect(byGuest.status).toBe(403);
    expect(byGuest.body.error.message).toBe(
      'Only group:default/release-managers may approve promotions into prod',
    );
    expect(
      (
        await request(server)
          .post(approvals)
          .set('Authorization', as(SECOND_RELEASE_MANAGER))
          .send({ decision: 'maybe' })
      ).status,
    ).toBe(400);
    expect(applied.calls).toEqual([]);

    const approved = await request(server)
      .post(approvals)
      .set('Authorization', as(SECOND_RELEASE_MANAGER))
      .send({ decision: 'approve', comment: 'change board CAB-12 ok' });
    await promotions.idle();
    expect(approved.status).toBe(200);
    expect(approved.body.approval.decisions).toEqual([
      expect.objectContaining({
        actor: SECOND_RELEASE_MANAGER,
        decision: 'approve',
        comment: 'change board CAB-12 ok',
      }),
    ]);
    expect(applied.calls.map(c => [c.namespace, c.image])).toEqual([
      ['prod', STAGING],
    ]);
    const again = await request(server)
      .post(approvals)
      .set('Authorization', as(SECOND_RELEASE_MANAGER))
      .send({ decision: 'approve' });
    expect(again.status).toBe(409);

    const stages = await request(server)
      .get('/api/environments/stages')
      .set('Authorization', as(GUEST));
    expect(stages.body.items).toEqual([
      { stage: 'dev' },
      { stage: 'staging' },
      {
        stage: 'prod',
        approval: {
          required: 1,
          approvers: ['group:default/release-managers'],
          allowRequester: false,
          validForSeconds: 86400,
        },
      },
    ]);
  });

  it('answers 409 with the id of the promotion in flight', async () => {
    const { server, cluster, applied, promotions } = await serve(['stalls']);
    const post = () =>
      request(server)
        .post(`${base}/promotions`)
        .set('Authorization', as(GUEST))
        .send({ from: 'dev', to: 'staging' });

    const first = await post();
    const second = await post();
    cluster.finishRollout('staging');
    await promotions.idle();

    expect(first.status).toBe(201);
    expect(second.status).toBe(409);
    expect(second.body).toEqual({
      error: {
        name: 'ConflictError',
        message: `A promotion is already in flight for this stage: ${first.body.id}`,
      },
      runningPromotionId: first.body.id,
    });
    expect(applied.calls).toHaveLength(1);
  });
});

describe('promotion routes before the promotion service', () => {
  const promotion = {
    id: '6f1d7c1e-3a35-4b8e-9a57-2b3c4d5e6f70',
    entityRef: 'component:default/orders',
    from: 'dev',
    to: 'staging',
    strategy: 'image' as const,
    state: 'pending' as const,
    imageAfter: 'r/orders:1.2.0',
    progress: { desired: 0, updated: 0, ready: 0 },
    gates: [],
    risk: { level: 'low' as const, reasons: [] },
    requestedBy: 'user:default/mock',
    createdAt: '2026-11-26T00:00:00.000Z',
    summary: 'orders',
  };

  /** The promotion routes on a service whose calls the test records. */
  function serve(service: Partial<PromotionService>) {
    return serveRouter(async httpAuth => {
      const router = await createApiRouter();
      addPromotionRoutes(router, {
        httpAuth,
        promotions: service as PromotionService,
      });
      return router;
    });
  }

  it('answers 400 for a malformed body before calling the service', async () => {
    const create = jest.fn();
    const server = await serve({ create });
    for (const body of [
      { from: 'dev' },
      { from: 'dev', to: 'Prod!' },
      { from: 'dev', to: 'staging', extra: 1 },
      { from: 'dev', to: 'staging', idempotencyKey: 'short' },
    ]) {
      const res = await request(server).post(`${base}/promotions`).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
    }
    expect(create).not.toHaveBeenCalled();
  });

  it('answers 401 without credentials', async () => {
    const create = jest.fn();
    const server = await serve({ create });
    const res = await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', mockCredentials.none.header())
      .send({ from: 'dev', to: 'staging' });
    expect(res.status).toBe(401);
    expect(create).not.toHaveBeenCalled();
  });

  it('lists with paging bounds and reads one promotion by id', async () => {
    const list = jest.fn().mockResolvedValue({ items: [promotion], total: 1 });
    const get = jest.fn().mockResolvedValue(promotion);
    const server = await serve({ list, get });
    expect(
      (await request(server).get(`${base}/promotions?limit=5&offset=10`))
        .status,
    ).toBe(200);
    expect(list.mock.calls[0][0]).toMatchObject({ limit: 5, offset: 10 });
    expect(
      (await request(server).get(`${base}/promotions?limit=1000`)).status,
    ).toBe(400);
    expect(
      (
        await request(server).get(
          `/api/environments/promotions/${promotion.id}`,
        )
      ).body.id,
    ).toBe(promotion.id);
    expect(
      (await request(server).get('/api/environments/promotions/not-a-uuid'))
        .status,
    ).toBe(400);
  });
});
