import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { checklistResponse } from '../../__testUtils__/fixtures';
import { ChecklistPanel } from './ChecklistPanel';

describe('ChecklistPanel', () => {
  it('groups the items as the seed does, each with its result and evidence', async () => {
    await renderInTestApp(
      <ChecklistPanel checklist={checklistResponse('staging').stages[0]} />,
    );
    expect(
      screen.getByText('Verification checklist: staging'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('4 pass, 4 fail, 4 warning, 4 unknown'),
    ).toBeInTheDocument();
    const headings = screen
      .getAllByRole('heading', { level: 4 })
      .map(h => h.textContent);
    expect(headings).toEqual([
      'Application health',
      'Infrastructure',
      'Security',
      'Monitoring',
    ]);

    const health = screen.getByRole('list', { name: 'Application health' });
    const items = within(health).getAllByRole('listitem');
    expect(items.map(i => i.textContent)).toEqual([
      'Pods are running and ready: passevidence for pods-ready',
      'Health check endpoints responding: failevidence for health-endpoints',
      'Logs show no errors: warningevidence for logs-no-errors',
      'Metrics being collected: unknownevidence for metrics-collected',
    ]);
  });

  it('lists the lines behind a verdict under its evidence', async () => {
    await renderInTestApp(
      <ChecklistPanel
        checklist={{
          stage: 'prod',
          items: [
            {
              id: 'logs-no-errors',
              group: 'Application health',
              title: 'Logs show no errors',
              result: 'fail',
              evidence:
                '2 of the last 200 log lines of 2 pod(s) are at level error or above',
              details: [
                '2026-11-30T05:01:02Z web-1: request failed (status 500)',
                '2026-11-30T05:00:58Z web-2: database timeout (TimeoutError)',
              ],
            },
          ],
          summary: { pass: 0, fail: 1, warn: 0, unknown: 0 },
        }}
      />,
    );
    const details = screen.getByRole('list', {
      name: 'Details: Logs show no errors',
    });
    expect(
      within(details)
        .getAllByRole('listitem')
        .map(i => i.textContent),
    ).toEqual([
      '2026-11-30T05:01:02Z web-1: request failed (status 500)',
      '2026-11-30T05:00:58Z web-2: database timeout (TimeoutError)',
    ]);
  });

  it('keeps items of groups it does not know under "Other" instead of dropping them', async () => {
    await renderInTestApp(
      <ChecklistPanel
        checklist={{
          stage: 'dev',
          items: [
            {
              id: 'x',
              group: 'Cost',
              title: 'Budget set',
              result: 'unknown',
              evidence: 'no data',
            },
          ],
          summary: { pass: 0, fail: 0, warn: 0, unknown: 1 },
        }}
      />,
    );
    expect(
      within(screen.getByRole('list', { name: 'Other' })).getByText(
        'Budget set: unknown',
      ),
    ).toBeInTheDocument();
  });
});
