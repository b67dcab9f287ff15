export {
  createMetricsService,
  seriesSelectorFor,
} from './createMetricsService';
export type { MetricsService } from './createMetricsService';
export {
  createPrometheusClient,
  PrometheusUnavailableError,
} from './prometheusClient';
export type {
  PrometheusClient,
  InstantSample,
  RangeSeries,
} from './prometheusClient';
export {
  escapePromqlString,
  METRIC_TEMPLATES,
  RANGES,
  upQuery,
} from './promql';
