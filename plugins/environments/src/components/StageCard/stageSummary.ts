import { imageTag, StageStatus } from '@envportal/plugin-environments-common';
import { StatusTone } from '../StatusLabel';

/** Restarts above this count fail the promotion gate (seed alert rule), so the card warns early. */
export const RESTART_WARNING_THRESHOLD = 5;

/**
 * The version a user recognises. The image tag wins over the version label: an image promotion moves
 * the image and may leave the label behind, and the card must say what actually runs.
 */
export function displayVersion(stage: StageStatus): string | undefined {
  const workload = stage.workload;
  if (!workload) return undefined;
  return imageTag(workload.image) ?? workload.version ?? workload.image;
}

export function rolloutSummary(stage: StageStatus): {
  tone: StatusTone;
  text: string;
} {
  const rollout = stage.workload?.rollout;
  switch (rollout?.state) {
    case 'complete':
      return { tone: 'ok', text: 'Rollout complete' };
    case 'progressing':
      return { tone: 'running', text: 'Rolling out' };
    case 'failed':
      return { tone: 'error', text: 'Rollout failed' };
    default:
      return { tone: 'unknown', text: 'Rollout state unknown' };
  }
}

export function healthSummary(stage: StageStatus): {
  tone: StatusTone;
  text: string;
} {
  const health = stage.health;
  if (!health) return { tone: 'unknown', text: 'Health unknown' };
  if (health.live === 'pass' && health.ready === 'pass') {
    return { tone: 'ok', text: 'Healthy' };
  }
  if (health.live === 'fail' || health.ready === 'fail') {
    return { tone: 'error', text: `Unhealthy: ${health.detail}` };
  }
  return { tone: 'unknown', text: `Health unknown: ${health.detail}` };
}

/** Everything on a stage a user should look at, in words. */
export function stageWarnings(stage: StageStatus): string[] {
  const warnings: string[] = [];
  if (stage.state === 'error') {
    warnings.push(
      `Cluster ${stage.cluster} could not be read: ${
        stage.error ?? 'unknown error'
      }`,
    );
  }
  const rollout = stage.workload?.rollout;
  if (rollout?.message && rollout.state !== 'complete') {
    warnings.push(rollout.message);
  }
  const restarting = stage.pods.filter(
    pod => pod.restarts > RESTART_WARNING_THRESHOLD,
  );
  for (const pod of restarting) {
    warnings.push(`Pod ${pod.name} restarted ${pod.restarts} times`);
  }
  const seen = new Set<string>();
  for (const event of stage.events) {
    if (event.type !== 'Warning') continue;
    const line = `${event.reason}: ${event.message}`;
    if (seen.has(line)) continue;
    seen.add(line);
    warnings.push(event.count > 1 ? `${line} (${event.count} times)` : line);
  }
  return warnings;
}

/** "12 s", "3 min", "2 h": data age as people say it. */
export function formatAge(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return 'unknown';
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
