import type { DeploymentRollout } from '@envportal/plugin-environments-node';
import type { V1Deployment } from '@kubernetes/client-node';
import type { WorkloadCacheService } from '../cache';
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

/**
 * Follows a Deployment's rollout through the watch-fed cache: every cache change of the namespace
 * re-evaluates progress at once (no polling of the API server); a slow timer only guards the deadline.
 * Resolves `complete`, or `failed` on ProgressDeadlineExceeded or when readiness is not reached in time.
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
      const deployment = cache.get<V1Deployment>(
        'Deployment',
        options.deploymentName,
      );
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
      if (progress.state !== 'progressing') {
        finish(progress);
      } else if (Date.now() > deadline) {
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
