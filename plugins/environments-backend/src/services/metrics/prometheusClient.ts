import { PrometheusConfig } from '../../config';

const TIMEOUT_MS = 2500;

export class PrometheusUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusUnavailableError';
  }
}

/** The shapes of the Prometheus HTTP API's answers that the client reads. */
type PromSample = { metric?: Record<string, string>; value?: [number, string] };
type PromSeries = {
  metric?: Record<string, string>;
  values?: Array<[number, string]>;
};

/** The error code (ECONNREFUSED, ...) fetch puts on its error's cause. */
function causeCode(error: unknown): string | undefined {
  return (error as { cause?: { code?: string } })?.cause?.code;
}

export type InstantSample = { labels: Record<string, string>; value: number };
export type RangeSeries = {
  labels: Record<string, string>;
  points: Array<[number, number]>;
};

export interface PrometheusClient {
  /** True when /-/ready answers 200. */
  ready(): Promise<{ ready: boolean; detail: string }>;
  query(promql: string): Promise<InstantSample[]>;
  queryRange(
    promql: string,
    start: number,
    end: number,
    step: number,
  ): Promise<RangeSeries[]>;
  /** Loaded alerting rules with their labels. */
  alertRules(): Promise<
    Array<{ name: string; labels: Record<string, string> }>
  >;
}

/**
 * Talks to the Prometheus HTTP API. The Authorization header comes from config and is never logged;
 * error messages name the API path, never the server's address or headers (they reach the browser).
 */
export function createPrometheusClient(
  config: PrometheusConfig,
): PrometheusClient {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (config.authorization) headers.Authorization = config.authorization;

  async function get<T>(path: string, params?: URLSearchParams): Promise<T> {
    const url = `${config.url}${path}${params ? `?${params}` : ''}`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${TIMEOUT_MS} ms`
          : causeCode(error) ?? (error as Error).message;
      throw new PrometheusUnavailableError(
        `Prometheus is unreachable: ${reason}`,
      );
    }
    const body = (await res.json().catch(() => undefined)) as
      | { status?: string; error?: string; data: T }
      | undefined;
    if (!res.ok || body?.status !== 'success') {
      throw new PrometheusUnavailableError(
        `Prometheus ${path} answered ${res.status}: ${String(
          body?.error ?? 'no JSON body',
        ).slice(0, 200)}`,
      );
    }
    return body!.data;
  }

  return {
    async ready() {
      try {
        const res = await fetch(`${config.url}/-/ready`, {
          headers,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        await res.arrayBuffer().catch(() => undefined);
        return res.ok
          ? { ready: true, detail: 'Prometheus is ready' }
          : {
              ready: false,
              detail: `Prometheus answered ${res.status} on /-/ready`,
            };
      } catch (error) {
        return {
          ready: false,
          detail: `Prometheus is unreachable: ${
            causeCode(error) ?? (error as Error).message
          }`,
        };
      }
    },
    async query(promql) {
      const data = await get<{ result?: PromSample[] }>(
        '/api/v1/query',
        new URLSearchParams({ query: promql }),
      );
      return (data.result ?? []).map(r => ({
        labels: r.metric ?? {},
        value: Number(r.value?.[1]),
      }));
    },
    async queryRange(promql, start, end, step) {
      const data = await get<{ result?: PromSeries[] }>(
        '/api/v1/query_range',
        new URLSearchParams({
          query: promql,
          start: String(start),
          end: String(end),
          step: String(step),
        }),
      );
      return (data.result ?? []).map(r => ({
        labels: r.metric ?? {},
        points: (r.values ?? [])
          .map(([t, v]) => [t, Number(v)] as [number, number])
          .filter(([, v]) => Number.isFinite(v)),
      }));
    },
    async alertRules() {
      const data = await get<{
        groups?: Array<{
          rules?: Array<{ name: string; labels?: Record<string, string> }>;
        }>;
      }>('/api/v1/rules', new URLSearchParams({ type: 'alert' }));
      return (data.groups ?? []).flatMap(g =>
        (g.rules ?? []).map(r => ({
          name: r.name,
          labels: r.labels ?? {},
        })),
      );
    },
  };
}
