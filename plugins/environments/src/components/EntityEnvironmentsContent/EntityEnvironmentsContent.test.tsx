import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  awaitingApproval,
  checklistResponse,
  entity,
  metricsResponse,
  preview,
  promotion,
  stage,
  stageGovernance,
  statusResponse,
} from '../../__testUtils__/fixtures';
import {
  BASE_URL,
  ENTITY_PATH,
  renderWithApi,
} from '../../__testUtils__/renderWithApi';
import { EntityEnvironmentsContent } from './EntityEnvironmentsContent';

const server = setupServer();
registerMswTestHooks(server);

/** The read routes of a healthy entity; a test overrides what it is about. */
function readRoutes() {
  return [
    http.get(`${ENTITY_PATH}/status`, () =>
      HttpResponse.json(statusResponse()),
    ),
    http.get(`${ENTITY_PATH}/checklist`, () =>
      HttpResponse.json({
        ...checklistResponse('dev'),
        stages: [
          checklistResponse('dev').stages[0],
          checklistResponse('staging').stages[0],
        ],
      }),
    ),
    http.get(`${ENTITY_PATH}/metrics`, ({ request }) =>
      HttpResponse.json(
        metricsResponse(new URL(request.url).searchParams.get('stage')!),
      ),
    ),
    http.get(`${ENTITY_PATH}/promotions`, () =>
      HttpResponse.json({ items: [], total: 0 }),
    ),
    http.get(`${BASE_URL}/stages`, () => HttpResponse.json(stageGovernance())),
    http.post(`${ENTITY_PATH}/promotions/preview`, async ({ request }) => {
      const body = (await request.json()) as { from: string; to: string };
      return HttpResponse.json(
        body.to === 'prod'
          ? preview({
              ...body,
              allowed: false,
              blockedReason: 'You may not promote to prod.',
            })
          : preview(body),
      );
    }),
  ];
}

