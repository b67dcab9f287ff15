import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { awaitingApproval, errorBody } from '../../__testUtils__/fixtures';
import { BASE_URL, renderWithApi } from '../../__testUtils__/renderWithApi';
import { ApprovalPanel } from './ApprovalPanel';

const server = setupServer();
registerMswTestHooks(server);

/** Records each decision posted for p-2 and answers with the promotion as given. */
function decisionRoute(answer = awaitingApproval()) {
  const posted: unknown[] = [];
  server.use(
    http.post(`${BASE_URL}/promotions/p-2/approvals`, async ({ request }) => {
      posted.push(await request.json());
      return HttpResponse.json(answer);
    }),
  );
  return posted;
}

describe('ApprovalPanel', () => {
  it('shows what waits and lets an approver approve, then refreshes the view', async () => {
    const posted = decisionRoute();
    const onDecided = jest.fn();
    await renderWithApi(
      <ApprovalPanel
        promotion={awaitingApproval({
          decisions: [
            {
              actor: 'user:default/rita',
              decision: 'approve',
              at: '2026-11-26T04:02:00Z',
            },
          ],
        })}
        timeZone="Europe/Berlin"
        onDecided={onDecided}
      />,
    );
    expect(screen.getByText('Awaiting approval (1 of 2)')).toBeInTheDocument();
    expect(
      screen.getByText(
        '1.1.0 from staging, requested by alice; approvals accepted until Fri 27 Nov, 05:00 CET',
      ),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(onDecided).toHaveBeenCalledTimes(1));
    expect(posted).toEqual([{ decision: 'approve' }]);
  });

  it('rejects only with a comment, and sends it', async () => {
    const posted = decisionRoute();
    const onDecided = jest.fn();
    await renderWithApi(
      <ApprovalPanel promotion={awaitingApproval()} onDecided={onDecided} />,
    );
    const reject = screen.getByRole('button', { name: 'Reject' });
    expect(reject).toBeDisabled();
    expect(reject).toHaveAccessibleDescription(
      'Needed to reject; kept with the decision.',
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Comment' }),
      'not during the freeze',
    );
    await userEvent.click(reject);
    await waitFor(() => expect(onDecided).toHaveBeenCalledTimes(1));
    expect(posted).toEqual([
      { decision: 'reject', comment: 'not during the freeze' },
    ]);
  });

  it("disables both buttons with the backend's reason for someone who may not decide", async () => {
    await renderWithApi(
      <ApprovalPanel
        promotion={awaitingApproval({
          canDecide: false,
          cannotDecideReason:
            'Only group:default/release-managers may approve promotions into prod',
        })}
      />,
    );
    for (const name of ['Approve', 'Reject']) {
      const button = screen.getByRole('button', { name });
      expect(button).toBeDisabled();
      expect(button).toHaveAccessibleDescription(
        'Only group:default/release-managers may approve promotions into prod',
      );
    }
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
  });

  it("says why a decision was refused, in the backend's words", async () => {
    server.use(
      http.post(`${BASE_URL}/promotions/p-2/approvals`, () =>
        HttpResponse.json(
          errorBody(
            409,
            'ConflictError',
            'Promotion p-2 is running, not awaiting approval',
            '/promotions/p-2/approvals',
          ),
          { status: 409 },
        ),
      ),
    );
    const onDecided = jest.fn();
    await renderWithApi(
      <ApprovalPanel promotion={awaitingApproval()} onDecided={onDecided} />,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The decision was not recorded: Promotion p-2 is running, not awaiting approval',
    );
    // the promotion moved on: the view is read again
    expect(onDecided).toHaveBeenCalledTimes(1);
  });

  it('shows until when an approved promotion is queued, with nothing to decide', async () => {
    await renderWithApi(
      <ApprovalPanel
        promotion={awaitingApproval(
          {},
          { state: 'queued', runAfter: '2026-12-07T08:00:00Z' },
        )}
        timeZone="Europe/Berlin"
      />,
    );
    expect(
      screen.getByText('Queued until Mon 7 Dec, 09:00 CET'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});
