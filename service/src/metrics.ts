import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Route label for requests no route matched: keeps label cardinality bounded whatever the path. */
export const UNMATCHED_ROUTE = '<unmatched>';

const HTTP_LABELS = ['method', 'route', 'status_code'] as const;
type HttpLabel = (typeof HTTP_LABELS)[number];

// Bounds include 0.5 s exactly, so the "p95 below 500 ms" promotion gate reads a real bucket edge.
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<(typeof HTTP_LABELS)[number]>;
  httpDuration: Histogram<(typeof HTTP_LABELS)[number]>;
  /** Records one finished request. */
  observe(method: string, route: string, statusCode: number, seconds: number): void;
}

/**
 * Builds a registry holding the default Node metrics, the HTTP metrics and `app_info`.
 * One registry per app instance, so tests can build many apps in one process.
 */
export function createMetrics(options: { appVersion: string }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests handled, by method, route template and status code.',
    labelNames: HTTP_LABELS,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status code.',
    labelNames: HTTP_LABELS,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const appInfo = new Gauge({
    name: 'app_info',
    help: 'Always 1; labels carry the running version.',
    labelNames: ['version', 'node_version'] as const,
    registers: [registry],
  });
  appInfo.set({ version: options.appVersion, node_version: process.version }, 1);

  // Label objects are cached per series: prom-client hashes the label set on every call, and a fresh
  // object per request costs more than the lookup here.
  const children = new Map<string, { count: Counter.Internal; duration: Histogram.Internal<HttpLabel> }>();
  return {
    registry,
    httpRequests,
    httpDuration,
    observe(method, route, statusCode, seconds) {
      const key = `${method} ${statusCode} ${route}`;
      let child = children.get(key);
      if (!child) {
        const labels = { method, route, status_code: String(statusCode) };
        child = { count: httpRequests.labels(labels), duration: httpDuration.labels(labels) };
        children.set(key, child);
      }
      child.count.inc();
      child.duration.observe(seconds);
    },
  };
}
