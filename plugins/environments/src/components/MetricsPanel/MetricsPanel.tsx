import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import { RangePicker } from '../RangePicker';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { METRICS_RANGES, MetricsRange } from '../../api';
import { useStageMetrics } from '../../hooks/useEnvironments';
import { METRIC_ORDER } from './formatMetric';
import { MetricChart } from './MetricChart';

/** Request rate, errors, latency and resources of one stage, with the gate thresholds drawn. */
export const MetricsPanel = (props: { stage: string }) => {
  const { stage } = props;
  const [range, setRange] = useState<MetricsRange>('1h');
  const { value, loading, error } = useStageMetrics(stage, range);
  const stageMetrics = value?.stages.find(s => s.stage === stage);

  const rangePicker = (
    <RangePicker
      label="Time range"
      ranges={METRICS_RANGES}
      value={range}
      onChange={setRange}
    />
  );

  let body;
  if (loading && !value) {
    body = <Progress />;
  } else if (error && !value) {
    body = <ResponseErrorPanel error={error} />;
  } else if (!stageMetrics || !stageMetrics.available) {
    body = (
      <WarningPanel
        severity="warning"
        defaultExpanded
        title={`Metrics unavailable for ${stage}`}
        message={
          stageMetrics?.error ??
          'Prometheus returned nothing for this stage. Checks that need metrics show as unknown.'
        }
      />
    );
  } else {
    const series = [...stageMetrics.series].sort(
      (a, b) => METRIC_ORDER.indexOf(a.metric) - METRIC_ORDER.indexOf(b.metric),
    );
    body = (
      <Grid container spacing={2}>
        {series.map(s => (
          <Grid item xs={12} sm={6} key={s.metric}>
            <MetricChart series={s} />
          </Grid>
        ))}
        {series.length === 0 && (
          <Grid item xs={12}>
            <Typography variant="body2">No series in this range.</Typography>
          </Grid>
        )}
      </Grid>
    );
  }

  return (
    <InfoCard title={`Metrics: ${stage}`} action={rangePicker}>
      {body}
    </InfoCard>
  );
};
