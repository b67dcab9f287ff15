import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createEntityResolver } from './createEntityResolver';

const entity = {
  apiVersion: 'v1',
  kind: 'Component',
  metadata: { name: 'orders' },
};
const ref = { kind: 'component', namespace: 'default', name: 'orders' };

describe('createEntityResolver', () => {
  it('asks the catalog once per caller within the TTL, and never shares an answer between callers', async () => {
    const calls: string[] = [];
    const resolver = createEntityResolver({
      auth: mockServices.auth(),
      ttlMs: 60_000,
      catalog: {
        getEntityByRef: async (_ref: string, { credentials }: any) => {
          calls.push(credentials.principal.userEntityRef);
          return credentials.principal.userEntityRef === 'user:default/alice'
            ? entity
            : undefined;
        },
      } as any,
    });
    const alice = { credentials: mockCredentials.user('user:default/alice') };
    const bob = { credentials: mockCredentials.user('user:default/bob') };
    await expect(resolver.resolve(ref, alice)).resolves.toBe(entity);
    await expect(resolver.resolve(ref, alice)).resolves.toBe(entity);
    await expect(resolver.resolve(ref, bob)).rejects.toThrow('not found');
    expect(calls).toEqual(['user:default/alice', 'user:default/bob']);
  });

  it('asks again after the TTL', async () => {
    let calls = 0;
    const resolver = createEntityResolver({
      auth: mockServices.auth(),
      ttlMs: 1,
      catalog: {
        getEntityByRef: async () => {
          calls++;
          return entity;
        },
      } as any,
    });
    const alice = { credentials: mockCredentials.user('user:default/alice') };
    await resolver.resolve(ref, alice);
    await new Promise(r => setTimeout(r, 5));
    await resolver.resolve(ref, alice);
    expect(calls).toBe(2);
  });
});
