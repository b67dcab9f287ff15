import {
  formatStageTime,
  StageDrift,
} from '@envportal/plugin-environments-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { personName } from '../StageCard/governanceSummary';
import { StatusLabel } from '../StatusLabel';

/** How the expected image got there, as the notice says it. */
const BASELINE = {
  promotion: { title: 'Drifted from the promoted version', verb: 'Promoted' },
  rollback: {
    title: 'Drifted from the promoted version',
    verb: 'Rolled back to',
  },
  deploy: { title: 'Drifted from the recorded deploy', verb: 'Deployed' },
} as const;

/**
 * A drifted stage: what runs, what was promoted (or deployed and recorded), who changed it where the
 * cluster says, and a
 * button that promotes again from the stage before (with the usual gates and permissions).
 */
export const DriftNotice = (props: {
  drift: StageDrift;
  /** The stage before and what it runs, when there is one to promote from. */
  reassert?: { from: string; version?: string; onClick: () => void };
}) => {
  const { drift, reassert } = props;
  if (drift.state !== 'drifted') return null;
  const changedBy = drift.changedBy;
  const baseline = BASELINE[drift.changeKind ?? 'promotion'];
  return (
    <Box role="group" aria-label={`${drift.stage} drifted`}>
      <StatusLabel tone="warning">{baseline.title}</StatusLabel>
      <Typography variant="body2">
        Runs {drift.actualImage ?? 'nothing'}
        {drift.reason ? ` (${drift.reason})` : ''}
      </Typography>
      <Typography variant="body2">
        {baseline.verb} {drift.expectedImage}
        {drift.promotedBy ? ` by ${personName(drift.promotedBy)}` : ''}
        {drift.promotedAt ? `, ${formatStageTime(drift.promotedAt)}` : ''}
      </Typography>
      {changedBy && (
        <Typography variant="body2">
          Changed by {changedBy.manager}
          {changedBy.at ? `, ${formatStageTime(changedBy.at)}` : ''}
        </Typography>
      )}
      {drift.changeCause && (
        <Typography variant="body2">
          Change cause: {drift.changeCause}
        </Typography>
      )}
      {reassert && (
        <Button
          size="small"
          variant="outlined"
          color="primary"
          onClick={reassert.onClick}
        >
          Promote {reassert.version ?? 'again'} from {reassert.from} again
        </Button>
      )}
    </Box>
  );
};
