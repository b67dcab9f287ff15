import { ResponseErrorPanel } from '@backstage/core-components';
import {
  formatStageTime,
  Promotion,
} from '@envportal/plugin-environments-common';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { approvalsGiven } from '../StageCard/governanceSummary';
import { StatusLabel, StatusTone } from '../StatusLabel';
import { WAITING_STATES } from './usePromotionProgress';

/**
 * What each promotion state means to the person watching, and how it looks. Times are shown in
 * `timeZone` (the target's deploy window) when known.
 */
export function describePromotion(
  promotion: Promotion,
  timeZone?: string,
): {
  tone: StatusTone;
  text: string;
} {
  const active =
    promotion.state === 'running' || promotion.state === 'verifying';
  if (active && promotion.rollback) {
    return {
      tone: 'error',
      text: `Rolling back: ${promotion.rollback.reason}`,
    };
  }
  switch (promotion.state) {
    case 'awaiting-approval':
      return {
        tone: 'pending',
        text: promotion.approval
          ? `Awaiting approval (${approvalsGiven(promotion.approval)} of ${
              promotion.approval.required
            })`
          : 'Awaiting approval',
      };
    case 'queued':
      return {
        tone: 'pending',
        text: promotion.runAfter
          ? `Queued until ${formatStageTime(promotion.runAfter, timeZone)}`
          : 'Queued for the deploy window',
      };
    case 'pending':
      return { tone: 'pending', text: 'Waiting to start' };
    case 'running':
      return { tone: 'running', text: 'Rolling out' };
    case 'verifying':
      return { tone: 'running', text: 'Verifying the new version' };
    case 'succeeded':
      return {
        tone: 'ok',
        text: `Done: ${promotion.to} runs ${promotion.imageAfter}`,
      };
    case 'rolled-back':
      return {
        tone: 'error',
        text: `Rolled back${
          promotion.rollback?.reason ? `: ${promotion.rollback.reason}` : ''
        }`,
      };
    case 'rejected':
      return {
        tone: 'error',
        text: `Rejected${promotion.error ? `: ${promotion.error}` : ''}`,
      };
    case 'expired':
      return {
        tone: 'unknown',
        text: `Expired${promotion.error ? `: ${promotion.error}` : ''}`,
      };
    case 'failed':
    default:
      return {
        tone: 'error',
        text: `Failed${promotion.error ? `: ${promotion.error}` : ''}`,
      };
  }
}

function waitingText(promotion: Promotion, timeZone?: string): string {
  const approval = promotion.approval;
  if (promotion.state !== 'awaiting-approval' || !approval) {
    return `It starts when the deploy window of ${promotion.to} opens.`;
  }
  const approvers = approval.approvers.join(', ');
  const until = formatStageTime(approval.expiresAt, timeZone);
  return `${approvers} can approve it until ${until}; it starts once approved.`;
}

/** Step 3: live progress of the rollout until it is done or rolled back, or what it waits for. */
export const ProgressStep = (props: {
  promotion: Promotion;
  done: boolean;
  pollError?: Error;
  timeZone?: string;
}) => {
  const { promotion, done, pollError, timeZone } = props;
  const { desired, updated, ready } = promotion.progress;
  const state = describePromotion(promotion, timeZone);
  const percent = desired > 0 ? Math.round((ready / desired) * 100) : 0;
  if (WAITING_STATES.includes(promotion.state)) {
    return (
      <>
        <Box role="status" aria-live="polite" aria-atomic="true">
          <StatusLabel tone={state.tone}>{state.text}</StatusLabel>
        </Box>
        <Typography variant="body2">
          {waitingText(promotion, timeZone)}
        </Typography>
        <Typography variant="caption" component="p">
          You can close this dialog: the stage card shows the promotion until it
          starts.
        </Typography>
      </>
    );
  }
  return (
    <>
      <Box role="status" aria-live="polite" aria-atomic="true">
        <StatusLabel tone={state.tone}>{state.text}</StatusLabel>
        <Typography variant="body2">
          {updated} of {desired} pods updated, {ready} ready
        </Typography>
      </Box>
      <Box mt={1}>
        <LinearProgress
          variant={done ? 'determinate' : 'buffer'}
          value={percent}
          valueBuffer={desired > 0 ? (updated / desired) * 100 : 0}
          aria-label="Pods ready"
        />
      </Box>
      {!done && (
        <Typography variant="caption" component="p">
          You can close this dialog: the promotion goes on and shows in the
          history.
        </Typography>
      )}
      {pollError && !done && (
        <Box mt={1}>
          <ResponseErrorPanel
            title="Could not refresh the progress; retrying"
            error={pollError}
          />
        </Box>
      )}
    </>
  );
};
