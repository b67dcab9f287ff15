export { MetricsPanel } from './MetricsPanel';
export { describeSeries } from './MetricChart';
