import {
  Promotion,
  StageDrift,
  StageGovernance,
  StageStatus,
} from '@envportal/plugin-environments-common';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import { Fragment, useState } from 'react';
import { PromoteButton } from '../PromoteButton';
import { PromoteDialog } from '../PromoteDialog';
import { StageCard } from '../StageCard';
import { displayVersion } from '../StageCard/stageSummary';
import { usePromotionPreviews } from './usePromotionPreviews';

const useStyles = makeStyles(theme => ({
  pipeline: {
    display: 'flex',
    alignItems: 'stretch',
    overflowX: 'auto',
    paddingBottom: theme.spacing(1),
  },
  stage: { flex: '1 1 0', minWidth: 240 },
}));

/** The stages left to right, with the promote button between each stage and the next. */
export const EnvironmentsPipeline = (props: {
  stages: StageStatus[];
  /** Approval policy and deploy window per stage; absent while unknown. */
  governance?: StageGovernance[];
  /** Promotions waiting for approvals or a window, at most one per target stage. */
  waiting?: Promotion[];
  onPromotionFinished?: (promotion: Promotion) => void;
  /** Called after an approver decided, so the view refreshes. */
  onDecided?: () => void;
  /** Per stage, whether it runs what was last promoted there. */
  drift?: StageDrift[];
}) => {
  const { stages, governance, waiting, onPromotionFinished, onDecided, drift } =
    props;
  const classes = useStyles();
  const governanceOf = (stage: string) =>
    governance?.find(g => g.stage === stage);
  const previewFor = usePromotionPreviews(stages);
  const [promoting, setPromoting] = useState<
    { from: StageStatus; to: StageStatus } | undefined
  >();

  return (
    <>
      <Box
        className={classes.pipeline}
        component="ol"
        aria-label="Stages, in promotion order"
        m={0}
        p={0}
        style={{ listStyle: 'none' }}
      >
        {stages.map((stage, index) => (
          <Fragment key={stage.stage}>
            {index > 0 && (
              <li
                aria-label={`From ${stages[index - 1].stage} to ${stage.stage}`}
              >
                <PromoteButton
                  from={stages[index - 1]}
                  to={stage}
                  preview={previewFor(stages[index - 1].stage, stage.stage)}
                  onPromote={() =>
                    setPromoting({ from: stages[index - 1], to: stage })
                  }
                />
              </li>
            )}
            <li className={classes.stage}>
              <StageCard
                stage={stage}
                governance={governanceOf(stage.stage)}
                waiting={waiting?.find(p => p.to === stage.stage)}
                onDecided={onDecided}
                drift={drift?.find(d => d.stage === stage.stage)}
                reassert={
                  index > 0
                    ? {
                        from: stages[index - 1].stage,
                        version: displayVersion(stages[index - 1]),
                        onClick: () =>
                          setPromoting({ from: stages[index - 1], to: stage }),
                      }
                    : undefined
                }
              />
            </li>
          </Fragment>
        ))}
      </Box>
      {promoting && (
        <PromoteDialog
          open
          from={promoting.from.stage}
          to={promoting.to.stage}
          version={displayVersion(promoting.from)}
          governance={governanceOf(promoting.to.stage)}
          onClose={() => setPromoting(undefined)}
          onFinished={onPromotionFinished}
        />
      )}
    </>
  );
};
