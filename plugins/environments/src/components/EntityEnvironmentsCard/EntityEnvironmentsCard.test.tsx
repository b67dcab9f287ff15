import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { entity, stage, statusResponse } from '../../__testUtils__/fixtures';
import { ENTITY_PATH, renderWithApi } from '../../__testUtils__/renderWithApi';
import { EntityEnvironmentsCard } from './EntityEnvironmentsCard';

const server = setupServer();
registerMswTestHooks(server);

describe('EntityEnvironmentsCard', () => {
  it('shows one line per stage with version and readiness, stale and failing stages called out', async () => {
    const failing = stage('staging', '1.2.0-fail');
    server.use(
      http.get(`${ENTITY_PATH}/status`, () =>
        HttpResponse.json(
          statusResponse([
            stage('dev', '1.4.2'),
            {
              ...failing,
              workload: {
                ...failing.workload!,
                replicas: { desired: 3, ready: 2, updated: 1, available: 2 },
                rollout: { state: 'failed' },
              },
            },
            stage('prod', '1.0.0', {
              state: 'error',
              stale: true,
              error: 'timeout',
            }),
          ]),
        ),
      ),
    );
    await renderWithApi(<EntityEnvironmentsCard />);
    const lines = (await screen.findAllByRole('listitem')).map(
      li => li.textContent,
    );
    expect(lines).toEqual([
      'dev: 1.4.2, 3/3 ready',
      'staging: 1.2.0-fail, 2/3 ready',
      'prod: 1.0.0, 3/3 ready, stale',
    ]);
  });

  it('points an unannotated component to the annotation instead of calling the backend', async () => {
    await renderWithApi(<EntityEnvironmentsCard />, { entity: entity({}) });
    expect(
      screen.getByText(/add the backstage.io\/kubernetes-id annotation/),
    ).toBeInTheDocument();
  });
});
