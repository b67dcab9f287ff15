import { Config } from '@backstage/config';
import { z } from 'zod';

/** One stage as the backend needs it: where its workloads run and how promotion into it behaves. */
export type EnvironmentStage = {
  name: string;
  /** A cluster name from `kubernetes.clusterLocatorMethods`. */
  cluster: string;
  namespace: string;
  /** Base URL whose `/health/live` and `/health/ready` the checklist probes, when set. */
  healthUrl?: string;
  requiresApproval: boolean;
};

/** Thresholds of the promotion metric gates (from the seed's alerting rules). */
export type GateThresholds = {
  /** Highest acceptable 5xx ratio (0.01 = 1 %). */
  errorRate: number;
  /** Highest acceptable p95 latency in seconds. */
  latencyP95Seconds: number;
  /** Lowest acceptable non-5xx ratio. */
  successRate: number;
  /** Highest acceptable restart count of any pod. */
  maxRestarts: number;
};

export type PrometheusConfig = {
  url: string;
  /** Value of the Authorization header sent to Prometheus; never logged, never sent to the browser. */
  authorization?: string;
};

export type EnvironmentsConfig = {
  /** Ordered: the first stage is where new services land. */
  stages: EnvironmentStage[];
  prometheus?: PrometheusConfig;
  gates: GateThresholds;
  /** How long one cluster may take before the answer goes out without it. */
  clusterDeadlineMs: number;
  /** Pods listed per stage in the status (unready and restarting first); the answer size grows with it. */
  statusPodLimit: number;
};

export const DEFAULT_GATES: GateThresholds = {
  errorRate: 0.01,
  latencyP95Seconds: 0.5,
  successRate: 0.999,
  maxRestarts: 5,
};

export const DEFAULT_CLUSTER_DEADLINE_MS = 3000;

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS-1123 label');

const httpUrl = z
  .string()
  .url()
  .refine(u => /^https?:\/\//.test(u), 'must be an http(s) URL');

const stageSchema = z.object({
  name: dnsLabel,
  cluster: z.string().min(1),
  namespace: dnsLabel,
  healthUrl: httpUrl.optional(),
  requiresApproval: z.boolean().optional(),
});

const schema = z.object({
  stages: z.array(stageSchema).default([]),
  prometheus: z
    .object({ url: httpUrl, authorization: z.string().min(1).optional() })
    .optional(),
  gates: z
    .object({
      errorRate: z.number().min(0).max(1),
      latencyP95Seconds: z.number().positive(),
      successRate: z.number().min(0).max(1),
      maxRestarts: z.number().int().min(0),
    })
    .partial()
    .default({}),
  clusterDeadlineMs: z.number().int().min(100).max(60000).optional(),
  statusPodLimit: z.number().int().min(1).max(1000).optional(),
});

/**
 * Reads and validates `environments.*`. Throws one error naming every bad key, so a wrong deployment
 * stops at start-up rather than answering with half the stages.
 */
export function readEnvironmentsConfig(config: Config): EnvironmentsConfig {
  const raw = config.getOptional('environments') ?? {};
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map(i => `environments.${i.path.join('.')}: ${i.message}`)
      .join('; ');
    throw new Error(`Invalid environments config: ${problems}`);
  }
  const { stages, prometheus, gates, clusterDeadlineMs, statusPodLimit } =
    parsed.data;
  const seen = new Set<string>();
  for (const stage of stages) {
    if (seen.has(stage.name)) {
      throw new Error(
        `Invalid environments config: stage "${stage.name}" appears twice`,
      );
    }
    seen.add(stage.name);
  }
  return {
    stages: stages.map(s => ({
      name: s.name,
      cluster: s.cluster,
      namespace: s.namespace,
      healthUrl: s.healthUrl?.replace(/\/+$/, ''),
      requiresApproval: s.requiresApproval ?? false,
    })),
    prometheus: prometheus && {
      url: prometheus.url.replace(/\/+$/, ''),
      authorization: prometheus.authorization,
    },
    gates: { ...DEFAULT_GATES, ...gates },
    clusterDeadlineMs: clusterDeadlineMs ?? DEFAULT_CLUSTER_DEADLINE_MS,
    statusPodLimit: statusPodLimit ?? 100,
  };
}
