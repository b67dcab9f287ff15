import {
  AuthService,
  coreServices,
  createBackendPlugin,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import express from 'express';
import Router from 'express-promise-router';
import { acceptsInput, inputCases } from '../__testUtils__/inputSchema';
import { createPromoteAction } from './promote';

/**
 * A double of the environments backend's promotion routes (the real endpoint is built separately):
 * it authenticates the caller like the real plugin does and answers per the contract in
 * environments-common/src/types.ts. Only "user:default/releaser" may promote.
 */
const requests: Array<{ path: string; user: string; body: any }> = [];
const environmentsRouteDouble = createBackendPlugin({
  pluginId: 'environments',
  register(reg) {
    reg.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ httpRouter, httpAuth }) {
        const router = Router();
        router.use(express.json());
        router.post(
          '/entities/:kind/:namespace/:name/promotions/:what?',
          async (req, res) => {
            const credentials = await httpAuth.credentials(req, {
              allow: ['user'],
            });
            const user = credentials.principal.userEntityRef;
            requests.push({ path: req.path, user, body: req.body });
            if (user !== 'user:default/releaser')
              throw new NotAllowedError('You may not promote into staging');
            const entityRef = `${req.params.kind}:${req.params.namespace}/${req.params.name}`;
            if (req.params.what === 'preview') {
              res.json({
                entityRef,
                from: req.body.from,
                to: req.body.to,
                source: { image: 'registry.local/orders:1.2.0' },
                target: {},
                diff: [],
                gates: [
                  {
                    id: 'error-rate',
                    title: 'Error rate below 1 %',
                    result: 'pass',
                    detail: '0.1 %',
                  },
                ],
                gatesPassed: true,
                risk: { level: 'low', reasons: [] },
                allowed: true,
                canOverride: false,
              });
              return;
            }
            res.status(201).json({
              id: 'promo-1',
              entityRef,
              from: req.body.from,
              to: req.body.to,
              strategy: 'image',
              state: 'running',
              imageAfter: 'registry.local/orders:1.2.0',
              progress: { desired: 2, updated: 0, ready: 0 },
              gates: [],
              risk: { level: 'low', reasons: [] },
              requestedBy: user,
              createdAt: new Date().toISOString(),
              summary: 'orders 1.2.0 dev → staging',
            });
          },
        );
        httpRouter.use(router);
      },
    });
  },
});

let services: { discovery: DiscoveryService; auth: AuthService } | undefined;
const captureServices = createBackendPlugin({
  pluginId: 'capture',
  register(reg) {
    reg.registerInit({
      deps: { discovery: coreServices.discovery, auth: coreServices.auth },
      async init(deps) {
        services = deps;
      },
    });
  },
});

describe('environments:promote against a double of the environments promotion route', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        environmentsRouteDouble,
        captureServices,
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
  });
  afterAll(() => backend.stop());
  beforeEach(() => requests.splice(0));

  const run = (
    user: string,
    isDryRun = false,
    permissions = mockServices.permissions(),
  ) => {
    const ctx = createMockActionContext({
      input: {
        entityRef: 'component:default/orders',
        from: 'dev',
        to: 'staging',
      },
      logger: mockServices.logger.mock(),
      templateInfo: { entityRef: 'template:default/express-service' },
    });
    ctx.getInitiatorCredentials = async () => mockCredentials.user(user);
    return {
      ctx,
      done: createPromoteAction({ ...services!, permissions }).handler({
        ...ctx,
        isDryRun,
      } as any),
    };
  };

  it('requests the promotion as the user who runs the task, with an idempotency key', async () => {
    const { ctx, done } = run('user:default/releaser');
    await done;
    expect(requests).toEqual([
      {
        path: '/entities/component/default/orders/promotions',
        user: 'user:default/releaser',
        body: {
          from: 'dev',
          to: 'staging',
          idempotencyKey: 'scaffolder:mock-task-id:mock-step-id',
        },
      },
    ]);
    expect(ctx.output).toHaveBeenCalledWith('promotionId', 'promo-1');
    expect(ctx.output).toHaveBeenCalledWith('state', 'running');
  });

  it("fails with the backend's refusal when the user may not promote", async () => {
    const { done } = run('user:default/intern');
    await expect(done).rejects.toThrow(
      new NotAllowedError(
        'Promotion refused (403): You may not promote into staging',
      ),
    );
    expect(requests[0].user).toBe('user:default/intern');
  });

  it('promotes only from a template the policy trusts, asking nothing of the backend otherwise', async () => {
    const { done } = run(
      'user:default/releaser',
      false,
      mockServices.permissions({ result: AuthorizeResult.DENY }),
    );
    await expect(done).rejects.toThrow(
      'Not allowed: environments.template.execute',
    );
    expect(requests).toEqual([]);
  });

  it('in a dry run only asks for the preview', async () => {
    const { ctx, done } = run('user:default/releaser', true);
    await done;
    expect(requests.map(r => r.path)).toEqual([
      '/entities/component/default/orders/promotions/preview',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('state', 'would-promote');
  });

  it('refuses promoting a stage onto itself', async () => {
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/orders', from: 'dev', to: 'dev' },
    });
    await expect(
      createPromoteAction({
        ...services!,
        permissions: mockServices.permissions(),
      }).handler(ctx as any),
    ).rejects.toThrow('from and to must be different stages');
    expect(requests).toEqual([]);
  });
});

describe('environments:promote input', () => {
  const action = createPromoteAction({
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
    permissions: mockServices.permissions(),
  });
  const input = {
    entityRef: 'component:default/orders',
    from: 'dev',
    to: 'staging',
  };

  it.each(
    inputCases([
      input,
      { ...input, entityRef: 'component:orders' },
      { ...input, entityRef: 'api:team-a/orders.v2_x' },
      { ...input, entityRef: 'component:default/Orders' },
      { ...input, overrideReason: 'x'.repeat(10) },
      { ...input, overrideReason: 'x'.repeat(500) },
    ]),
  )('accepts %s', (_, value) => expect(acceptsInput(action, value)).toBe(true));

  it.each(
    inputCases([
      { from: 'dev', to: 'staging' },
      { entityRef: 'component:default/orders', from: 'dev' },
      { ...input, entityRef: 'orders' },
      { ...input, entityRef: '1component:default/orders' },
      { ...input, entityRef: 'component:default/orders/x' },
      { ...input, entityRef: 'component:default/-orders' },
      { ...input, from: 'Dev' },
      { ...input, to: 'prod/x' },
      { ...input, overrideReason: 'x'.repeat(9) },
      { ...input, overrideReason: 'x'.repeat(501) },
    ]),
  )('refuses %s', (_, value) =>
    expect(acceptsInput(action, value)).toBe(false),
  );
});
