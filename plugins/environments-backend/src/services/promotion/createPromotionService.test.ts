import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { ConfigReader } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { readClusterAccess } from '@envportal/plugin-environments-node';
import { registerEnvironmentsActions } from '../../actions/registerEnvironmentsActions';
import { readEnvironmentsConfig } from '../../config';
import { PromotionStore } from '../../database/PromotionStore';
import { createClusterRegistry } from '../clusters';
import { createEntityResolver } from '../entities';
import { createPromotionService } from './createPromotionService';
import { readPromotionSettings } from './settings';

const config = new ConfigReader({
  environments: {
    stages: [
      { name: 'dev', cluster: 'local', namespace: 'dev' },
      { name: 'staging', cluster: 'local', namespace: 'staging' },
    ],
  },
});
const orders = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'orders' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};
const ref = { kind: 'component', namespace: 'default', name: 'orders' };

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

async function setup() {
  const knex = await databases.init('SQLITE_3');
  const store = await PromotionStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
  const auditor = mockServices.auditor.mock();
  const environments = readEnvironmentsConfig(config);
  const service = createPromotionService({
    logger: mockServices.logger.mock(),
    auditor,
    auth: mockServices.auth(),
    permissions: mockServices.permissions({ result: AuthorizeResult.DENY }),
    store,
    registry: createClusterRegistry({
      stages: environments.stages,
      access: readClusterAccess(config),
    }),
    workloadCache: {} as never,
    entities: createEntityResolver({
      catalog: catalogServiceMock({ entities: [orders] }),
      auth: mockServices.auth(),
    }),
    environments,
    settings: readPromotionSettings(config),
  });
  return { service, store, auditor };
}

describe('promotion requests that are refused', () => {
  it('audit the denial once, naming the user, and record nothing', async () => {
    const { service, store, auditor } = await setup();
    await expect(
      service.create(
        { entity: ref, from: 'dev', to: 'staging' },
        { credentials: mockCredentials.user('user:default/alice') },
      ),
    ).rejects.toThrow(NotAllowedError);
    expect(auditor.createEvent).toHaveBeenCalledTimes(1);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'promotion-denied',
        meta: expect.objectContaining({
          actor: 'user:default/alice',
          entityRef: 'component:default/orders',
          to: 'staging',
        }),
      }),
    );
    expect(
      (
        await store.list({
          entityRef: 'component:default/orders',
          limit: 10,
          offset: 0,
        })
      ).total,
    ).toBe(0);
  });

  it('name the service principal when a tool or agent asks through the MCP actions', async () => {
    const { service, auditor } = await setup();
    const actionsRegistry = actionsRegistryServiceMock();
    registerEnvironmentsActions({
      actionsRegistry,
      status: {} as never,
      promotions: service,
    });
    await expect(
      actionsRegistry.invoke({
        id: 'test:promote-entity',
        input: {
          entityRef: 'component:default/orders',
          from: 'dev',
          to: 'staging',
        },
        credentials: mockCredentials.service('external:release-agent'),
      }),
    ).rejects.toThrow(NotAllowedError);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'promotion-denied',
        meta: expect.objectContaining({
          actor: 'service:external:release-agent',
        }),
      }),
    );
  });
});
