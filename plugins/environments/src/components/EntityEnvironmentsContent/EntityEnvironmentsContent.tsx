import {
  Content,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { hasWorkloadAnnotations } from '@envportal/plugin-environments-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { useCallback, useState } from 'react';
import {
  useChecklist,
  useDrift,
  useEnvironmentsStatus,
  useStageGovernance,
  useWaitingPromotions,
} from '../../hooks/useEnvironments';
import { ChecklistPanel } from '../ChecklistPanel';
import { DoraPanel } from '../DoraPanel';
import { EnvironmentsPipeline } from '../EnvironmentsPipeline';
import { MetricsPanel } from '../MetricsPanel';
import { MissingAnnotationsEmptyState } from '../MissingAnnotationsEmptyState';
import { PromotionHistoryTable } from '../PromotionHistoryTable';
import { StatusLabel } from '../StatusLabel';

const EnvironmentsOverview = (props: { entityName: string }) => {
  const { entity } = useEntity();
  const status = useEnvironmentsStatus();
  const checklist = useChecklist();
  const governance = useStageGovernance();
  const waiting = useWaitingPromotions();
  const drift = useDrift();
  const [selected, setSelected] = useState<string | undefined>();
  // Bumping the key re-reads the history after a promotion ends or a decision is made.
  const [historyKey, setHistoryKey] = useState(0);
  const { retry: retryStatus } = status;
  const { retry: retryChecklist } = checklist;
  const { retry: retryWaiting } = waiting;
  const refresh = useCallback(() => {
    retryStatus();
    retryChecklist();
    retryWaiting();
    setHistoryKey(key => key + 1);
  }, [retryStatus, retryChecklist, retryWaiting]);

  if (status.loading && !status.value) return <Progress />;
  if (status.error && !status.value) {
    return (
      <Content>
        <ResponseErrorPanel
          title="Could not read the environments"
          error={status.error}
        />
      </Content>
    );
  }
  const response = status.value!;
  if (!response.configured) {
    return <MissingAnnotationsEmptyState entityName={props.entityName} />;
  }
  if (response.stages.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No stages configured"
        description="Add environments.stages (name, cluster, namespace) to app-config.yaml."
      />
    );
  }
  const stageNames = response.stages.map(s => s.stage);
  const stage =
    selected && stageNames.includes(selected) ? selected : stageNames[0];
  const stageChecklist = checklist.value?.stages.find(s => s.stage === stage);

  return (
    <Content>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          {status.error && (
            <Box mb={2}>
              <ResponseErrorPanel
                title="Showing the last answer: refreshing failed"
                error={status.error}
              />
            </Box>
          )}
          {governance.error && (
            <Box mb={1}>
              <StatusLabel tone="warning">
                Deploy windows and approval rules could not be read; the backend
                still applies them.
              </StatusLabel>
            </Box>
          )}
          {waiting.error && (
            <Box mb={1}>
              <StatusLabel tone="warning">
                Promotions waiting for approval could not be read.
              </StatusLabel>
            </Box>
          )}
          <EnvironmentsPipeline
            stages={response.stages}
            governance={governance.value?.items}
            waiting={waiting.value}
            onPromotionFinished={refresh}
            onDecided={refresh}
            drift={drift.value?.stages}
          />
        </Grid>
        <Grid item xs={12}>
          <Tabs
            value={stage}
            onChange={(_e, value) => setSelected(value)}
            indicatorColor="primary"
            aria-label="Stage details"
          >
            {stageNames.map(name => (
              <Tab key={name} value={name} label={name} />
            ))}
          </Tabs>
        </Grid>
        <Grid item xs={12} lg={6}>
          {checklist.error && !checklist.value && (
            <ResponseErrorPanel
              title="Could not read the checklist"
              error={checklist.error}
            />
          )}
          {!checklist.value && checklist.loading && <Progress />}
          {stageChecklist && <ChecklistPanel checklist={stageChecklist} />}
        </Grid>
        <Grid item xs={12} lg={6}>
          <MetricsPanel stage={stage} />
        </Grid>
        <Grid item xs={12}>
          <PromotionHistoryTable key={historyKey} />
        </Grid>
        <Grid item xs={12}>
          <DoraPanel key={historyKey} entity={getCompoundEntityRef(entity)} />
        </Grid>
      </Grid>
    </Content>
  );
};

/** The Environments tab of a component. */
export const EntityEnvironmentsContent = () => {
  const { entity } = useEntity();
  if (!hasWorkloadAnnotations(entity)) {
    return <MissingAnnotationsEmptyState entityName={entity.metadata.name} />;
  }
  return <EnvironmentsOverview entityName={entity.metadata.name} />;
};
