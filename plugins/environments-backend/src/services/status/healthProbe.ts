import type {
  CheckResult,
  HealthEndpointResult,
} from '@envportal/plugin-environments-common';

const PROBE_TIMEOUT_MS = 1000;
/** Many viewers of one page must not turn into a probe storm against the service. */
const RESULT_TTL_MS = 5000;

export interface HealthProber {
  probe(healthUrl: string | undefined): Promise<HealthEndpointResult>;
}

async function probeOne(
  url: string,
): Promise<{ result: CheckResult; detail: string }> {
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      redirect: 'manual',
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status >= 200 && res.status < 300
      ? { result: 'pass', detail: `${res.status}` }
      : { result: 'fail', detail: `answered ${res.status}` };
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${PROBE_TIMEOUT_MS} ms`
        : `unreachable (${
            (error as { cause?: { code?: string } })?.cause?.code ??
            (error as Error).message
          })`;
    return { result: 'fail', detail: reason };
  }
}

/** A stage without a health URL: the same answer object every time (answers are remembered by it). */
const NOT_PROBED: HealthEndpointResult = Object.freeze({
  live: 'unknown',
  ready: 'unknown',
  detail:
    'no healthUrl is configured for this stage; the backend does not reach pod IPs, so the endpoints were not probed',
});

/** Probes `<healthUrl>/health/live` and `/health/ready`, remembering each answer for a few seconds. */
export function createHealthProber(): HealthProber {
  const recent = new Map<
    string,
    { at: number; value: Promise<HealthEndpointResult> }
  >();
  return {
    async probe(healthUrl) {
      if (!healthUrl) return NOT_PROBED;
      const hit = recent.get(healthUrl);
      if (hit && Date.now() - hit.at < RESULT_TTL_MS) return hit.value;
      const value = (async () => {
        const [live, ready] = await Promise.all([
          probeOne(`${healthUrl}/health/live`),
          probeOne(`${healthUrl}/health/ready`),
        ]);
        // The configured URL is an internal address: answers name only the paths.
        return {
          live: live.result,
          ready: ready.result,
          detail: `/health/live ${live.detail}; /health/ready ${ready.detail}`,
        };
      })();
      recent.set(healthUrl, { at: Date.now(), value });
      return value;
    },
  };
}
