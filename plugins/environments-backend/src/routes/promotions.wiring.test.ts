/*
 * The promotion routes as the real plugin mounts them (plugin.ts block): the plugin's database,
 * auditor, permissions and actions registry come from the test backend's core services, and
 * Backstage's permission backend in the same backend decides with the demo's policy module.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { environmentsPlugin } from '../plugin';
import {
  demoPermissionFeatures,
  GUEST,
  PERMISSIONS_ENABLED,
} from '../services/promotion/__testUtils__/policyPermissions';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'orders' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

const config = {
  environments: {
    stages: [
      { name: 'dev', cluster: 'local', namespace: 'dev' },
      { name: 'staging', cluster: 'local', namespace: 'staging' },
      { name: 'prod', cluster: 'local', namespace: 'prod' },
    ],
  },
};

async function backend() {
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      mockServices.rootConfig.factory({
        data: { ...config, ...PERMISSIONS_ENABLED },
      }),
      catalogServiceMock.factory({ entities: [entity] }),
      ...demoPermissionFeatures(),
      actionsRegistryServiceMock.factory(),
    ],
  });
  return { server };
}

const base = '/api/environments/entities/component/default/orders';

describe('promotion routes in the plugin', () => {
  it('serves an empty history from the plugin database', async () => {
    const { server } = await backend();
    const res = await request(server).get(`${base}/promotions`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], total: 0 });
  });

  it('answers 403 to the guest promoting to prod and records nothing', async () => {
    const { server } = await backend();
    const res = await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', mockCredentials.user.header(GUEST))
      .send({ from: 'staging', to: 'prod' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'Not allowed: environments.promotion.create for component:default/orders in prod',
    );
    expect((await request(server).get(`${base}/promotions`)).body.total).toBe(
      0,
    );
  });

  it('refuses to promote backwards (that is a rollback) with 400', async () => {
    const { server } = await backend();
    const res = await request(server)
      .post(`${base}/promotions`)
      .send({ from: 'staging', to: 'dev' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/forward only/);
  });

  it('answers 404 for an entity the catalog does not return', async () => {
    const { server } = await backend();
    const res = await request(server)
      .post(
        '/api/environments/entities/component/default/nope/promotions/preview',
      )
      .send({ from: 'dev', to: 'staging' });
    expect(res.status).toBe(404);
  });
});
