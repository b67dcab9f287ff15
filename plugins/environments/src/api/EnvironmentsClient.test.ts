import { registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  createClient,
  ENTITY_PATH,
  BASE_URL,
} from '../__testUtils__/renderWithApi';
import {
  awaitingApproval,
  errorBody,
  promotion,
  stageGovernance,
  statusResponse,
} from '../__testUtils__/fixtures';

const server = setupServer();
registerMswTestHooks(server);

const ref = { kind: 'Component', namespace: 'default', name: 'payments' };

describe('EnvironmentsClient', () => {
  it('reads the status of an entity from its path under the plugin', async () => {
    server.use(
      http.get(`${ENTITY_PATH}/status`, () =>
        HttpResponse.json(statusResponse()),
      ),
    );
    const status = await createClient().getStatus(ref);
    expect(status.stages.map(s => s.stage)).toEqual(['dev', 'staging', 'prod']);
  });

  it('passes the range and stage of a metrics request as query parameters', async () => {
    let seen: URL | undefined;
    server.use(
      http.get(`${ENTITY_PATH}/metrics`, ({ request }) => {
        seen = new URL(request.url);
        return HttpResponse.json({ stages: [] });
      }),
    );
    await createClient().getMetrics(ref, { range: '6h', stage: 'prod' });
    expect(seen?.searchParams.get('range')).toBe('6h');
    expect(seen?.searchParams.get('stage')).toBe('prod');
  });

  it('posts a promotion with its override reason and idempotency key', async () => {
    let body: unknown;
    server.use(
      http.post(`${ENTITY_PATH}/promotions`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(promotion(), { status: 202 });
      }),
    );
    const created = await createClient().createPromotion(ref, {
      from: 'dev',
      to: 'staging',
      overrideReason: 'hotfix for incident 42',
      idempotencyKey: 'k-1',
    });
    expect(created.id).toBe('p-1');
    expect(body).toEqual({
      from: 'dev',
      to: 'staging',
      overrideReason: 'hotfix for incident 42',
      idempotencyKey: 'k-1',
    });
  });

  it('pages the history with limit and offset', async () => {
    let seen: URL | undefined;
    server.use(
      http.get(`${ENTITY_PATH}/promotions`, ({ request }) => {
        seen = new URL(request.url);
        return HttpResponse.json({ items: [], total: 0 });
      }),
    );
    await createClient().listPromotions(ref, { limit: 5, offset: 10 });
    expect(seen?.searchParams.get('limit')).toBe('5');
    expect(seen?.searchParams.get('offset')).toBe('10');
  });

  it('encodes a promotion id in its path', async () => {
    server.use(
      http.get(`${BASE_URL}/promotions/a%2Fb`, () =>
        HttpResponse.json(promotion({ id: 'a/b' })),
      ),
    );
    expect((await createClient().getPromotion('a/b')).id).toBe('a/b');
  });

  it("posts an approver's decision with its comment to the promotion's approvals", async () => {
    let body: unknown;
    server.use(
      http.post(
        `${BASE_URL}/promotions/a%2Fb/approvals`,
        async ({ request }) => {
          body = await request.json();
          return HttpResponse.json(
            awaitingApproval({}, { id: 'a/b', state: 'rejected' }),
          );
        },
      ),
    );
    const decided = await createClient().decidePromotion('a/b', {
      decision: 'reject',
      comment: 'not during the freeze',
    });
    expect(decided.state).toBe('rejected');
    expect(body).toEqual({
      decision: 'reject',
      comment: 'not during the freeze',
    });
  });

  it('keeps the conflict when the promotion no longer awaits approval', async () => {
    server.use(
      http.post(`${BASE_URL}/promotions/p-2/approvals`, () =>
        HttpResponse.json(
          errorBody(
            409,
            'ConflictError',
            'Promotion p-2 is running, not awaiting approval',
            '/promotions/p-2/approvals',
          ),
          { status: 409 },
        ),
      ),
    );
    await expect(
      createClient().decidePromotion('p-2', { decision: 'approve' }),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 409 });
  });

  it("reads each stage's approval policy and deploy window", async () => {
    server.use(
      http.get(`${BASE_URL}/stages`, () =>
        HttpResponse.json(stageGovernance()),
      ),
    );
    const { items } = await createClient().getStageGovernance();
    expect(items.find(s => s.stage === 'prod')).toMatchObject({
      approval: { required: 2 },
      window: { open: false, outside: 'queue' },
    });
  });

  it('sends a promotion with an idempotency key again when a stopping replica refused it (503)', async () => {
    const keys: Array<string | undefined> = [];
    server.use(
      http.post(`${ENTITY_PATH}/promotions`, async ({ request }) => {
        keys.push(
          ((await request.json()) as { idempotencyKey?: string })
            .idempotencyKey,
        );
        return keys.length === 1
          ? HttpResponse.json(
              errorBody(
                503,
                'ServiceUnavailableError',
                'This portal replica is shutting down; try again',
                '/promotions',
              ),
              { status: 503 },
            )
          : HttpResponse.json(promotion(), { status: 201 });
      }),
    );
    const created = await createClient().createPromotion(ref, {
      from: 'dev',
      to: 'staging',
      idempotencyKey: 'k-retry',
    });
    expect(created.id).toBe('p-1');
    expect(keys).toEqual(['k-retry', 'k-retry']);
  });

  it('does not send a promotion without an idempotency key again', async () => {
    let calls = 0;
    server.use(
      http.post(`${ENTITY_PATH}/promotions`, () => {
        calls++;
        return HttpResponse.json(
          errorBody(
            503,
            'ServiceUnavailableError',
            'shutting down',
            '/promotions',
          ),
          { status: 503 },
        );
      }),
    );
    await expect(
      createClient().createPromotion(ref, { from: 'dev', to: 'staging' }),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 503 });
    expect(calls).toBe(1);
  });

  it("keeps the backend's error message and status for the error panels", async () => {
    server.use(
      http.post(`${ENTITY_PATH}/promotions`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'guests may not promote to prod',
            },
            request: { method: 'POST', url: '/promotions' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await expect(
      createClient().createPromotion(ref, { from: 'staging', to: 'prod' }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      body: { error: { message: 'guests may not promote to prod' } },
    });
  });
});
