import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createWaitForEntityAction } from './waitForEntity';

describe('catalog:wait-for-entity', () => {
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'orders' },
    spec: {},
  };

  it('waits until the catalog has the entity, asking as the task user', async () => {
    const catalog = catalogServiceMock.mock();
    catalog.getEntityByRef
      .mockResolvedValueOnce(undefined)
      .mockResolvedValueOnce(undefined)
      .mockResolvedValue(entity);
    const ctx = createMockActionContext({
      input: { entityRef: 'component:orders', timeoutSeconds: 5 },
    });
    await createWaitForEntityAction({ catalog, pollIntervalMs: 10 }).handler(
      ctx as any,
    );
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(3);
    expect(catalog.getEntityByRef.mock.calls[0][1]).toEqual({
      credentials: await ctx.getInitiatorCredentials(),
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/orders',
    );
  });

  it('gives up after the timeout', async () => {
    const catalog = catalogServiceMock.mock();
    catalog.getEntityByRef.mockResolvedValue(undefined);
    const ctx = createMockActionContext({
      input: { entityRef: 'component:default/orders', timeoutSeconds: 1 },
    });
    await expect(
      createWaitForEntityAction({ catalog, pollIntervalMs: 100 }).handler(
        ctx as any,
      ),
    ).rejects.toThrow(
      'component:default/orders did not appear in the catalog within 1s',
    );
  });
});
