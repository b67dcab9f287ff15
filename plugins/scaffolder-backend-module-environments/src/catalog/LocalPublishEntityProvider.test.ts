import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { LocalPublishEntityProvider } from './LocalPublishEntityProvider';

describe('LocalPublishEntityProvider', () => {
  const dir = createMockDirectory({
    content: {
      orders: { 'catalog-info.yaml': 'kind: Component' },
      'half-written': { 'README.md': '' },
      'stray-file.yaml': 'kind: Component',
    },
  });

  it('offers one file Location per published repository, nothing else from the disk', async () => {
    const provider = new LocalPublishEntityProvider(
      dir.path,
      mockServices.logger.mock(),
    );
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await provider.connect(connection);
    expect(await provider.refresh()).toBe(1);
    const mutation = connection.applyMutation.mock.calls[0][0];
    expect(mutation.type).toBe('full');
    expect(mutation.entities.map((e: any) => e.entity.spec)).toEqual([
      {
        type: 'file',
        target: dir.resolve('orders/catalog-info.yaml'),
        presence: 'optional',
      },
    ]);
  });

  it('offers nothing while the directory does not exist yet', async () => {
    const provider = new LocalPublishEntityProvider(
      dir.resolve('not-yet'),
      mockServices.logger.mock(),
    );
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await provider.connect(connection);
    expect(await provider.refresh()).toBe(0);
    expect(connection.applyMutation).toHaveBeenCalledWith({
      type: 'full',
      entities: [],
    });
  });
});
