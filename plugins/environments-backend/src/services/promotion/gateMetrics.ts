import { GateMetrics } from './gates';

/** Escapes a PromQL label value in double quotes. */
export function promLabelValue(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
}

/** The fixed query templates of the metric gates; only label values are filled in, escaped. */
export function gateQueries(
  labels: { namespace: string; service: string },
  windowSeconds: number,
) {
  const sel = `namespace="${promLabelValue(
    labels.namespace,
  )}",service="${promLabelValue(labels.service)}"`;
  const w = `${Math.round(windowSeconds)}s`;
  return {
    requests: `sum(increase(http_requests_total{${sel}}[${w}]))`,
    errors: `sum(increase(http_requests_total{${sel},status_code=~"5.."}[${w}]))`,
    latencyP95Seconds: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[${w}])))`,
  };
}

async function instant(
  baseUrl: string,
  authorization: string | undefined,
  query: string,
  signal: AbortSignal,
): Promise<number | undefined> {
  const response = await fetch(`${baseUrl}/api/v1/query`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(authorization ? { Authorization: authorization } : {}),
    },
    body: new URLSearchParams({ query }),
    signal,
  });
  if (!response.ok) {
    throw new Error(`Prometheus answered ${response.status}`);
  }
  const body = (await response.json()) as any;
  const sample = body?.data?.result?.[0]?.value?.[1];
  if (sample === undefined) return undefined;
  const value = Number(sample);
  return Number.isFinite(value) ? value : undefined;
}

/** Reads the source stage's request count, 5xx count and p95 over the gate window. */
export async function readGateMetrics(options: {
  prometheusUrl: string;
  authorization?: string;
  namespace: string;
  service: string;
  windowSeconds: number;
  timeoutMs?: number;
}): Promise<GateMetrics> {
  const queries = gateQueries(options, options.windowSeconds);
  const signal = AbortSignal.timeout(options.timeoutMs ?? 5000);
  const [requests, errors, latencyP95Seconds] = await Promise.all([
    instant(
      options.prometheusUrl,
      options.authorization,
      queries.requests,
      signal,
    ),
    instant(
      options.prometheusUrl,
      options.authorization,
      queries.errors,
      signal,
    ),
    instant(
      options.prometheusUrl,
      options.authorization,
      queries.latencyP95Seconds,
      signal,
    ),
  ]);
  // No series for errors means no 5xx at all once there is traffic.
  return {
    requests,
    errors: requests !== undefined ? errors ?? 0 : undefined,
    latencyP95Seconds,
  };
}
