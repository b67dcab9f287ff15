import { escapePromqlString, PrometheusClient } from '../metrics';
import { GateMetrics } from './gates';

/** The fixed query templates of the metric gates; only label values are filled in, escaped. */
export function gateQueries(
  labels: { namespace: string; service: string },
  windowSeconds: number,
) {
  const sel = `namespace="${escapePromqlString(
    labels.namespace,
  )}", service="${escapePromqlString(labels.service)}"`;
  const w = `${Math.round(windowSeconds)}s`;
  return {
    requests: `sum(increase(http_requests_total{${sel}}[${w}]))`,
    errors: `sum(increase(http_requests_total{${sel}, status_code=~"5.."}[${w}]))`,
    latencyP95Seconds: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[${w}])))`,
  };
}

/** Reads the stage's request count, 5xx count and p95 over the gate window through the shared client. */
export async function readGateMetrics(options: {
  prometheus: PrometheusClient;
  namespace: string;
  service: string;
  windowSeconds: number;
}): Promise<GateMetrics> {
  const queries = gateQueries(options, options.windowSeconds);
  const first = async (query: string) => {
    const value = (await options.prometheus.query(query))[0]?.value;
    return value !== undefined && Number.isFinite(value) ? value : undefined;
  };
  const [requests, errors, latencyP95Seconds] = await Promise.all([
    first(queries.requests),
    first(queries.errors),
    first(queries.latencyP95Seconds),
  ]);
  // No 5xx series at all means no errors once there is traffic.
  return {
    requests,
    errors: requests !== undefined ? errors ?? 0 : undefined,
    latencyP95Seconds,
  };
}
