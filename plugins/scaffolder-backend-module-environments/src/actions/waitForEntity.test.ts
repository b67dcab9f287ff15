import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { acceptsInput, inputCases } from '../__testUtils__/inputSchema';
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

describe('catalog:wait-for-entity input', () => {
  const action = createWaitForEntityAction({ catalog: catalogServiceMock() });

  it.each(
    inputCases([
      { entityRef: 'component:default/orders' },
      { entityRef: 'component:orders' },
      { entityRef: 'api:team-a/orders.v2_x' },
      { entityRef: 'component:default/Orders' },
      { entityRef: 'component:orders', timeoutSeconds: 1 },
      { entityRef: 'component:orders', timeoutSeconds: 600 },
    ]),
  )('accepts %s', (_, input) => expect(acceptsInput(action, input)).toBe(true));

  it.each(
    inputCases([
      {},
      { entityRef: 'orders' },
      { entityRef: 'component:' },
      { entityRef: '1component:default/orders' },
      { entityRef: 'component:default/orders/x' },
      { entityRef: 'component:default/-orders' },
      { entityRef: 'component:orders', timeoutSeconds: 0 },
      { entityRef: 'component:orders', timeoutSeconds: 601 },
      { entityRef: 'component:orders', timeoutSeconds: 1.5 },
    ]),
  )('refuses %s', (_, input) =>
    expect(acceptsInput(action, input)).toBe(false),
  );
});
