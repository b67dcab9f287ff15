import { ResponseErrorPanel } from '@backstage/core-components';
import { Promotion } from '@envportal/plugin-environments-common';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { StatusLabel, StatusTone } from '../StatusLabel';

/** What each promotion state means to the person watching, and how it looks. */
export function describePromotion(promotion: Promotion): {
  tone: StatusTone;
  text: string;
} {
  switch (promotion.state) {
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
    case 'failed':
    default:
      return {
        tone: 'error',
        text: `Failed${promotion.error ? `: ${promotion.error}` : ''}`,
      };
  }
}

/** Step 3: live progress of the rollout until it is done or rolled back. */
export const ProgressStep = (props: {
  promotion: Promotion;
  done: boolean;
  pollError?: Error;
}) => {
  const { promotion, done, pollError } = props;
  const { desired, updated, ready } = promotion.progress;
  const state = describePromotion(promotion);
  const percent = desired > 0 ? Math.round((ready / desired) * 100) : 0;
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
