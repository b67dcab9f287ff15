import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  hasWorkloadAnnotations,
  StageStatus,
} from '@envportal/plugin-environments-common';
import Typography from '@material-ui/core/Typography';
import { useEnvironmentsStatus } from '../../hooks/useEnvironments';
import { StatusLabel, StatusTone } from '../StatusLabel';
import { displayVersion } from '../StageCard/stageSummary';

/** One line's verdict: ready and complete is OK, stale or failing says so. */
export function stageLine(stage: StageStatus): {
  tone: StatusTone;
  text: string;
} {
  const workload = stage.workload;
  if (!workload) {
    return stage.state === 'error'
      ? {
          tone: 'error',
          text: `${stage.stage}: cannot be read (${stage.error ?? 'error'})`,
        }
      : { tone: 'unknown', text: `${stage.stage}: not deployed` };
  }
  const { ready, desired } = workload.replicas;
  const text = `${stage.stage}: ${displayVersion(
    stage,
  )}, ${ready}/${desired} ready${stage.stale ? ', stale' : ''}`;
  if (workload.rollout.state === 'failed') return { tone: 'error', text };
  if (stage.stale) return { tone: 'warning', text };
  if (workload.rollout.state === 'progressing')
    return { tone: 'running', text };
  return { tone: ready >= desired ? 'ok' : 'warning', text };
}

const EnvironmentsCardBody = () => {
  const { value, loading, error } = useEnvironmentsStatus();
  return (
    <InfoCard title="Environments">
      {loading && !value && <Progress />}
      {error && !value && <ResponseErrorPanel error={error} />}
      {value && (
        <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {value.stages.map(stage => {
            const line = stageLine(stage);
            return (
              <li key={stage.stage}>
                <StatusLabel tone={line.tone}>{line.text}</StatusLabel>
              </li>
            );
          })}
        </ul>
      )}
    </InfoCard>
  );
};

/** The overview-page card: one line per stage. */
export const EntityEnvironmentsCard = () => {
  const { entity } = useEntity();
  if (!hasWorkloadAnnotations(entity)) {
    return (
      <InfoCard title="Environments">
        <Typography variant="body2">
          No Kubernetes workloads linked: add the backstage.io/kubernetes-id
          annotation (see the Environments tab).
        </Typography>
      </InfoCard>
    );
  }
  return <EnvironmentsCardBody />;
};
