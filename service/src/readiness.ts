import { redactUrl } from './config.js';

export interface DependencyResult {
  name: string;
  ok: boolean;
  /** Why it is not ok; absent when ok. */
  reason?: string;
  latencyMs: number;
  checkedAt: string;
}

export interface ReadinessReport {
  ready: boolean;
  reasons: string[];
  checks: DependencyResult[];
}

export interface Readiness {
  /** Called once on SIGTERM: from then on readiness is false, whatever the dependencies say. */
  markShuttingDown(): void;
  readonly shuttingDown: boolean;
  check(): Promise<ReadinessReport>;
}

export interface HttpDependency {
  name: string;
  url: URL;
  token?: string;
  timeoutMs: number;
  cacheMs: number;
}

/**
 * Checks an HTTP dependency: any answer below 500 within the timeout counts as reachable.
 * Results are cached for cacheMs and concurrent probes share one request in flight, so a probe storm
 * never becomes a storm on the dependency.
 */
export function createHttpDependencyCheck(dep: HttpDependency): () => Promise<DependencyResult> {
  let cached: { result: DependencyResult; at: number } | undefined;
  let inFlight: Promise<DependencyResult> | undefined;
  const target = redactUrl(dep.url);
  // fetch refuses URLs with credentials: they travel as a Basic header instead (a token wins).
  const url = new URL(dep.url);
  const headers: Record<string, string> = {};
  if (url.username || url.password) {
    const userPass = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(userPass).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  if (dep.token) headers.authorization = `Bearer ${dep.token}`;

  const run = async (): Promise<DependencyResult> => {
    const started = performance.now();
    const done = (ok: boolean, reason?: string): DependencyResult => ({
      name: dep.name,
      ok,
      ...(reason ? { reason } : {}),
      latencyMs: Math.round(performance.now() - started),
      checkedAt: new Date().toISOString(),
    });
    try {
      const res = await fetch(url, {
        method: 'GET',
        headers,
        signal: AbortSignal.timeout(dep.timeoutMs),
        redirect: 'manual',
      });
      // The body is not needed; drop it so the socket is released.
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 500) return done(false, `${target} answered ${res.status}`);
      return done(true);
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        return done(false, `${target} did not answer within ${dep.timeoutMs} ms`);
      }
      // Only the error code: messages can quote the URL, credentials included.
      return done(false, `${target} unreachable (${e.cause?.code ?? e.name})`);
    }
  };

  return () => {
    if (cached && performance.now() - cached.at < dep.cacheMs) return Promise.resolve(cached.result);
    inFlight ??= run().then((result) => {
      cached = { result, at: performance.now() };
      inFlight = undefined;
      return result;
    });
    return inFlight;
  };
}

export function createReadiness(checks: Array<() => Promise<DependencyResult>>): Readiness {
  let shuttingDown = false;
  return {
    markShuttingDown() {
      shuttingDown = true;
    },
    get shuttingDown() {
      return shuttingDown;
    },
    async check() {
      if (shuttingDown) return { ready: false, reasons: ['shutting down'], checks: [] };
      const results = await Promise.all(checks.map((c) => c()));
      const reasons = results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.reason}`);
      return { ready: reasons.length === 0, reasons, checks: results };
    },
  };
}
