import { registerMswTestHooks } from '@backstage/test-utils';
import type { DoraMetrics } from '@envportal/plugin-environments-common';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  BASE_URL,
  ENTITY_PATH,
  renderWithApi,
} from '../../__testUtils__/renderWithApi';
import { DoraPanel } from './DoraPanel';

const server = setupServer();
registerMswTestHooks(server);

const metrics = (range: string): DoraMetrics => ({
  range: range as DoraMetrics['range'],
  stage: 'prod',
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-11-15T00:00:00.000Z',
  deploymentFrequency: {
    count: 3,
    perWeek: 1.5,
    byWeek: [
      { weekStart: '2026-11-01T00:00:00.000Z', count: 2 },
      { weekStart: '2026-11-08T00:00:00.000Z', count: 1 },
    ],
  },
  leadTime: { samples: 3, medianSeconds: 7200, p90Seconds: 86400 * 2 },
  changeFailureRate: { failures: 1, changes: 4, rate: 0.25 },
  timeToRestore: { samples: 0, unrestored: 1 },
});

describe('DoraPanel', () => {
  it("shows one component's four metrics and deployments per week, and asks again for the range picked", async () => {
    const ranges: string[] = [];
    server.use(
      http.get(`${ENTITY_PATH}/dora`, ({ request }) => {
        const range = new URL(request.url).searchParams.get('range')!;
        ranges.push(range);
        return HttpResponse.json(metrics(range));
      }),
    );
    await renderWithApi(
      <DoraPanel
        entity={{ kind: 'Component', namespace: 'default', name: 'payments' }}
      />,
    );
    expect(
      await screen.findByRole('group', {
        name: 'Deployment frequency: 1.5 / week',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('3 successful promotions into prod'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('group', { name: 'Lead time: 2.0 h' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('median 2.0 h, p90 2.0 days (3)'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('group', { name: 'Change failure rate: 25 %' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('group', { name: 'Time to restore: no data' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No restores in this range; 1 not restored yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('figure', {
        name: 'Deployments into prod per week: 1 Nov 2, 8 Nov 1',
      }),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: '90d' }));
    await waitFor(() => expect(ranges).toEqual(['30d', '90d']));
  });

  it('reads the fleet-wide figures without an entity, and says when they cannot be read', async () => {
    server.use(
      http.get(`${BASE_URL}/dora`, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'database unavailable' } },
          { status: 503 },
        ),
      ),
    );
    await renderWithApi(<DoraPanel />);
    expect(
      (await screen.findAllByText(/database unavailable/)).length,
    ).toBeGreaterThan(0);
  });
});
