import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { preview, stage } from '../../__testUtils__/fixtures';
import { PromoteButton } from './PromoteButton';

describe('PromoteButton', () => {
  it('names the version and the target stage and opens the dialog', async () => {
    const onPromote = jest.fn();
    await renderInTestApp(
      <PromoteButton
        from={stage('dev', '1.4.2')}
        to={stage('staging', '1.1.0')}
        preview={preview()}
        onPromote={onPromote}
      />,
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Promote 1.4.2 to staging' }),
    );
    expect(onPromote).toHaveBeenCalledTimes(1);
  });

  it('is disabled with the backend reason when the user may not promote', async () => {
    await renderInTestApp(
      <PromoteButton
        from={stage('staging', '1.1.0')}
        to={stage('prod', '1.0.0')}
        preview={preview({
          allowed: false,
          blockedReason: 'Only release managers may promote to prod.',
        })}
        onPromote={jest.fn()}
      />,
    );
    const button = screen.getByRole('button', {
      name: 'Promote 1.1.0 to prod',
    });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(
      'Only release managers may promote to prod.',
    );
  });

  it.each([
    [
      'the target already runs it',
      stage('dev', '1.4.2'),
      stage('staging', '1.4.2'),
      'staging already runs 1.4.2.',
    ],
    [
      'nothing runs in the source',
      stage('dev', '1.4.2', { workload: undefined, state: 'not-found' }),
      stage('staging', '1.1.0'),
      'Nothing runs in dev to promote.',
    ],
    [
      'the source cluster cannot be read',
      stage('dev', '1.4.2', { state: 'error', stale: true }),
      stage('staging', '1.1.0'),
      'dev cannot be read right now, so what runs there is not certain.',
    ],
  ])('is disabled when %s', async (_case, from, to, reason) => {
    await renderInTestApp(
      <PromoteButton from={from} to={to} onPromote={jest.fn()} />,
    );
    expect(screen.getByRole('button')).toBeDisabled();
    expect(screen.getByText(reason)).toBeInTheDocument();
  });

  it('warns but leaves the decision to the gates while the source is still rolling out', async () => {
    const dev = stage('dev', '1.4.2');
    await renderInTestApp(
      <PromoteButton
        from={{
          ...dev,
          workload: { ...dev.workload!, rollout: { state: 'progressing' } },
        }}
        to={stage('staging', '1.1.0')}
        preview={preview()}
        onPromote={jest.fn()}
      />,
    );
    const button = screen.getByRole('button', {
      name: 'Promote 1.4.2 to staging',
    });
    expect(button).toBeEnabled();
    expect(button).toHaveAccessibleDescription(
      'dev has not finished rolling out 1.4.2.',
    );
  });
});
