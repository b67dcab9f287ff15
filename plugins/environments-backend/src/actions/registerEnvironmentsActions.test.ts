import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { mockCredentials } from '@backstage/backend-test-utils';
import { registerEnvironmentsActions } from './registerEnvironmentsActions';

describe('environments actions', () => {
  function setup() {
    const actionsRegistry = actionsRegistryServiceMock();
    const promotions = {
      create: jest.fn().mockResolvedValue({
        created: true,
        promotion: {
          id: 'p1',
          state: 'pending',
          imageAfter: 'r/a:1.2.0',
          imageBefore: 'r/a:1.1.0',
          risk: {
            level: 'medium',
            reasons: ['minor version changes 1.1.0 → 1.2.0'],
          },
          summary: 's',
        },
      }),
    };
    const status = { getStatus: jest.fn(), getStageViews: jest.fn() };
    registerEnvironmentsActions({
      actionsRegistry,
      status: status as any,
      promotions: promotions as any,
    });
    return { actionsRegistry, promotions, status };
  }

  it('promote-entity calls the promotion service with the caller credentials', async () => {
    const { actionsRegistry, promotions } = setup();
    const credentials = mockCredentials.user('user:development/guest');
    const result = await actionsRegistry.invoke({
      id: 'test:promote-entity',
      input: {
        entityRef: 'component:default/orders',
        from: 'dev',
        to: 'staging',
        idempotencyKey: 'agent-run-42',
      },
      credentials,
    });
    expect(promotions.create).toHaveBeenCalledWith(
      {
        entity: { kind: 'component', namespace: 'default', name: 'orders' },
        from: 'dev',
        to: 'staging',
        idempotencyKey: 'agent-run-42',
      },
      { credentials },
    );
    expect(result.output).toMatchObject({
      id: 'p1',
      created: true,
      riskLevel: 'medium',
    });
  });

  it('promote-entity refuses malformed input before calling the service', async () => {
    const { actionsRegistry, promotions } = setup();
    await expect(
      actionsRegistry.invoke({
        id: 'test:promote-entity',
        input: {
          entityRef: 'component:default/orders',
          from: 'dev',
          to: 'Staging!',
        },
        credentials: mockCredentials.user(),
      }),
    ).rejects.toThrow(/^to: invalid stage name$/);
    expect(promotions.create).not.toHaveBeenCalled();
  });
});
