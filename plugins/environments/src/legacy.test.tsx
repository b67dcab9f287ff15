import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  MockFetchApi,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ReactElement } from 'react';
import { Route, Routes } from 'react-router-dom';
import {
  checklistResponse,
  entity,
  metricsResponse,
  preview,
  statusResponse,
} from './__testUtils__/fixtures';
import { discoveryApi, ENTITY_PATH } from './__testUtils__/renderWithApi';
// What a legacy app imports: the package root's named exports.
import {
  EntityEnvironmentsCard,
  EntityEnvironmentsContent,
  EnvironmentsApi,
  EnvironmentsClient,
  environmentsApiRef,
  environmentsPlugin,
} from './index';

const server = setupServer();
registerMswTestHooks(server);

/** The backend as the tab sees it: three stages, dev/staging/prod, with nothing promoted yet. */
function mockEnvironmentsApi(): jest.Mocked<EnvironmentsApi> {
  return {
    getStatus: jest.fn().mockResolvedValue(statusResponse()),
    getChecklist: jest.fn().mockResolvedValue(checklistResponse('dev')),
    getMetrics: jest
      .fn()
      .mockImplementation(async (_ref, { stage }) => metricsResponse(stage)),
    previewPromotion: jest
      .fn()
      .mockImplementation(async (_ref, request) => preview(request)),
    createPromotion: jest.fn(),
    listPromotions: jest.fn().mockResolvedValue({ items: [], total: 0 }),
    getPromotion: jest.fn(),
    decidePromotion: jest.fn(),
    getStageGovernance: jest.fn().mockResolvedValue({ items: [] }),
    getFleet: jest.fn(),
    getDrift: jest.fn().mockResolvedValue({ entityRef: '', stages: [] }),
    getDora: jest.fn().mockRejectedValue(new Error('not in this test')),
    getFleetDora: jest.fn(),
  };
}

/** A legacy app's entity page: the extension under its tab's route, as EntityLayout.Route places it. */
function renderOnLegacyEntityPage(element: ReactElement, api: EnvironmentsApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[environmentsApiRef, api]]}>
      <EntityProvider entity={entity()}>
        <Routes>
          <Route path="/environments/*" element={element} />
        </Routes>
      </EntityProvider>
    </TestApiProvider>,
    { routeEntries: ['/environments'] },
  );
}

describe('legacy frontend system', () => {
  it('shows the three stages of the entity on the Environments tab', async () => {
    const api = mockEnvironmentsApi();
    await renderOnLegacyEntityPage(<EntityEnvironmentsContent />, api);

    await screen.findByRole('list', { name: 'Stages, in promotion order' });
    for (const name of ['dev', 'staging', 'prod']) {
      expect(screen.getByRole('region', { name })).toBeInTheDocument();
    }
    expect(
      await screen.findByRole('button', { name: 'Promote 1.4.2 to staging' }),
    ).toBeInTheDocument();
    expect(api.getStatus).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'payments',
    });
  });

  it('lists each stage on the overview card', async () => {
    await renderOnLegacyEntityPage(
      <EntityEnvironmentsCard />,
      mockEnvironmentsApi(),
    );

    const lines = (await screen.findAllByRole('listitem')).map(
      li => li.textContent,
    );
    expect(lines).toEqual([
      'dev: 1.4.2, 3/3 ready',
      'staging: 1.1.0, 3/3 ready',
      'prod: 1.0.0, 3/3 ready',
    ]);
  });

  it("builds the API from the app's discovery and fetch APIs, reading environments-backend", async () => {
    const factory = [...environmentsPlugin.getApis()].find(
      f => f.api.id === environmentsApiRef.id,
    );
    expect(factory?.deps).toEqual({
      discoveryApi: discoveryApiRef,
      fetchApi: fetchApiRef,
    });

    server.use(
      http.get(`${ENTITY_PATH}/status`, () =>
        HttpResponse.json(statusResponse()),
      ),
    );
    const api = factory!.factory({
      discoveryApi,
      fetchApi: new MockFetchApi(),
    }) as EnvironmentsApi;
    expect(api).toBeInstanceOf(EnvironmentsClient);
    const status = await api.getStatus({
      kind: 'Component',
      namespace: 'default',
      name: 'payments',
    });
    expect(status.stages.map(s => s.stage)).toEqual(['dev', 'staging', 'prod']);
  });
});
