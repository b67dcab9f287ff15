import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { awaitingApproval, promotion } from '../../__testUtils__/fixtures';
import { ENTITY_PATH, renderWithApi } from '../../__testUtils__/renderWithApi';
import { PromotionHistoryTable } from './PromotionHistoryTable';

const server = setupServer();
registerMswTestHooks(server);

const all = Array.from({ length: 7 }, (_, i) =>
  promotion({
    id: `p-${i}`,
    state: i === 1 ? 'rolled-back' : 'succeeded',
    summary: `payments 1.${i}.0 to staging`,
    durationMs: 42_000,
    overrideReason: i === 0 ? 'incident 42 hotfix' : undefined,
  }),
);

describe('PromotionHistoryTable', () => {
  it('pages through the history on the server and shows each release note', async () => {
    const offsets: string[] = [];
    server.use(
      http.get(`${ENTITY_PATH}/promotions`, ({ request }) => {
        const url = new URL(request.url);
        const limit = Number(url.searchParams.get('limit'));
        const offset = Number(url.searchParams.get('offset'));
        offsets.push(String(offset));
        return HttpResponse.json({
          items: all.slice(offset, offset + limit),
          total: all.length,
        });
      }),
    );
    await renderWithApi(<PromotionHistoryTable />);
    expect(
      await screen.findByText('payments 1.0.0 to staging'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Gates overridden: incident 42 hotfix'),
    ).toBeInTheDocument();
    expect(screen.getByText('rolled-back')).toBeInTheDocument();
    expect(screen.getAllByText('42 s')).toHaveLength(5);
    expect(
      screen.queryByText('payments 1.5.0 to staging'),
    ).not.toBeInTheDocument();

    await userEvent.click(
      screen.getAllByRole('button', { name: /next page/i })[0],
    );
    expect(
      await screen.findByText('payments 1.5.0 to staging'),
    ).toBeInTheDocument();
    expect(screen.getByText('payments 1.6.0 to staging')).toBeInTheDocument();
    await waitFor(() => expect(offsets).toEqual(['0', '5']));
  });

  it('explains an empty history', async () => {
    server.use(
      http.get(`${ENTITY_PATH}/promotions`, () =>
        HttpResponse.json({ items: [], total: 0 }),
      ),
    );
    await renderWithApi(<PromotionHistoryTable />);
    expect(await screen.findByText(/No promotions yet/)).toBeInTheDocument();
  });

  it('shows who approved or rejected a promotion and when, and why it ended', async () => {
    // local times, so the expected clock reads the same in every time zone
    const at = (h: number, m: number) =>
      new Date(2026, 10, 26, h, m).toISOString();
    server.use(
      http.get(`${ENTITY_PATH}/promotions`, () =>
        HttpResponse.json({
          items: [
            awaitingApproval(
              {
                decisions: [
                  {
                    actor: 'user:default/rita',
                    decision: 'approve',
                    at: at(10, 2),
                  },
                ],
              },
              { createdAt: at(9, 58) },
            ),
            awaitingApproval(
              {
                decisions: [
                  {
                    actor: 'user:default/bob',
                    decision: 'reject',
                    comment: 'not during the freeze',
                    at: at(11, 30),
                  },
                ],
              },
              {
                id: 'p-3',
                state: 'rejected',
                createdAt: at(11, 0),
                error: 'rejected by user:default/bob: not during the freeze',
              },
            ),
            awaitingApproval(
              {},
              {
                id: 'p-4',
                state: 'expired',
                error: 'no decision before 2026-11-27T04:00:00Z',
              },
            ),
          ],
          total: 3,
        }),
      ),
    );
    await renderWithApi(<PromotionHistoryTable />);
    expect(
      await screen.findByText('1 of 2 approvals: rita (approved 10:02)'),
    ).toBeInTheDocument();
    // each state with its own icon: waiting, refused, lapsed
    const iconOf = (state: string) =>
      within(screen.getByText(state).closest('tr')!).getByTestId(/^status-/)
        .dataset.testid;
    expect(iconOf('awaiting-approval')).toBe('status-pending');
    expect(iconOf('rejected')).toBe('status-error');
    expect(iconOf('expired')).toBe('status-aborted');
    expect(
      screen.getByText(
        '0 of 2 approvals: bob (rejected 11:30: not during the freeze)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('rejected by user:default/bob: not during the freeze'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('no decision before 2026-11-27T04:00:00Z'),
    ).toBeInTheDocument();
  });
});
