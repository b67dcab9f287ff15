import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { preview, stage } from '../../__testUtils__/fixtures';
import { ENTITY_PATH, renderWithApi } from '../../__testUtils__/renderWithApi';
import { EnvironmentsPipeline } from './EnvironmentsPipeline';

const server = setupServer();

/** Re-renders the pipeline as a status poll does: same images, new objects. */
const PollingHarness = () => {
  const [polls, setPolls] = useState(0);
  const stages = [
    stage('dev', '1.4.2'),
    stage('staging', '1.1.0'),
    stage('prod', '1.0.0'),
  ].map(s => ({ ...s, dataAgeSeconds: polls }));
  return (
    <>
      <button onClick={() => setPolls(p => p + 1)}>poll</button>
      <EnvironmentsPipeline stages={stages} />
    </>
  );
};
registerMswTestHooks(server);

describe('EnvironmentsPipeline', () => {
  it('asks for a preview per pair only when an image changes, not on every status poll', async () => {
    const asked: string[] = [];
    server.use(
      http.post(`${ENTITY_PATH}/promotions/preview`, async ({ request }) => {
        const body = (await request.json()) as { from: string; to: string };
        asked.push(`${body.from}>${body.to}`);
        return HttpResponse.json(preview(body));
      }),
    );
    await renderWithApi(<PollingHarness />);
    await waitFor(() =>
      expect(asked.sort()).toEqual(['dev>staging', 'staging>prod']),
    );

    // a poll with the same images (new objects, new data age) asks nothing
    await userEvent.click(screen.getByRole('button', { name: 'poll' }));
    expect(screen.getAllByText('Data age: 1 s')).toHaveLength(3);
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(asked).toHaveLength(2);
  });

  it('keeps the button usable when the preview cannot be fetched (the dialog shows the error)', async () => {
    server.use(
      http.post(`${ENTITY_PATH}/promotions/preview`, () =>
        HttpResponse.error(),
      ),
    );
    await renderWithApi(
      <EnvironmentsPipeline
        stages={[stage('dev', '1.4.2'), stage('staging', '1.1.0')]}
      />,
    );
    expect(
      screen.getByRole('button', { name: 'Promote 1.4.2 to staging' }),
    ).toBeEnabled();
  });

  it('does not ask for a preview out of a stage where nothing runs', async () => {
    const asked = jest.fn();
    server.use(
      http.post(`${ENTITY_PATH}/promotions/preview`, () => {
        asked();
        return HttpResponse.json(preview());
      }),
    );
    await renderWithApi(
      <EnvironmentsPipeline
        stages={[
          stage('dev', '1.4.2', { workload: undefined, state: 'not-found' }),
          stage('staging', '1.1.0'),
        ]}
      />,
    );
    expect(
      screen.getByText('Nothing runs in dev to promote.'),
    ).toBeInTheDocument();
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(asked).not.toHaveBeenCalled();
  });
  it('shows a drifted stage with what runs, what was promoted and who changed it, and promotes again from the stage before', async () => {
    server.use(
      http.post(`${ENTITY_PATH}/promotions/preview`, async ({ request }) =>
        HttpResponse.json(
          preview((await request.json()) as { from: string; to: string }),
        ),
      ),
    );
    await renderWithApi(
      <EnvironmentsPipeline
        stages={[stage('dev', '1.4.2'), stage('staging', '1.2.1-hotfix')]}
        drift={[
          { stage: 'dev', state: 'no-record' },
          {
            stage: 'staging',
            state: 'drifted',
            expectedImage: 'registry.local/payments:1.4.2',
            actualImage: 'registry.local/payments:1.2.1-hotfix',
            promotedBy: 'user:default/rita',
            promotedAt: '2026-11-20T10:00:00Z',
            changedBy: { manager: 'kubectl-set', at: '2026-11-21T09:30:00Z' },
            changeCause: 'hotfix INC-7',
          },
        ]}
      />,
    );
    expect(
      screen.queryByRole('group', { name: 'dev drifted' }),
    ).not.toBeInTheDocument();
    const notice = screen.getByRole('group', { name: 'staging drifted' });
    expect(
      within(notice).getByText('Runs registry.local/payments:1.2.1-hotfix'),
    ).toBeInTheDocument();
    expect(
      within(notice).getByText(
        /^Promoted registry.local\/payments:1.4.2 by rita, /,
      ),
    ).toBeInTheDocument();
    expect(
      within(notice).getByText(/^Changed by kubectl-set, /),
    ).toBeInTheDocument();
    expect(
      within(notice).getByText('Change cause: hotfix INC-7'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(notice).getByRole('button', {
        name: 'Promote 1.4.2 from dev again',
      }),
    );
    expect(await screen.findByRole('dialog')).toBeInTheDocument();
  });

  it('says a stage drifted from a recorded deploy (CI, the template) rather than from a promotion', async () => {
    await renderWithApi(
      <EnvironmentsPipeline
        stages={[stage('dev', '1.4.2')]}
        drift={[
          {
            stage: 'dev',
            state: 'drifted',
            changeKind: 'deploy',
            expectedImage: 'registry.local/payments:1.4.2',
            actualImage: 'registry.local/payments:1.4.3',
            promotedBy: 'service:external:ci',
            promotedAt: '2026-11-20T10:00:00Z',
          },
        ]}
      />,
    );
    const notice = screen.getByRole('group', { name: 'dev drifted' });
    expect(
      within(notice).getByText('Drifted from the recorded deploy'),
    ).toBeInTheDocument();
    expect(
      within(notice).getByText(/^Deployed registry.local\/payments:1.4.2 by /),
    ).toBeInTheDocument();
  });
});
