import { MetricName } from '@envportal/plugin-environments-common';

export const METRIC_TITLES: Record<MetricName, string> = {
  requestRate: 'Request rate',
  errorRate: 'Error rate',
  latencyP95: 'p95 latency',
  cpu: 'CPU',
  memory: 'Memory',
  restarts: 'Restarts',
};

/** The order the charts appear in: traffic and its health first, then resources. */
export const METRIC_ORDER: MetricName[] = [
  'requestRate',
  'errorRate',
  'latencyP95',
  'cpu',
  'memory',
  'restarts',
];

const round = (value: number, digits: number) =>
  Number(value.toFixed(digits)).toString();

/** Formats a value in the unit the backend names, as a person would read it. */
export function formatMetricValue(value: number, unit: string): string {
  switch (unit) {
    case 'ratio':
      return `${round(value * 100, 2)} %`;
    case 'seconds':
      return value < 1
        ? `${round(value * 1000, 0)} ms`
        : `${round(value, 2)} s`;
    case 'bytes':
      return `${round(value / (1024 * 1024), 1)} MiB`;
    case 'cores':
      return `${round(value * 1000, 0)} mCPU`;
    case 'count':
      return round(value, 0);
    case 'req/s':
      return `${round(value, 2)} req/s`;
    default:
      return `${round(value, 2)} ${unit}`.trim();
  }
}

export function formatTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
  });
}