describe('EntityEnvironmentsContent', () => {
  it('tells the owner of an unannotated component exactly which annotation to add', async () => {
    await renderWithApi(<EntityEnvironmentsContent />, { entity: entity({}) });
    expect(
      screen.getByText('No Kubernetes workloads linked to this component'),
    ).toBeInTheDocument();
    expect(document.body).toHaveTextContent(
      'backstage.io/kubernetes-id: payments',
    );
  });

  it('shows the stages left to right with the promote buttons between them', async () => {
    server.use(...readRoutes());
    await renderWithApi(<EntityEnvironmentsContent />);
    const pipeline = await screen.findByRole('list', {
      name: 'Stages, in promotion order',
    });
    const regions = within(pipeline)
      .getAllByRole('region')
      .map(r => r.getAttribute('aria-labelledby'));
    expect(regions).toEqual([
      'environments-stage-dev',
      'environments-stage-staging',
      'environments-stage-prod',
    ]);
    expect(
      screen.getByRole('button', { name: 'Promote 1.4.2 to staging' }),
    ).toBeEnabled();
    // the backend's verdict disables the prod button with its reason
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Promote 1.1.0 to prod' }),
      ).toBeDisabled(),
    );
    expect(
      screen.getByText('You may not promote to prod.'),
    ).toBeInTheDocument();
    // checklist and metrics of the first stage, and the history
    expect(
      await screen.findByText('Verification checklist: dev'),
    ).toBeInTheDocument();
    expect(await screen.findByText('Metrics: dev')).toBeInTheDocument();
    expect(await screen.findByText(/No promotions yet/)).toBeInTheDocument();
  });

  it('switches checklist and metrics to the stage the user picks', async () => {
    server.use(...readRoutes());
    await renderWithApi(<EntityEnvironmentsContent />);
    await userEvent.click(await screen.findByRole('tab', { name: 'staging' }));
    expect(
      await screen.findByText('Verification checklist: staging'),
    ).toBeInTheDocument();
    expect(await screen.findByText('Metrics: staging')).toBeInTheDocument();
  });

  it('promotes dev to staging and shows the new version on the staging card without a reload', async () => {
    let promoted = false;
    // msw tries handlers in the order given: this status route comes before the default one
    server.use(
      http.get(`${ENTITY_PATH}/status`, () =>
        HttpResponse.json(
          statusResponse([
            stage('dev', '1.4.2'),
            stage('staging', promoted ? '1.4.2' : '1.1.0'),
            stage('prod', '1.0.0'),
          ]),
        ),
      ),
      http.post(`${ENTITY_PATH}/promotions`, () =>
        HttpResponse.json(promotion(), { status: 202 }),
      ),
      http.get(`${BASE_URL}/promotions/p-1`, () => {
        promoted = true;
        return HttpResponse.json(
          promotion({
            state: 'succeeded',
            progress: { desired: 3, updated: 3, ready: 3 },
          }),
        );
      }),
      ...readRoutes(),
    );
    await renderWithApi(<EntityEnvironmentsContent />);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Promote 1.4.2 to staging' }),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Continue' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Promote to staging' }),
    );
    await waitFor(
      () => expect(screen.getByRole('status')).toHaveTextContent(/^Done/),
      {
        timeout: 5000,
      },
    );
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    const staging = screen.getByRole('region', { name: 'staging' });
    await waitFor(() =>
      expect(within(staging).getByText('1.4.2')).toBeInTheDocument(),
    );
    // nothing left to promote from dev
    expect(screen.getByText('staging already runs 1.4.2.')).toBeInTheDocument();
  });

  it("shows each stage's window and approval rule, and refreshes after an approver approves", async () => {
    const decided: unknown[] = [];
    const waiting = () =>
      awaitingApproval(
        decided.length === 0
          ? {}
          : {
              decisions: [
                {
                  actor: 'user:default/rita',
                  decision: 'approve',
                  at: '2026-11-26T04:02:00Z',
                },
              ],
              canDecide: false,
              cannotDecideReason: 'You already approved it',
            },
      );
    server.use(
      http.get(`${ENTITY_PATH}/promotions`, () =>
        HttpResponse.json({ items: [waiting()], total: 1 }),
      ),
      http.post(`${BASE_URL}/promotions/p-2/approvals`, async ({ request }) => {
        decided.push(await request.json());
        return HttpResponse.json(waiting());
      }),
      ...readRoutes(),
    );
    await renderWithApi(<EntityEnvironmentsContent />);
    const staging = await screen.findByRole('region', { name: 'staging' });
    expect(
      await within(staging).findByText(
        'Deploy window open until Fri 4 Dec, 17:00 CET',
      ),
    ).toBeInTheDocument();
    const prod = screen.getByRole('region', { name: 'prod' });
    expect(
      within(prod).getByText(
        'Needs 2 approvals (group:default/release-managers)',
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      await within(prod).findByRole('button', { name: 'Approve' }),
    );

    expect(decided).toEqual([{ decision: 'approve' }]);
    expect(
      await within(prod).findByRole('group', {
        name: 'Awaiting approval (1 of 2)',
      }),
    ).toBeInTheDocument();
    expect(
      within(prod).getByRole('button', { name: 'Approve' }),
    ).toHaveAccessibleDescription('You already approved it');
    // the history was read again too
    expect(
      await screen.findByText(/^1 of 2 approvals: rita \(approved/),
    ).toBeInTheDocument();
  });

  it('says once that windows and approval rules are unknown when they cannot be read', async () => {
    server.use(
      http.get(`${BASE_URL}/stages`, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'settings unavailable' },
            request: { method: 'GET', url: '/stages' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
      ...readRoutes(),
    );
    await renderWithApi(<EntityEnvironmentsContent />);
    expect(
      await screen.findByText(
        'Deploy windows and approval rules could not be read; the backend still applies them.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'prod' })).toBeInTheDocument();
    expect(screen.queryByText(/^Deploy window (open|closed)/)).toBeNull();
  });

  it('shows the backend error when the status cannot be read at all', async () => {
    server.use(
      http.get(`${ENTITY_PATH}/status`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: 'entity component:default/payments not found',
            },
            request: { method: 'GET', url: '/' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await renderWithApi(<EntityEnvironmentsContent />);
    expect(
      await screen.findByText('Error: Could not read the environments'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/entity component:default\/payments not found/)
        .length,
    ).toBeGreaterThan(0);
  });

  it('shows the annotation snippet when the backend finds no usable annotation', async () => {
    server.use(
      http.get(`${ENTITY_PATH}/status`, () =>
        HttpResponse.json({ ...statusResponse([]), configured: false }),
      ),
    );
    await renderWithApi(<EntityEnvironmentsContent />);
    expect(
      await screen.findByText(
        'No Kubernetes workloads linked to this component',
      ),
    ).toBeInTheDocument();
    expect(document.body).toHaveTextContent(
      'backstage.io/kubernetes-id: payments',
    );
  });
});
