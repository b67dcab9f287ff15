import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import {
  awaitingApproval,
  stage,
  stageGovernance,
} from '../../__testUtils__/fixtures';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { StageCard } from './StageCard';

describe('StageCard', () => {
  it('shows version, image, ready replicas as a meter, rollout, health and data age', async () => {
    await renderInTestApp(<StageCard stage={stage('staging', '1.1.0')} />);
    const card = screen.getByRole('region', { name: 'staging' });
    expect(within(card).getByText('1.1.0')).toBeInTheDocument();
    expect(
      within(card).getByText('registry.local/payments:1.1.0'),
    ).toBeInTheDocument();
    expect(within(card).getByText('3 of 3 replicas ready')).toBeInTheDocument();
    expect(
      within(card).getByRole('meter', { name: '3 of 3 replicas ready' }),
    ).toHaveAttribute('aria-valuenow', '3');
    expect(within(card).getByText('Rollout complete')).toBeInTheDocument();
    expect(within(card).getByText('Healthy')).toBeInTheDocument();
    expect(within(card).getByText('Data age: 2 s')).toBeInTheDocument();
    expect(within(card).queryByText('Warnings')).not.toBeInTheDocument();
  });

  it('marks the last known state of an unreachable cluster as stale and says why', async () => {
    await renderInTestApp(
      <StageCard
        stage={stage('prod', '1.0.0', {
          state: 'error',
          error: 'connect ECONNREFUSED 127.0.0.1:6443',
          stale: true,
          dataAgeSeconds: 180,
        })}
      />,
    );
    expect(
      screen.getByText('Stale: last known state, 3 min old'),
    ).toBeInTheDocument();
    expect(screen.getByText('1.0.0')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Cluster local could not be read: connect ECONNREFUSED 127.0.0.1:6443',
      ),
    ).toBeInTheDocument();
  });

  it('lists a stalled rollout, restarting pods and warning events as warnings', async () => {
    const base = stage('dev', '1.5.0-fail');
    await renderInTestApp(
      <StageCard
        stage={{
          ...base,
          workload: {
            ...base.workload!,
            replicas: { desired: 3, ready: 2, updated: 1, available: 2 },
            rollout: {
              state: 'progressing',
              message: 'Waiting for 1 new replica to become ready',
            },
          },
          pods: [
            { name: 'payments-x', phase: 'Running', ready: false, restarts: 7 },
          ],
          events: [
            {
              type: 'Warning',
              reason: 'Unhealthy',
              message: 'Readiness probe failed',
              object: 'Pod/payments-x',
              count: 4,
              lastSeen: '2026-11-26T04:00:00Z',
            },
          ],
        }}
      />,
    );
    expect(screen.getByText('2 of 3 replicas ready')).toBeInTheDocument();
    expect(screen.getByText('Rolling out')).toBeInTheDocument();
    const warnings = screen.getAllByRole('listitem').map(li => li.textContent);
    expect(warnings).toEqual([
      'Waiting for 1 new replica to become ready',
      'Pod payments-x restarted 7 times',
      'Unhealthy: Readiness probe failed (4 times)',
    ]);
  });

  it('says when nothing is deployed in a stage', async () => {
    await renderInTestApp(
      <StageCard
        stage={stage('prod', '1.0.0', {
          state: 'not-found',
          workload: undefined,
          pods: [],
        })}
      />,
    );
    expect(
      screen.getByText('Not deployed: no workload found in prod.'),
    ).toBeInTheDocument();
  });

  it('shows unknown health as unknown, not as healthy', async () => {
    await renderInTestApp(
      <StageCard stage={stage('dev', '1.4.2', { health: undefined })} />,
    );
    expect(screen.getByText('Health unknown')).toBeInTheDocument();
    expect(screen.queryByText('Healthy')).not.toBeInTheDocument();
  });

  it('says a never-read cluster has no data instead of calling it stale', async () => {
    await renderInTestApp(
      <StageCard
        stage={stage('prod', '1.0.0', {
          state: 'error',
          workload: undefined,
          pods: [],
          stale: true,
          dataAgeSeconds: undefined,
          error:
            'Stage "prod" names cluster "local", which kubernetes.clusterLocatorMethods does not define',
        })}
      />,
    );
    expect(
      screen.getByText(
        'No data: the cluster could not be read (see the warning below).',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/^Stale/)).not.toBeInTheDocument();
    expect(
      screen.getByText(
        /which kubernetes.clusterLocatorMethods does not define/,
      ),
    ).toBeInTheDocument();
  });

  it('shows the version of the image that runs when the version label lags behind it', async () => {
    const staging = stage('staging', '1.1.0');
    await renderInTestApp(
      <StageCard
        stage={{
          ...staging,
          workload: {
            ...staging.workload!,
            image: 'registry.local/payments:1.2.0@sha256:abc',
            version: '1.1.0',
          },
        }}
      />,
    );
    expect(screen.getByLabelText('Version 1.2.0')).toBeInTheDocument();
  });

  const governanceOf = (name: string) =>
    stageGovernance().items.find(g => g.stage === name);

  it("says until when the stage's deploy window is open, in the window's time zone", async () => {
    await renderInTestApp(
      <StageCard
        stage={stage('staging', '1.1.0')}
        governance={governanceOf('staging')}
      />,
    );
    expect(
      screen.getByText('Deploy window open until Fri 4 Dec, 17:00 CET'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/^Needs/)).not.toBeInTheDocument();
  });

  it('says when a closed stage opens and how many approvals it needs from whom', async () => {
    await renderInTestApp(
      <StageCard
        stage={stage('prod', '1.0.0')}
        governance={governanceOf('prod')}
      />,
    );
    expect(
      screen.getByText(
        'Deploy window closed until Mon 7 Dec, 09:00 CET: promotions queue until then',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Needs 2 approvals (group:default/release-managers)'),
    ).toBeInTheDocument();
  });

  it('says a closed stage that refuses promotions does so', async () => {
    await renderInTestApp(
      <StageCard
        stage={stage('prod', '1.0.0')}
        governance={{
          stage: 'prod',
          window: { open: false, timeZone: 'UTC', outside: 'queue' },
        }}
      />,
    );
    // without a known opening nothing can be queued
    expect(
      screen.getByText('Deploy window closed: promotions are refused'),
    ).toBeInTheDocument();
  });

  it('shows the promotion waiting for approval into the stage', async () => {
    await renderWithApi(
      <StageCard
        stage={stage('prod', '1.0.0')}
        governance={governanceOf('prod')}
        waiting={awaitingApproval()}
      />,
    );
    const card = screen.getByRole('region', { name: 'prod' });
    expect(
      within(card).getByRole('group', { name: 'Awaiting approval (0 of 2)' }),
    ).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Approve' })).toBeEnabled();
  });
});
