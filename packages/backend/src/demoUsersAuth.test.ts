import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonObject } from '@backstage/types';
import authPlugin from '@backstage/plugin-auth-backend';
import request from 'supertest';
import { DEMO_USER_HEADER, demoUsersAuthModule } from './demoUsersAuth';

const rita = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'rita', namespace: 'default' },
  spec: { memberOf: ['release-managers'] },
  relations: [
    { type: 'memberOf', targetRef: 'group:default/release-managers' },
  ],
};

function backend(auth: JsonObject) {
  return startTestBackend({
    features: [
      authPlugin,
      demoUsersAuthModule,
      catalogServiceMock.factory({ entities: [rita] }),
      mockServices.rootConfig.factory({
        data: { app: { baseUrl: 'http://localhost:3000' }, auth },
      }),
    ],
  });
}

describe('demo-user sign-in (test only)', () => {
  it('signs in the catalog user the header names, with their groups', async () => {
    const { server } = await backend({
      environment: 'development',
      providers: { 'demo-user': {} },
    });
    const res = await request(server)
      .get('/api/auth/demo-user/refresh')
      .set(DEMO_USER_HEADER, 'rita');
    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity).toEqual({
      type: 'user',
      userEntityRef: 'user:default/rita',
      ownershipEntityRefs: [
        'user:default/rita',
        'group:default/release-managers',
      ],
    });
    const nobody = await request(server)
      .get('/api/auth/demo-user/refresh')
      .set(DEMO_USER_HEADER, 'mallory');
    // Not in the catalog: no identity (the catalog lookup answers not found).
    expect(nobody.status).toBe(404);
    expect(nobody.body.backstageIdentity).toBeUndefined();
    const bad = await request(server)
      .get('/api/auth/demo-user/refresh')
      .set(DEMO_USER_HEADER, '../admin');
    expect(bad.status).toBe(401);
  });

  it('does not exist unless configured', async () => {
    const { server } = await backend({ environment: 'development' });
    const res = await request(server)
      .get('/api/auth/demo-user/refresh')
      .set(DEMO_USER_HEADER, 'rita');
    expect(res.status).toBe(404);
  });

  it('refuses to start outside development', async () => {
    await expect(
      backend({ environment: 'production', providers: { 'demo-user': {} } }),
    ).rejects.toThrow(/for tests in auth.environment "development"/);
  });
});
