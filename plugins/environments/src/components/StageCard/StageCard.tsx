import { InfoCard, LinearGauge } from '@backstage/core-components';
import {
  Promotion,
  StageDrift,
  StageGovernance,
  StageStatus,
} from '@envportal/plugin-environments-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ApprovalPanel } from '../ApprovalPanel';
import { DriftNotice } from '../DriftNotice';
import { StatusLabel } from '../StatusLabel';
import { approvalPolicySummary, windowSummary } from './governanceSummary';
import {
  displayVersion,
  formatAge,
  healthSummary,
  rolloutSummary,
  stageWarnings,
} from './stageSummary';

const useStyles = makeStyles(theme => ({
  image: { wordBreak: 'break-all', fontFamily: 'monospace' },
  // cluster errors carry long unbroken names (kubernetes.clusterLocatorMethods) that must wrap
  warnings: {
    margin: 0,
    paddingLeft: theme.spacing(2),
    overflowWrap: 'anywhere',
  },
  row: { marginTop: theme.spacing(1) },
}));

function noWorkloadText(stage: StageStatus): string {
  if (stage.state === 'not-found') {
    return `Not deployed: no workload found in ${stage.namespace}.`;
  }
  if (stage.state === 'error') {
    return 'No data: the cluster could not be read (see the warning below).';
  }
  return 'No data from this stage yet.';
}

/**
 * One stage of the pipeline: what runs there, whether it is ready, what to look at, and what a
 * promotion into it must wait for (its deploy window, approvals, a promotion already waiting).
 */
export const StageCard = (props: {
  stage: StageStatus;
  governance?: StageGovernance;
  /** The promotion into this stage that waits for approvals or the window. */
  waiting?: Promotion;
  onDecided?: () => void;
  /** Whether the stage runs what was last promoted there. */
  drift?: StageDrift;
  /** Promote again from the stage before, when the stage drifted. */
  reassert?: { from: string; version?: string; onClick: () => void };
}) => {
  const { stage, governance, waiting, onDecided, drift, reassert } = props;
  const classes = useStyles();
  const headingId = `environments-stage-${stage.stage}`;
  const workload = stage.workload;
  const version = displayVersion(stage);
  const warnings = stageWarnings(stage);
  const rollout = rolloutSummary(stage);
  const health = healthSummary(stage);
  const windowState = governance?.window && windowSummary(governance.window);

  return (
    <section
      aria-labelledby={headingId}
      data-testid={`stage-card-${stage.stage}`}
    >
      <InfoCard
        title={<span id={headingId}>{stage.stage}</span>}
        subheader={`${stage.cluster} / ${stage.namespace}`}
      >
        {stage.stale && workload && (
          <Box mb={1}>
            <StatusLabel tone="warning">
              Stale: last known state, {formatAge(stage.dataAgeSeconds)} old
            </StatusLabel>
          </Box>
        )}
        {!workload ? (
          <Typography variant="body2">{noWorkloadText(stage)}</Typography>
        ) : (
          <>
            <Typography
              variant="h5"
              component="p"
              aria-label={`Version ${version}`}
            >
              {version}
            </Typography>
            <Typography
              variant="caption"
              className={classes.image}
              component="p"
            >
              {workload.image}
            </Typography>
            <Box className={classes.row}>
              <Typography variant="body2" id={`${headingId}-replicas`}>
                {workload.replicas.ready} of {workload.replicas.desired}{' '}
                replicas ready
              </Typography>
              <Box
                role="meter"
                aria-labelledby={`${headingId}-replicas`}
                aria-valuemin={0}
                aria-valuemax={workload.replicas.desired}
                aria-valuenow={workload.replicas.ready}
              >
                <LinearGauge
                  value={
                    workload.replicas.desired > 0
                      ? workload.replicas.ready / workload.replicas.desired
                      : 0
                  }
                />
              </Box>
            </Box>
            <Box className={classes.row}>
              <StatusLabel tone={rollout.tone}>{rollout.text}</StatusLabel>
            </Box>
            <Box>
              <StatusLabel tone={health.tone}>{health.text}</StatusLabel>
            </Box>
          </>
        )}
        {windowState && (
          <Box className={classes.row}>
            <StatusLabel tone={windowState.tone}>
              {windowState.text}
            </StatusLabel>
          </Box>
        )}
        {governance?.approval && (
          <Typography variant="body2">
            {approvalPolicySummary(governance.approval)}
          </Typography>
        )}
        {waiting && (
          <Box className={classes.row}>
            <ApprovalPanel
              promotion={waiting}
              timeZone={governance?.window?.timeZone}
              onDecided={onDecided}
            />
          </Box>
        )}
        {drift && (
          <Box className={classes.row}>
            <DriftNotice drift={drift} reassert={reassert} />
          </Box>
        )}
        <Typography variant="caption" component="p" className={classes.row}>
          Data age: {formatAge(stage.dataAgeSeconds)}
        </Typography>
        {warnings.length > 0 && (
          <Box className={classes.row}>
            <Typography variant="subtitle2" component="h4">
              Warnings
            </Typography>
            <ul className={classes.warnings}>
              {warnings.map(warning => (
                <li key={warning}>
                  <Typography variant="body2">{warning}</Typography>
                </li>
              ))}
            </ul>
          </Box>
        )}
      </InfoCard>
    </section>
  );
};
