import { ResponseError } from '@backstage/errors';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  ApprovalRequestDecisionEnum,
  formatStageTime,
  imageTag,
  Promotion,
} from '@envportal/plugin-environments-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { environmentsApiRef } from '../../api';
import { describePromotion } from '../PromoteDialog/ProgressStep';
import { personName } from '../StageCard/governanceSummary';
import { StatusLabel } from '../StatusLabel';

/** The backend's own sentence, without the HTTP preamble: the card has room for one line. */
function shortMessage(error: Error): string {
  return ResponseError.is(error) ? error.cause.message : error.message;
}

/**
 * A promotion into the stage that waits for approvals or for the deploy window. Approvers decide here;
 * everyone else sees the buttons disabled with the backend's reason, printed under them like the
 * promote button's.
 */
export const ApprovalPanel = (props: {
  promotion: Promotion;
  /** The stage's deploy window zone, so times read as on the window line. */
  timeZone?: string;
  /** Called after each decision, also a refused one: the promotion may have moved on. */
  onDecided?: () => void;
}) => {
  const { promotion, timeZone, onDecided } = props;
  const api = useApi(environmentsApiRef);
  const [comment, setComment] = useState('');
  const [decision, decide] = useAsyncFn(
    async (choice: ApprovalRequestDecisionEnum) => {
      try {
        const decided = await api.decidePromotion(promotion.id, {
          decision: choice,
          comment: comment.trim() || undefined,
        });
        setComment('');
        return decided;
      } finally {
        onDecided?.();
      }
    },
    [api, promotion.id, comment, onDecided],
  );

  const state = describePromotion(promotion, timeZone);
  const approval =
    promotion.state === 'awaiting-approval' ? promotion.approval : undefined;
  const idBase = `environments-approval-${promotion.id}`;
  const commentId = `${idBase}-comment`;
  const reasonId = `${idBase}-reason`;
  const blockedReason =
    approval && !approval.canDecide
      ? approval.cannotDecideReason ?? 'You may not decide on this promotion.'
      : undefined;
  const version = imageTag(promotion.imageAfter) ?? promotion.imageAfter;

  return (
    // Backstage's status labels are aria-hidden, so the group carries the state as its name.
    <Box role="group" aria-label={state.text}>
      <StatusLabel tone={state.tone}>{state.text}</StatusLabel>
      <Typography variant="caption" component="p">
        {version} from {promotion.from}, requested by{' '}
        {personName(promotion.requestedBy)}
        {approval &&
          `; approvals accepted until ${formatStageTime(
            approval.expiresAt,
            timeZone,
          )}`}
      </Typography>
      {approval && (
        <>
          {!blockedReason && (
            <TextField
              id={commentId}
              label="Comment"
              helperText="Needed to reject; kept with the decision."
              value={comment}
              onChange={e => setComment(e.target.value)}
              fullWidth
              margin="dense"
              variant="outlined"
            />
          )}
          <Box display="flex" gridGap={8} mt={1}>
            <Button
              variant="contained"
              color="primary"
              size="small"
              disabled={Boolean(blockedReason) || decision.loading}
              aria-describedby={blockedReason ? reasonId : undefined}
              onClick={() => decide('approve')}
            >
              Approve
            </Button>
            <Button
              variant="outlined"
              size="small"
              disabled={
                Boolean(blockedReason) || decision.loading || !comment.trim()
              }
              aria-describedby={
                blockedReason ? reasonId : `${commentId}-helper-text`
              }
              onClick={() => decide('reject')}
            >
              Reject
            </Button>
          </Box>
          {blockedReason && (
            <Typography
              id={reasonId}
              variant="caption"
              component="p"
              color="textSecondary"
            >
              {blockedReason}
            </Typography>
          )}
          {decision.error && (
            <Typography role="alert" variant="body2" color="error">
              The decision was not recorded: {shortMessage(decision.error)}
            </Typography>
          )}
        </>
      )}
    </Box>
  );
};
