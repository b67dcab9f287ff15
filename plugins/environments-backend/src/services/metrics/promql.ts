import type { MetricName } from '@envportal/plugin-environments-common';

/**
 * Escapes a value for a PromQL double-quoted string literal, so a label value can never end the
 * string and add matchers or operators of its own.
 */
export function escapePromqlString(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

/** The series of one service in one namespace, as a ServiceMonitor scrape labels them. */
export type SeriesSelector = { namespace: string; service: string };

function matchers(sel: SeriesSelector, extra = ''): string {
  return `{namespace="${escapePromqlString(
    sel.namespace,
  )}", service="${escapePromqlString(sel.service)}"${extra}}`;
}

type Template = {
  unit: string;
  build: (sel: SeriesSelector, window: string) => string;
};

/**
 * The only queries the backend sends for metrics. Metric names are the reference service's
 * (prom-client defaults plus its HTTP counter and histogram); CPU, memory and restarts come from the
 * process metrics so they work without cAdvisor or kube-state-metrics.
 */
export const METRIC_TEMPLATES: Record<MetricName, Template> = {
  requestRate: {
    unit: 'req/s',
    build: (s, w) => `sum(rate(http_requests_total${matchers(s)}[${w}]))`,
  },
  errorRate: {
    unit: 'ratio',
    // A service that never failed has no 5xx series: with traffic that is 0 %, not "no data"
    // (`0 * total` keeps "no traffic" empty).
    build: (s, w) => {
      const total = `sum(rate(http_requests_total${matchers(s)}[${w}]))`;
      const errors = `sum(rate(http_requests_total${matchers(
        s,
        ', status_code=~"5.."',
      )}[${w}]))`;
      return `(${errors} or 0 * ${total}) / ${total}`;
    },
  },
  latencyP95: {
    unit: 'seconds',
    build: (s, w) =>
      `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket${matchers(
        s,
      )}[${w}])))`,
  },
  cpu: {
    unit: 'cores',
    build: (s, w) => `sum(rate(process_cpu_seconds_total${matchers(s)}[${w}]))`,
  },
  memory: {
    unit: 'bytes',
    build: s => `sum(process_resident_memory_bytes${matchers(s)})`,
  },
  restarts: {
    unit: 'count',
    // A restart resets process_start_time_seconds; counting its changes needs no kube-state-metrics.
    build: (s, w) =>
      `sum(changes(process_start_time_seconds${matchers(s)}[${w}]))`,
  },
};

export const METRIC_NAMES = Object.keys(METRIC_TEMPLATES) as MetricName[];

/** Scrape-target health of a service: one `up` series per target. */
export function upQuery(sel: SeriesSelector): string {
  return `up${matchers(sel)}`;
}

/** Allowed ranges; anything else is refused, which bounds the work one request can cause. */
export const RANGES: Record<string, number> = {
  '15m': 15 * 60,
  '1h': 3600,
  '6h': 6 * 3600,
  '24h': 24 * 3600,
  '7d': 7 * 24 * 3600,
};

/** About 120 points per series whatever the range; never finer than 15 s. */
export function stepFor(rangeSeconds: number): number {
  return Math.max(15, Math.ceil(rangeSeconds / 120));
}

/** Rate window: at least a minute so a few scrapes always fall in it, and never below two steps. */
export function windowFor(step: number): string {
  return `${Math.max(60, step * 2)}s`;
}
