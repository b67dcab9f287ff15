import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { StageGovernance } from '@envportal/plugin-environments-common';
import {
  awaitingApproval,
  preview,
  promotion,
  stageGovernance,
} from '../../__testUtils__/fixtures';
import {
  BASE_URL,
  ENTITY_PATH,
  renderWithApi,
} from '../../__testUtils__/renderWithApi';
import { PromoteDialog } from './PromoteDialog';

const server = setupServer();
registerMswTestHooks(server);

/** Answers GET /promotions/p-1 with each state in turn, then the last one for ever. */
function promotionSequence(states: Array<Parameters<typeof promotion>[0]>) {
  let call = 0;
  return http.get(`${BASE_URL}/promotions/p-1`, () => {
    const next = states[Math.min(call, states.length - 1)];
    call += 1;
    return HttpResponse.json(promotion(next));
  });
}

const renderDialog = (onFinished = jest.fn(), governance?: StageGovernance) =>
  renderWithApi(
    <PromoteDialog
      open
      from="dev"
      to="staging"
      version="1.4.2"
      governance={governance}
      onClose={jest.fn()}
      onFinished={onFinished}
    />,
  );

describe('PromoteDialog', () => {
  it('goes from review to confirm to live progress until the rollout is done', async () => {
    let posted: any;
    server.use(
      http.post(`${ENTITY_PATH}/promotions/preview`, () =>
        HttpResponse.json(preview()),
      ),
      http.post(`${ENTITY_PATH}/promotions`, async ({ request }) => {
        posted = await request.json();
        return HttpResponse.json(promotion(), { status: 202 });
      }),
      promotionSequence([
        { state: 'running', progress: { desired: 3, updated: 2, ready: 1 } },
        {
          state: 'succeeded',
          progress: { desired: 3, updated: 3, ready: 3 },
          finishedAt: '2026-11-26T04:01:00Z',
        },
      ]),
    );
    const onFinished = jest.fn();
    await renderDialog(onFinished);

    const dialog = screen.getByRole('dialog', {
      name: 'Promote 1.4.2 from dev to staging',
    });
    // review: diff, gates, risk
    expect(
      await within(dialog).findByText('registry.local/payments:1.4.2'),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('Gates (all passed)')).toBeInTheDocument();
    expect(
      within(dialog).getByText('Error rate below 1 %: pass. 0.4 % over 15 min'),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('Risk: low')).toBeInTheDocument();
    expect(
      within(dialog).getByText('3 minor versions ahead'),
    ).toBeInTheDocument();
    expect(
      within(dialog).queryByLabelText(/Override reason/),
    ).not.toBeInTheDocument();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Continue' }),
    );
    // focus moves to the step heading so screen readers announce the step
    expect(within(dialog).getByText('Step 2 of 3: confirm')).toHaveFocus();
    expect(posted).toBeUndefined();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Promote to staging' }),
    );
    expect(posted).toMatchObject({ from: 'dev', to: 'staging' });
    expect(posted.overrideReason).toBeUndefined();
    expect(typeof posted.idempotencyKey).toBe('string');

    const status = await within(dialog).findByRole('status');
    await waitFor(
      () => expect(status).toHaveTextContent('2 of 3 pods updated, 1 ready'),
      {
        timeout: 4000,
      },
    );
    await waitFor(
      () =>
        expect(status).toHaveTextContent(
          'Done: staging runs registry.local/payments:1.4.2',
        ),
      { timeout: 4000 },
    );
    expect(status).toHaveTextContent('3 of 3 pods updated, 3 ready');
    expect(onFinished).toHaveBeenCalledTimes(1);
    expect(onFinished.mock.calls[0][0].state).toBe('succeeded');
  });

  it('shows "rolled back" with the reason when the rollout fails', async () => {
    server.use(
      http.post(`${ENTITY_PATH}/promotions/preview`, () =>
        HttpResponse.json(preview()),
      ),
      http.post(`${ENTITY_PATH}/promotions`, () =>
        HttpResponse.json(promotion(), { status: 202 }),
      ),
      promotionSequence([
        {
          state: 'rolled-back',
          progress: { desired: 3, updated: 1, ready: 0 },
          rollback: {
            reason: 'new pods not ready within 60 s',
            at: '2026-11-26T04:02:00Z',
          },
        },
      ]),
    );
    await renderDialog();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Continue' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Promote to staging' }),
    );
    await waitFor(
      () =>
        expect(screen.getByRole('status')).toHaveTextContent(
          'Rolled back: new pods not ready within 60 s',
        ),
      { timeout: 4000 },
    );
  });

  it('asks for an override reason when gates fail and the user may override, and sends it', async () => {
    let posted: any;
    server.use(
      http.post(`${ENTITY_PATH}/promotions/preview`, () =>
        HttpResponse.json(
          preview({
            gatesPassed: false,
            canOverride: true,
            gates: [
              {
                id: 'latency',
                title: 'p95 latency below 500 ms',
                result: 'fail',
                detail: '730 ms over 15 min',
              },
              {
                id: 'traffic',
                title: 'Enough traffic',
                result: 'insufficient-data',
                detail: '3 requests',
              },
            ],
            risk: { level: 'high', reasons: ['gates failed'] },
          }),
        ),
      ),
      http.post(`${ENTITY_PATH}/promotions`, async ({ request }) => {
        posted = await request.json();
        return HttpResponse.json(promotion(), { status: 202 });
      }),
      promotionSequence([{ state: 'running' }]),
    );
    await renderDialog();
    expect(
      await screen.findByText('Gates (not all passed)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('p95 latency below 500 ms: fail. 730 ms over 15 min'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Enough traffic: insufficient data. 3 requests'),
    ).toBeInTheDocument();
    expect(screen.getByText('Risk: high')).toBeInTheDocument();

    const continueButton = screen.getByRole('button', { name: 'Continue' });
    expect(continueButton).toBeDisabled();
    await userEvent.type(
      screen.getByRole('textbox', { name: /Override reason/ }),
      'too short',
    );
    expect(continueButton).toBeDisabled();
    await userEvent.type(
      screen.getByRole('textbox', { name: /Override reason/ }),
      ' — incident 42 hotfix',
    );
    expect(continueButton).toBeEnabled();
    await userEvent.click(continueButton);
    expect(
      screen.getByText(
        'Gates overridden because: too short — incident 42 hotfix',
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Promote to staging' }),
    );
    await waitFor(() =>
      expect(posted?.overrideReason).toBe('too short — incident 42 hotfix'),
    );
  });

  it('cannot continue when gates fail and the user may not override', async () => {
    server.use(
      http.post(`${ENTITY_PATH}/promotions/preview`, () =>
        HttpResponse.json(preview({ gatesPassed: false, canOverride: false })),
      ),
    );
    await renderDialog();
    expect(
      await screen.findByText(
        'The gates did not pass and you may not override them.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Continue' })).toBeDisabled();
  });

  it('shows the backend refusal on the confirm step and stays there', async () => {
    server.use(
      http.post(`${ENTITY_PATH}/promotions/preview`, () =>
        HttpResponse.json(preview()),
      ),
      http.post(`${ENTITY_PATH}/promotions`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ConflictError',
              message: 'a promotion to staging is already running',
            },
            request: { method: 'POST', url: '/' },
            response: { statusCode: 409 },
          },
          { status: 409 },
        ),
      ),
    );
    await renderDialog();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Continue' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Promote to staging' }),
    );
    expect(
      await screen.findByText(/a promotion to staging is already running/),
    ).toBeInTheDocument();
    expect(screen.getByText('Step 2 of 3: confirm')).toBeInTheDocument();
  });

  it('follows the promotion already running into the stage instead of failing', async () => {
    server.use(
      http.post(`${ENTITY_PATH}/promotions/preview`, () =>
        HttpResponse.json(preview()),
      ),
      http.post(`${ENTITY_PATH}/promotions`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ConflictError',
              message: 'a promotion to staging is running',
            },
            runningPromotionId: 'p-1',
          },
          { status: 409 },
        ),
      ),
      promotionSequence([
        { state: 'verifying', progress: { desired: 3, updated: 3, ready: 3 } },
      ]),
    );
    await renderDialog();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Continue' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Promote to staging' }),
    );
    expect(
      await screen.findByText(
        'A promotion to staging was already running; this is its progress.',
      ),
    ).toBeInTheDocument();
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Verifying the new version',
    );
  });

  it('is operable with the keyboard alone', async () => {
    server.use(
      http.post(`${ENTITY_PATH}/promotions/preview`, () =>
        HttpResponse.json(preview()),
      ),
    );
    await renderDialog();
    await screen.findByText('Gates (all passed)');
    // Tab from the step heading reaches Cancel, then Continue; Enter activates it.
    await userEvent.tab();
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await userEvent.tab();
    expect(screen.getByRole('button', { name: 'Continue' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(screen.getByText('Step 2 of 3: confirm')).toHaveFocus();
  });

  it('says when a closed target opens again, in its review', async () => {
    server.use(
      http.post(`${ENTITY_PATH}/promotions/preview`, () =>
        HttpResponse.json(preview()),
      ),
    );
    await renderDialog(jest.fn(), {
      stage: 'staging',
      window: {
        open: false,
        changesAt: '2026-12-07T08:00:00Z',
        timeZone: 'Europe/Berlin',
        outside: 'refuse',
      },
    });
    expect(
      await screen.findByText(
        'Deploy window closed until Mon 7 Dec, 09:00 CET: promotions are refused',
      ),
    ).toBeInTheDocument();
  });

  it('requests approval where the target needs it and says what it waits for', async () => {
    let posted: unknown;
    const polled = jest.fn();
    const prod = stageGovernance().items.find(g => g.stage === 'prod')!;
    server.use(
      http.post(`${ENTITY_PATH}/promotions/preview`, () =>
        HttpResponse.json(preview()),
      ),
      http.post(`${ENTITY_PATH}/promotions`, async ({ request }) => {
        posted = await request.json();
        return HttpResponse.json(
          awaitingApproval({}, { from: 'dev', to: 'staging' }),
          { status: 202 },
        );
      }),
      http.get(`${BASE_URL}/promotions/p-2`, () => {
        polled();
        return HttpResponse.json(
          awaitingApproval({}, { from: 'dev', to: 'staging' }),
        );
      }),
    );
    const onFinished = jest.fn();
    await renderDialog(onFinished, { ...prod, stage: 'staging' });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Continue' }),
    );
    expect(
      screen.getByText(
        'Needs 2 approvals (group:default/release-managers) before it starts.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Promote to staging' }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Request approval' }),
    );

    expect(await screen.findByRole('status')).toHaveTextContent(
      'Awaiting approval (0 of 2)',
    );
    expect(posted).toMatchObject({ from: 'dev', to: 'staging' });
    expect(
      screen.getByText(
        'group:default/release-managers can approve it until Fri 27 Nov, 05:00 CET; it starts once approved.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/pods updated/)).not.toBeInTheDocument();
    // the page refreshes so the stage card shows it; the dialog does not poll for hours
    await waitFor(() => expect(onFinished).toHaveBeenCalledTimes(1));
    expect(onFinished.mock.calls[0][0].state).toBe('awaiting-approval');
    await new Promise(resolve => setTimeout(resolve, 1_500));
    expect(polled).not.toHaveBeenCalled();
  });
});
