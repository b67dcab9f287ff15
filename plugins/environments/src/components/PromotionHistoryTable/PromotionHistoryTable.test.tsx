import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { promotion } from '../../__testUtils__/fixtures';
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
});
