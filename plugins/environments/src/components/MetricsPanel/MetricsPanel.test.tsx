import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { metricsResponse } from '../../__testUtils__/fixtures';
import { ENTITY_PATH, renderWithApi } from '../../__testUtils__/renderWithApi';
import { MetricsPanel } from './MetricsPanel';

const server = setupServer();
registerMswTestHooks(server);

describe('MetricsPanel', () => {
  it('draws one chart per series with the latest value and the gate threshold', async () => {
    server.use(
      http.get(`${ENTITY_PATH}/metrics`, () =>
        HttpResponse.json(metricsResponse('dev')),
      ),
    );
    const { container } = await renderWithApi(<MetricsPanel stage="dev" />);
    const figures = await screen.findAllByRole('figure');
    // ordered traffic first, then errors and latency
    expect(figures.map(f => f.getAttribute('aria-label'))).toEqual([
      'Request rate: no data in this range',
      'Error rate: latest 0.4 %, gate 1 %',
      'p95 latency: latest 120 ms, gate 500 ms',
    ]);
    // recharts renders into a responsive container; the no-data series has no chart at all
    expect(
      container.querySelectorAll('.recharts-responsive-container'),
    ).toHaveLength(2);
  });

  it('asks the backend again for the range the user picks', async () => {
    const ranges: string[] = [];
    server.use(
      http.get(`${ENTITY_PATH}/metrics`, ({ request }) => {
        ranges.push(new URL(request.url).searchParams.get('range')!);
        return HttpResponse.json(metricsResponse('dev'));
      }),
    );
    await renderWithApi(<MetricsPanel stage="dev" />);
    await screen.findAllByRole('figure');
    expect(screen.getByRole('button', { name: '1h' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await userEvent.click(screen.getByRole('button', { name: '24h' }));
    await waitFor(() => expect(ranges).toEqual(['1h', '24h']));
    expect(screen.getByRole('button', { name: '24h' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });

  it('says metrics are unavailable, with the reason, when Prometheus is down', async () => {
    server.use(
      http.get(`${ENTITY_PATH}/metrics`, () =>
        HttpResponse.json(
          metricsResponse('prod', {
            available: false,
            error: 'Prometheus at 127.0.0.1:9090 did not answer: ECONNREFUSED',
            series: [],
          }),
        ),
      ),
    );
    await renderWithApi(<MetricsPanel stage="prod" />);
    expect(
      await screen.findByText(/Metrics unavailable for prod/),
    ).toBeInTheDocument();
    expect(screen.getByText(/ECONNREFUSED/)).toBeInTheDocument();
    expect(screen.queryByRole('figure')).not.toBeInTheDocument();
  });

  it('shows the request error when the backend fails', async () => {
    server.use(
      http.get(`${ENTITY_PATH}/metrics`, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'boom' },
            request: { method: 'GET', url: '/' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
    );
    await renderWithApi(<MetricsPanel stage="dev" />);
    expect((await screen.findAllByText(/boom/)).length).toBeGreaterThan(0);
    expect(screen.queryByRole('figure')).not.toBeInTheDocument();
  });
});
