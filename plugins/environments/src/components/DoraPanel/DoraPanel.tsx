import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import type { DoraRange } from '@envportal/plugin-environments-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { RangePicker } from '../RangePicker';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  Bar,
  BarChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { environmentsApiRef } from '../../api';
import { doraTiles } from './formatDora';

const RANGES: DoraRange[] = ['7d', '30d', '90d'];

const weekLabel = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' }).format(
    new Date(iso),
  );

/**
 * Deployment frequency, lead time, change failure rate and time to restore from the recorded
 * promotions: of one component, or (without `entity`) of every component the user can read.
 */
export const DoraPanel = (props: { entity?: CompoundEntityRef }) => {
  const api = useApi(environmentsApiRef);
  const [range, setRange] = useState<DoraRange>('30d');
  const { entity } = props;
  const entityKey = entity
    ? `${entity.kind}:${entity.namespace}/${entity.name}`
    : '';
  const { value, loading, error } = useAsync(
    () => (entity ? api.getDora(entity, range) : api.getFleetDora(range)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, entityKey, range],
  );

  const rangePicker = (
    <RangePicker
      label="Delivery metrics range"
      ranges={RANGES}
      value={range}
      onChange={setRange}
    />
  );

  let body;
  if (loading && !value) body = <Progress />;
  else if (error) body = <ResponseErrorPanel error={error} />;
  else if (value) {
    const weeks = value.deploymentFrequency.byWeek.map(w => ({
      week: weekLabel(w.weekStart),
      deployments: w.count,
    }));
    body = (
      <Grid container spacing={2}>
        {doraTiles(value).map(tile => (
          <Grid item xs={12} sm={6} md={3} key={tile.title}>
            <Box role="group" aria-label={`${tile.title}: ${tile.value}`}>
              <Typography variant="overline">{tile.title}</Typography>
              <Typography variant="h5">{tile.value}</Typography>
              <Typography variant="caption">{tile.detail}</Typography>
            </Box>
          </Grid>
        ))}
        <Grid item xs={12}>
          <Box
            height={160}
            role="figure"
            aria-label={`Deployments into ${value.stage} per week: ${weeks
              .map(w => `${w.week} ${w.deployments}`)
              .join(', ')}`}
          >
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={weeks}>
                <XAxis dataKey="week" />
                <YAxis allowDecimals={false} width={30} />
                <Tooltip />
                <Bar dataKey="deployments" fill="#1f77b4" />
              </BarChart>
            </ResponsiveContainer>
          </Box>
        </Grid>
      </Grid>
    );
  }

  return (
    <InfoCard title="Delivery (DORA)" action={rangePicker}>
      {body}
    </InfoCard>
  );
};
