import { Entity } from '@backstage/catalog-model';
import { discoveryApiRef, fetchApiRef } from '@backstage/frontend-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  MockFetchApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ReactElement } from 'react';
import { EnvironmentsClient, environmentsApiRef } from '../api';
import { entity as defaultEntity } from './fixtures';

/** Where the msw handlers listen: the tests go through the real client and a mocked network. */
export const BASE_URL = 'http://backstage.test/api/environments';
export const ENTITY_PATH = `${BASE_URL}/entities/Component/default/payments`;

export const discoveryApi = {
  getBaseUrl: async (pluginId: string) =>
    `http://backstage.test/api/${pluginId}`,
};

export function createClient() {
  return new EnvironmentsClient({
    discoveryApi,
    fetchApi: new MockFetchApi(),
  });
}

/** Renders a component of the tab inside an entity page with the real client. */
export function renderWithApi(
  element: ReactElement,
  options: { entity?: Entity } = {},
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [environmentsApiRef, createClient()],
        [discoveryApiRef, discoveryApi],
        [fetchApiRef, new MockFetchApi()],
      ]}
    >
      <EntityProvider entity={options.entity ?? defaultEntity()}>
        {element}
      </EntityProvider>
    </TestApiProvider>,
  );
}
