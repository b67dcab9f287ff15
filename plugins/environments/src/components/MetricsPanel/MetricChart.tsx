import { MetricSeries } from '@envportal/plugin-environments-common';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatMetricValue, formatTime, METRIC_TITLES } from './formatMetric';

/** A words-only summary of a chart: what screen readers get, and what tests assert. */
export function describeSeries(series: MetricSeries): string {
  const title = METRIC_TITLES[series.metric] ?? series.metric;
  const last = series.points[series.points.length - 1];
  const parts = [
    last
      ? `${title}: latest ${formatMetricValue(last[1], series.unit)}`
      : `${title}: no data in this range`,
  ];
  if (series.threshold !== undefined) {
    parts.push(`gate ${formatMetricValue(series.threshold, series.unit)}`);
  }
  return parts.join(', ');
}

/** One time series with its gate threshold drawn as a dashed line. */
export const MetricChart = (props: {
  series: MetricSeries;
  height?: number;
}) => {
  const { series, height = 160 } = props;
  const theme = useTheme();
  const data = series.points.map(([time, value]) => ({ time, value }));
  const summary = describeSeries(series);
  return (
    <figure style={{ margin: 0 }} aria-label={summary}>
      <Typography variant="subtitle2" component="figcaption">
        {summary}
      </Typography>
      {data.length > 0 && (
        <div aria-hidden>
          <ResponsiveContainer width="100%" height={height}>
            <LineChart
              data={data}
              margin={{ top: 8, right: 16, left: 8, bottom: 0 }}
            >
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis
                dataKey="time"
                type="number"
                domain={['dataMin', 'dataMax']}
                tickFormatter={formatTime}
                scale="time"
              />
              <YAxis
                width={72}
                tickFormatter={(value: number) =>
                  formatMetricValue(value, series.unit)
                }
                domain={[
                  0,
                  (dataMax: number) =>
                    Math.max(dataMax, series.threshold ?? 0) * 1.1 || 1,
                ]}
              />
              <Tooltip
                labelFormatter={(time: number) => formatTime(time)}
                formatter={(value: number) => [
                  formatMetricValue(value, series.unit),
                  METRIC_TITLES[series.metric],
                ]}
              />
              <Line
                type="monotone"
                dataKey="value"
                stroke={theme.palette.primary.main}
                dot={false}
                isAnimationActive={false}
              />
              {series.threshold !== undefined && (
                <ReferenceLine
                  y={series.threshold}
                  stroke={theme.palette.error.main}
                  strokeDasharray="6 3"
                  label={{ value: 'gate', position: 'insideTopRight' }}
                />
              )}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
};
