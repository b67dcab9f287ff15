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

  it('fails at once when the name belongs to an entity from another location, instead of taking it for the new one', async () => {
    const catalog = catalogServiceMock.mock();
    const fromElsewhere = {
      ...entity,
      metadata: {
        name: 'orders',
        annotations: {
          'backstage.io/managed-by-location':
            'url:https://git.example.com/team-b/orders/catalog-info.yaml',
        },
      },
    };
    catalog.getEntityByRef.mockResolvedValue(fromElsewhere);
    const ctx = createMockActionContext({
      input: {
        entityRef: 'component:orders',
        timeoutSeconds: 5,
        catalogInfoPath: '/srv/published/orders/catalog-info.yaml',
      },
    });
    await expect(
      createWaitForEntityAction({ catalog, pollIntervalMs: 10 }).handler(
        ctx as any,
      ),
    ).rejects.toThrow(
      "component:default/orders is already in the catalog from another location; this task's repository was not registered (choose another name)",
    );
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(1);
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('accepts the entity read from the catalog-info.yaml the task published', async () => {
    const catalog = catalogServiceMock.mock();
    catalog.getEntityByRef.mockResolvedValueOnce(undefined).mockResolvedValue({
      ...entity,
      metadata: {
        name: 'orders',
        annotations: {
          'backstage.io/managed-by-location':
            'file:/srv/published/orders/catalog-info.yaml',
        },
      },
    });
    const ctx = createMockActionContext({
      input: {
        entityRef: 'component:orders',
        timeoutSeconds: 5,
        catalogInfoPath: '/srv/published/orders/catalog-info.yaml',
      },
    });
    await createWaitForEntityAction({ catalog, pollIntervalMs: 10 }).handler(
      ctx as any,
    );
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
      {
        entityRef: 'component:orders',
        catalogInfoPath: '/srv/published/orders/catalog-info.yaml',
      },
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
      {
        entityRef: 'component:orders',
        catalogInfoPath: 'orders/catalog-info.yaml',
      },
    ]),
  )('refuses %s', (_, input) =>
    expect(acceptsInput(action, input)).toBe(false),
  );
});
