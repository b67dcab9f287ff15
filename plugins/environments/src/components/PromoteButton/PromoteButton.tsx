import {
  PromotionPreview,
  StageStatus,
} from '@envportal/plugin-environments-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import ArrowForwardIcon from '@material-ui/icons/ArrowForward';
import { displayVersion } from '../StageCard/stageSummary';
import { promoteBlockReason, promoteCaution } from './promoteBlockReason';

/**
 * The arrow between two stage cards. When promotion is not possible the button stays visible but
 * disabled, with the reason printed under it (a disabled button cannot show a tooltip to keyboard users).
 */
export const PromoteButton = (props: {
  from: StageStatus;
  to: StageStatus;
  preview?: PromotionPreview;
  onPromote: () => void;
}) => {
  const { from, to, preview, onPromote } = props;
  const reason = promoteBlockReason(from, to, preview);
  const caution = reason ? undefined : promoteCaution(from);
  const version = displayVersion(from);
  const reasonId = `environments-promote-${from.stage}-${to.stage}-reason`;
  const label = version
    ? `Promote ${version} to ${to.stage}`
    : `Promote to ${to.stage}`;
  return (
    <Box
      display="flex"
      flexDirection="column"
      alignItems="center"
      justifyContent="center"
      maxWidth={200}
      px={1}
    >
      <ArrowForwardIcon aria-hidden color="action" />
      <Button
        variant="contained"
        color="primary"
        disabled={Boolean(reason)}
        aria-describedby={reason || caution ? reasonId : undefined}
        onClick={onPromote}
      >
        {label}
      </Button>
      {(reason || caution) && (
        <Typography
          id={reasonId}
          variant="caption"
          color={reason ? 'textSecondary' : 'error'}
          align="center"
        >
          {reason ?? caution}
        </Typography>
      )}
    </Box>
  );
};
