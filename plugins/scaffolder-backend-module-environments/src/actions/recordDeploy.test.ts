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
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import express from 'express';
import Router from 'express-promise-router';
import { createRecordDeployAction } from './recordDeploy';

/**
 * A double of the environments backend's deploys route (the real one runs with the template in
 * expressServiceTemplate.run.test.ts): it answers each request with the next scripted status and
 * records who asked.
 */
let services: { discovery: DiscoveryService; auth: AuthService } | undefined;
const script: number[] = [];
const asked: Array<{ user?: string; body: unknown }> = [];
const deploysDouble = createBackendPlugin({
  pluginId: 'environments',
  register(reg) {
    reg.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ httpRouter, httpAuth, discovery, auth }) {
        services = { discovery, auth };
        const router = Router();
        router.use(express.json());
        router.post(
          '/entities/:kind/:namespace/:name/deploys',
          async (req, res) => {
            const credentials = await httpAuth.credentials(req, {
              allow: ['user'],
            });
            asked.push({
              user: credentials.principal.userEntityRef,
              body: req.body,
            });
            const status = script.shift() ?? 500;
            if (status >= 400) {
              // Backstage's error body, as the real backend sends it
              res.status(status).json({
                error: { name: 'Error', message: `scripted ${status}` },
                request: { method: req.method, url: req.originalUrl },
                response: { statusCode: status },
              });
              return;
            }
            res.status(status).json({
              entityRef: 'component:default/orders',
              stage: req.body.stage,
              kind: 'deploy',
              image: 'registry.local/orders:1.0.0',
              recordedBy: credentials.principal.userEntityRef,
              recordedAt: '2026-11-30T10:00:00.000Z',
            });
          },
        );
        httpRouter.use(router);
      },
    });
  },
});
describe('environments:record-deploy against a double of the deploys route', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  beforeAll(async () => {
    backend = await startTestBackend({ features: [deploysDouble] });
  });
  afterAll(() => backend.stop());
  beforeEach(() => {
    script.splice(0);
    asked.splice(0);
  });

  const run = (permissions = mockServices.permissions()) => {
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/orders', stage: 'dev' },
      logger: mockServices.logger.mock(),
      templateInfo: { entityRef: 'template:default/express-service' },
    });
    ctx.getInitiatorCredentials = async () =>
      mockCredentials.user('user:default/guest');
    return {
      ctx,
      done: createRecordDeployAction({ ...services!, permissions }).handler(
        ctx as any,
      ),
    };
  };

  it('records only from a template the policy trusts, asking nothing of the backend otherwise', async () => {
    script.push(201);
    await expect(
      run(mockServices.permissions({ result: AuthorizeResult.DENY })).done,
    ).rejects.toThrow('Not allowed: environments.template.execute');
    expect(asked).toEqual([]);
  });

  it('records the deploy as the user who runs the task, asking again while the cache catches up', async () => {
    script.push(404, 201);
    const { ctx, done } = run();
    await done;
    expect(asked).toEqual([
      { user: 'user:default/guest', body: { stage: 'dev' } },
      { user: 'user:default/guest', body: { stage: 'dev' } },
    ]);
    expect(ctx.output).toHaveBeenCalledWith('recorded', true);
    expect(ctx.output).toHaveBeenCalledWith(
      'image',
      'registry.local/orders:1.0.0',
    );
  });

  it('says nothing was recorded when the stage already had this baseline (200)', async () => {
    script.push(200);
    const { ctx, done } = run();
    await done;
    expect(ctx.output).toHaveBeenCalledWith('recorded', false);
  });

  it('fails at once on a refusal that will not change (403)', async () => {
    script.push(403, 201);
    await expect(run().done).rejects.toThrow(
      'Deploy record refused (403): scripted 403',
    );
    expect(asked).toHaveLength(1);
  });
});
