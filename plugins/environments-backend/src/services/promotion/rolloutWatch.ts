import type { DeploymentRollout } from '@envportal/plugin-environments-node';
import type { CachedObject, WorkloadCacheService } from '../cache';
import { rolloutProgress } from './workload';

export type RolloutOutcome = DeploymentRollout & {
  /** Epoch ms when this process saw the rollout reach its final state. */
  observedAt: number;
};

const NOTHING: DeploymentRollout = {
  state: 'failed',
  message: '',
  desired: 0,
  updated: 0,
  ready: 0,
  available: 0,
};

/** Kubernetes' default for spec.progressDeadlineSeconds. */
const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/** What counts as progress, as the deployment controller counts it: any replica count moving. */
function progressMark(
  deployment: CachedObject<'Deployment'>,
  progress: DeploymentRollout,
) {
  const s = deployment.status ?? {};
  return [
    s.observedGeneration,
    s.replicas,
    s.updatedReplicas,
    s.readyReplicas,
    s.availableReplicas,
    progress.ready,
  ].join('/');
}

/**
 * The controller never reports ProgressDeadlineExceeded when a rollout goes back to an existing
 * ReplicaSet (a retried version) that cannot create a single pod: its Progressing condition still
 * says the previous rollout succeeded. So the watch keeps the deadline itself: no replica count
 * moving for progressDeadlineSeconds fails the rollout, with the ReplicaFailure reason when there
 * is one (e.g. an exceeded quota).
 */
function stalled(
  deployment: CachedObject<'Deployment'>,
  quietMs: number,
): string | undefined {
  const deadline =
    deployment.spec?.progressDeadlineSeconds ??
    DEFAULT_PROGRESS_DEADLINE_SECONDS;
  if (quietMs < deadline * 1000) return undefined;
  const failure = deployment.status?.conditions?.find(
    c => c.type === 'ReplicaFailure' && c.status === 'True',
  );
  return `no progress within the progress deadline (${deadline} s)${
    failure?.message ? `: ${failure.message}` : ''
  }`;
}

/**
 * Follows a Deployment's rollout through the watch-fed cache: every cache change of the namespace
 * re-evaluates progress at once (no polling of the API server); a slow timer guards the deadlines.
 * Resolves `complete`, or `failed` on ProgressDeadlineExceeded, when no replica count moves within
 * the Deployment's progress deadline, or when readiness is not reached in time.
 */
export function watchRollout(options: {
  workloadCache: WorkloadCacheService;
  clusterName: string;
  namespace: string;
  deploymentName: string;
  container: string;
  expectedImage: string;
  timeoutMs: number;
  onProgress?: (progress: DeploymentRollout) => void;
  signal?: AbortSignal;
}): Promise<RolloutOutcome> {
  const cache = options.workloadCache.namespace(
    options.clusterName,
    options.namespace,
  );
  const deadline = Date.now() + options.timeoutMs;
  return new Promise(resolve => {
    let last = '';
    let mark = '';
    let markedAt = Date.now();
    let settled = false;
    // Assigned below; declared first because finish() releases them.
    let unsubscribe: () => void = () => undefined;
    let timer: ReturnType<typeof setInterval> | undefined = undefined;
    let onAbort: () => void = () => undefined;
    const finish = (outcome: DeploymentRollout) => {
      if (settled) return;
      settled = true;
      unsubscribe();
      clearInterval(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ ...outcome, observedAt: Date.now() });
    };
    const evaluate = () => {
      if (settled) return;
      const deployment = cache.get('Deployment', options.deploymentName);
      if (!deployment) {
        if (Date.now() > deadline) {
          finish({ ...NOTHING, message: 'Deployment disappeared' });
        }
        return;
      }
      const progress = rolloutProgress(
        cache,
        deployment,
        options.expectedImage,
        options.container,
      );
      const key = `${progress.desired}/${progress.updated}/${progress.ready}/${progress.state}`;
      if (key !== last) {
        last = key;
        options.onProgress?.(progress);
      }
      const now = Date.now();
      const currentMark = progressMark(deployment, progress);
      if (currentMark !== mark) {
        mark = currentMark;
        markedAt = now;
      }
      const stall =
        progress.state === 'progressing'
          ? stalled(deployment, now - markedAt)
          : undefined;
      if (progress.state !== 'progressing') {
        finish(progress);
      } else if (stall) {
        finish({ ...progress, state: 'failed', message: stall });
      } else if (now > deadline) {
        finish({
          ...progress,
          state: 'failed',
          message: `readiness not reached within ${Math.round(
            options.timeoutMs / 1000,
          )} s (${progress.ready}/${progress.desired} new pods ready)`,
        });
      }
    };
    unsubscribe = options.workloadCache.onChange(change => {
      if (
        change.clusterName === options.clusterName &&
        change.namespace === options.namespace &&
        (change.kind === 'Deployment' ||
          change.kind === 'ReplicaSet' ||
          change.kind === 'Pod')
      ) {
        evaluate();
      }
    });
    timer = setInterval(evaluate, 1000);
    onAbort = () => finish({ ...NOTHING, message: 'aborted' });
    options.signal?.addEventListener('abort', onAbort);
    evaluate();
  });
}
