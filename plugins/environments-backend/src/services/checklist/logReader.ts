import { redactAddresses } from '@envportal/plugin-environments-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeGetText, KubeHttpError } from '../cache/kubeHttp';
import {
  isErrorLine,
  lineTime,
  LogLine,
  readLogLine,
  summarizeErrorLine,
} from './logLines';
import { LogSignal } from './types';

const TAIL_LINES = 200;
const MAX_BYTES = 256 * 1024;
const MAX_PODS = 3;
/** Error lines summarized for the checklist, the most recent first. */
const MAX_RECENT_ERRORS = 5;
/** Logs are read on demand (no watch exists for them); a short memory keeps page reloads cheap. */
const TTL_MS = 30_000;
const TIMEOUT_MS = 2000;

/** One short sentence for the card: the request line and the server's address stay out. */
export function whyUnreadable(error: unknown, pod: string): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError')
    return `the API server did not return the logs of pod ${pod} within ${
      TIMEOUT_MS / 1000
    } s`;
  if (!(error instanceof KubeHttpError))
    return `the logs of pod ${pod} could not be read`;
  if (error.status === 401 || error.status === 403)
    return `the portal's account may not read pod logs (pods/log) here`;
  if (error.status === 404) return `pod ${pod} no longer exists`;
  if (error.status === undefined)
    return error.message.replace(/^GET \S+: /, '');
  // e.g. `Get "https://10.0.0.7:10250/containerLogs/...": dial tcp ...`: the node's address stays out
  const said = redactAddresses((error.apiMessage ?? '').split('\n')[0].trim());
  const brief = said.length > 120 ? `${said.slice(0, 117)}...` : said;
  return `the cluster keeps no readable logs for pod ${pod}${
    brief ? ` (${brief})` : ''
  }`;
}

/**
 * The `count` most recent of lines gathered pod after pod: by their own time where they carry one,
 * else later in a pod's log counts as more recent.
 */
export function mostRecent<T extends { at?: number }>(
  lines: T[],
  count: number,
): T[] {
  return lines
    .map((line, order) => ({ line, order }))
    .sort(
      (a, b) =>
        (b.line.at ?? -Infinity) - (a.line.at ?? -Infinity) ||
        b.order - a.order,
    )
    .slice(0, count)
    .map(e => e.line);
}

export interface LogReader {
  read(
    kubeConfig: KubeConfig,
    cacheKey: string,
    namespace: string,
    /** Called only when the remembered answer has expired: listing thousands of pods is not free. */
    pods: () => Array<{ name: string; container?: string }>,
  ): Promise<LogSignal>;
}

/**
 * Reads the last lines of a few pods through the API server (pods/log). Counts leave this module, and
 * of the error lines only a summary (time, message, status; credentials and addresses masked): log
 * lines may carry personal data or secrets, so no line is copied into an answer as it is.
 */
export function createLogReader(): LogReader {
  const recent = new Map<string, { at: number; value: Promise<LogSignal> }>();
  return {
    read(kubeConfig, cacheKey, namespace, listPods) {
      const hit = recent.get(cacheKey);
      if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
      const pods = listPods();
      const value = (async (): Promise<LogSignal> => {
        if (pods.length === 0)
          return { readable: false, reason: 'no pods to read logs from' };
        let lines = 0;
        let errorLines = 0;
        let firstErrorPod: string | undefined;
        const errors: Array<{ line: LogLine; pod: string; at?: number }> = [];
        const sample = pods.slice(0, MAX_PODS);
        try {
          // In parallel: one slow pod must not multiply the wait.
          const texts = await Promise.all(
            sample.map(pod => {
              const query = new URLSearchParams({
                tailLines: String(TAIL_LINES),
                limitBytes: String(MAX_BYTES),
                ...(pod.container ? { container: pod.container } : {}),
              });
              return kubeGetText(
                kubeConfig,
                `/api/v1/namespaces/${encodeURIComponent(
                  namespace,
                )}/pods/${encodeURIComponent(pod.name)}/log?${query}`,
                {
                  idleTimeoutMs: TIMEOUT_MS,
                  signal: AbortSignal.timeout(TIMEOUT_MS),
                  maxBytes: MAX_BYTES,
                },
              );
            }),
          );
          texts.forEach((text, i) => {
            for (const raw of text.split('\n')) {
              if (!raw.trim()) continue;
              lines++;
              const line = readLogLine(raw);
              if (isErrorLine(line)) {
                errorLines++;
                firstErrorPod ??= sample[i].name;
                errors.push({ line, pod: sample[i].name, at: lineTime(line) });
              }
            }
          });
        } catch (error) {
          return {
            readable: false,
            reason: whyUnreadable(error, sample[0].name),
          };
        }
        return {
          readable: true,
          pods: sample.length,
          lines,
          errorLines,
          firstErrorPod,
          recentErrors: mostRecent(errors, MAX_RECENT_ERRORS).map(e =>
            summarizeErrorLine(e.line, e.pod),
          ),
        };
      })();
      recent.set(cacheKey, { at: Date.now(), value });
      return value;
    },
  };
}
