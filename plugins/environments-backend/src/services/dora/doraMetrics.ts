import type {
  DoraDuration,
  DoraMetrics,
  DoraRange,
} from '@envportal/plugin-environments-common';
import type { Delivery } from '../../database/PromotionStore';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export const DORA_RANGE_DAYS: Record<DoraRange, number> = {
  '7d': 7,
  '30d': 30,
  '90d': 90,
};

/**
 * A change that failed in the stage: it was rolled back, or it failed after its rollout completed (a
 * failed soak). A promotion refused before it touched the stage (gates, a changed source) is not.
 */
export function isChangeFailure(d: Delivery): boolean {
  return (
    d.kind === 'promotion' &&
    (d.state === 'rolled-back' || (d.state === 'failed' && d.rolledOut))
  );
}

function isDeployment(d: Delivery): boolean {
  return d.kind === 'promotion' && d.state === 'succeeded';
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

function duration(seconds: number[]): DoraDuration {
  if (seconds.length === 0) return { samples: 0 };
  const sorted = [...seconds].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    medianSeconds: percentile(sorted, 0.5),
    p90Seconds: percentile(sorted, 0.9),
  };
}

const seconds = (from: string, to: string) =>
  Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

/**
 * The four DORA metrics from the changes into the last stage that finished in [from, to):
 * deployment frequency (successful promotions), lead time (image first promoted out of the first
 * stage → promoted into the last), change failure rate (failures / (successes + failures)) and time to
 * restore (failure → the entity's next success in the stage, by promotion or rollback).
 */
export function doraMetrics(input: {
  range: DoraRange;
  stage: string;
  from: Date;
  to: Date;
  deliveries: Delivery[];
}): DoraMetrics {
  const { range, stage, from, to, deliveries } = input;
  const deployments = deliveries.filter(isDeployment);
  const failures = deliveries.filter(isChangeFailure);

  const weeks = Math.ceil((to.getTime() - from.getTime()) / WEEK_MS);
  const byWeek = Array.from({ length: weeks }, (_, i) => ({
    weekStart: new Date(from.getTime() + i * WEEK_MS).toISOString(),
    count: 0,
  }));
  for (const d of deployments) {
    const week = Math.floor(
      (Date.parse(d.finishedAt) - from.getTime()) / WEEK_MS,
    );
    if (byWeek[week]) byWeek[week].count++;
  }

  const restored = failures.filter(f => f.nextSuccessAt);
  const changes = deployments.length + failures.length;
  return {
    range,
    stage,
    from: from.toISOString(),
    to: to.toISOString(),
    deploymentFrequency: {
      count: deployments.length,
      perWeek:
        Math.round(
          (deployments.length / ((to.getTime() - from.getTime()) / WEEK_MS)) *
            100,
        ) / 100,
      byWeek,
    },
    leadTime: duration(
      deployments
        .filter(d => d.firstSeenAt)
        .map(d => seconds(d.firstSeenAt!, d.finishedAt)),
    ),
    changeFailureRate: {
      failures: failures.length,
      changes,
      rate: changes > 0 ? failures.length / changes : undefined,
    },
    timeToRestore: {
      ...duration(restored.map(f => seconds(f.finishedAt, f.nextSuccessAt!))),
      unrestored: failures.length - restored.length,
    },
  };
}
