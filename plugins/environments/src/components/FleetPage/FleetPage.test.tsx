import { fetchApiRef, discoveryApiRef } from '@backstage/frontend-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  MockFetchApi,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type {
  FleetResponse,
  FleetRow,
  FleetStage,
} from '@envportal/plugin-environments-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { environmentsApiRef } from '../../api';
import {
  BASE_URL,
  createClient,
  discoveryApi,
} from '../../__testUtils__/renderWithApi';
import { FleetPage } from './FleetPage';

const server = setupServer();
registerMswTestHooks(server);

const NOW = '2026-11-30T12:00:00.000Z';
const daysAgo = (n: number) =>
  new Date(Date.parse(NOW) - n * 86_400_000).toISOString();

const ok = (stage: string, c: Partial<FleetStage> = {}): FleetStage => ({
  stage,
  state: 'ok',
  version: '1.4.2',
  ready: 2,
  desired: 2,
  rollout: 'complete',
  since: daysAgo(3),
  attention: [],
  ...c,
});

const row = (name: string, r: Partial<FleetRow>): FleetRow => ({
  entityRef: `component:default/${name}`,
  name,
  owner: 'group:default/team-a',
  system: 'shop',
  stages: [ok('dev'), ok('staging'), ok('prod')],
  ...r,
});

const fleet: FleetResponse = {
  generatedAt: NOW,
  stages: [
    { stage: 'dev' },
    { stage: 'staging' },
    {
      stage: 'prod',
      approval: {
        required: 2,
        approvers: ['group:default/release-managers'],
        allowRequester: false,
        validForSeconds: 86400,
      },
      window: {
        open: false,
        changesAt: '2026-12-07T08:00:00.000Z',
        timeZone: 'Europe/Berlin',
        outside: 'queue',
      },
    },
  ],
  rows: [
    row('orders', {
      stages: [
        ok('dev', { version: '1.5.0', since: daysAgo(2) }),
        ok('staging', {
          behind: { version: '1.5.0', since: daysAgo(2), days: 2 },
        }),
        ok('prod', {
          version: '1.4.1',
          since: daysAgo(30),
          behind: { version: '1.4.2', since: daysAgo(9), days: 9 },
          attention: ['9 days behind staging (1.4.2)'],
          promotion: {
            id: 'p1',
            state: 'awaiting-approval',
            from: 'staging',
            to: 'prod',
            approvalsRequired: 2,
            approvalsGiven: 1,
          },
        }),
      ],
    }),
    row('payments', {
      owner: 'group:default/team-b',
      system: 'billing',
      stages: [
        ok('dev', { rollout: 'progressing', ready: 1 }),
        ok('staging'),
        { stage: 'prod', state: 'not-found', attention: [] },
      ],
    }),
  ],
};

function renderPage() {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [environmentsApiRef, createClient()],
        [discoveryApiRef, discoveryApi],
        [fetchApiRef, new MockFetchApi()],
      ]}
    >
      <FleetPage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

async function renderFleet() {
  server.use(http.get(`${BASE_URL}/fleet`, () => HttpResponse.json(fleet)));
  await renderPage();
  await screen.findByText('2 of 2 components');
}

const rowOf = (name: string) => screen.getByText(name).closest('tr')!;

describe('FleetPage', () => {
  it('shows every component by stage: version, readiness, lag, waiting promotions and what needs attention', async () => {
    await renderFleet();
    const orders = within(rowOf('orders'));
    expect(orders.getByText('1.5.0')).toBeInTheDocument();
    expect(
      orders.getByText('behind dev (1.5.0) for 2 days'),
    ).toBeInTheDocument();
    expect(orders.getByText('Awaiting approval (1 of 2)')).toBeInTheDocument();
    expect(
      orders.getByText('9 days behind staging (1.4.2)'),
    ).toBeInTheDocument();
    expect(orders.getByText('2/2 ready · for 30 days')).toBeInTheDocument();
    // the component links to its entity page
    expect(screen.getByRole('link', { name: 'orders' })).toHaveAttribute(
      'href',
      '/catalog/default/component/orders',
    );
    const payments = within(rowOf('payments'));
    expect(
      payments.getByText('1/2 ready · rolling out · for 3 days'),
    ).toBeInTheDocument();
    expect(payments.getByText('Not deployed')).toBeInTheDocument();
    // prod's heading says its window and approval rule
    expect(screen.getByText('2 approvals required')).toBeInTheDocument();
    expect(
      screen.getByText(
        /Deploy window closed until .*: promotions queue until then/,
      ),
    ).toBeInTheDocument();
  });

  it('filters by needs attention, owner and search text', async () => {
    await renderFleet();
    await userEvent.click(screen.getByLabelText('Needs attention (1)'));
    expect(screen.getByText('1 of 2 components')).toBeInTheDocument();
    expect(screen.queryByText('payments')).not.toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Needs attention (1)'));

    await userEvent.type(screen.getByLabelText('Search'), 'pay');
    expect(screen.getByText('1 of 2 components')).toBeInTheDocument();
    expect(screen.getByText('payments')).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText('Search'));

    await userEvent.click(
      within(screen.getByTestId('environments-fleet-owner')).getByRole(
        'button',
      ),
    );
    await userEvent.click(
      await screen.findByRole('option', { name: 'group:default/team-b' }),
    );
    expect(screen.getByText('1 of 2 components')).toBeInTheDocument();
    expect(screen.queryByText('orders')).not.toBeInTheDocument();
  });

  it('says so when the fleet cannot be read', async () => {
    server.use(
      http.get(`${BASE_URL}/fleet`, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'database down' } },
          { status: 500 },
        ),
      ),
    );
    await renderPage();
    expect(
      await screen.findByText('Error: Could not read the fleet'),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/database down/).length).toBeGreaterThan(0);
  });
});
