import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import request from 'supertest';
import { PromotionInFlightError } from '../database/PromotionStore';
import { PromotionService } from '../services/promotion';
import { createApiRouter } from './apiRouter';
import { addPromotionRoutes } from './promotions';

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

async function serve(service: Partial<PromotionService>) {
  const plugin = createBackendPlugin({
    pluginId: 'environments',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          const router = await createApiRouter();
          addPromotionRoutes(router, {
            httpAuth,
            promotions: service as PromotionService,
          });
          httpRouter.use(router);
        },
      });
    },
  });
  const { server } = await startTestBackend({ features: [plugin] });
  return server;
}

const base = '/api/environments/entities/component/default/orders';

describe('promotion routes', () => {
  it('creates a promotion (201) and replays an idempotent retry (200)', async () => {
    const create = jest
      .fn()
      .mockResolvedValueOnce({ promotion, created: true })
      .mockResolvedValueOnce({ promotion, created: false });
    const server = await serve({ create });
    const first = await request(server)
      .post(`${base}/promotions`)
      .set('Idempotency-Key', 'click-0001')
      .send({ from: 'dev', to: 'staging' });
    expect(first.status).toBe(201);
    expect(first.body.id).toBe(promotion.id);
    expect(create.mock.calls[0][0]).toMatchObject({
      entity: { kind: 'component', name: 'orders' },
      idempotencyKey: 'click-0001',
    });
    const again = await request(server)
      .post(`${base}/promotions`)
      .set('Idempotency-Key', 'click-0001')
      .send({ from: 'dev', to: 'staging' });
    expect(again.status).toBe(200);
  });

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

  it('answers 403 when the service denies the permission', async () => {
    const server = await serve({
      create: jest
        .fn()
        .mockRejectedValue(new NotAllowedError('no prod for you')),
    });
    const res = await request(server)
      .post(`${base}/promotions`)
      .send({ from: 'staging', to: 'prod' });
    expect(res.status).toBe(403);
  });

  it('answers 409 with the id of the promotion in flight', async () => {
    const server = await serve({
      create: jest
        .fn()
        .mockRejectedValue(new PromotionInFlightError(promotion.id)),
    });
    const res = await request(server)
      .post(`${base}/promotions`)
      .send({ from: 'dev', to: 'staging' });
    expect(res.status).toBe(409);
    expect(res.body.runningPromotionId).toBe(promotion.id);
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
