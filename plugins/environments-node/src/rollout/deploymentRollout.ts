import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import type { Wire } from '../kubernetes/wire';

/**
 * A Deployment from an API client, or as JSON from a watch or cache.
 *
 * @public
 */
export type DeploymentLike = V1Deployment | Wire<V1Deployment>;
/**
 * A ReplicaSet from an API client, or as JSON from a watch or cache.
 *
 * @public
 */
export type ReplicaSetLike = V1ReplicaSet | Wire<V1ReplicaSet>;

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/**
 * Where a Deployment's rollout stands, in the terms of `kubectl rollout status`.
 *
 * @public
 */
export type DeploymentRollout = {
  state: 'progressing' | 'complete' | 'failed';
  /** Why it is not complete yet, or how it ended. */
  message: string;
  desired: number;
  updated: number;
  /** Ready pods of the current revision when its ReplicaSet is known, else of the Deployment. */
  ready: number;
  available: number;
};

/**
 * The ReplicaSet of the Deployment's current revision, among those given (e.g. a namespace's).
 *
 * @public
 */
export function currentReplicaSet<R extends ReplicaSetLike>(
  deployment: DeploymentLike,
  replicaSets: Iterable<R>,
): R | undefined {
  const uid = deployment.metadata?.uid;
  const revision = deployment.metadata?.annotations?.[REVISION_ANNOTATION];
  if (!uid || revision === undefined) return undefined;
  for (const rs of replicaSets) {
    if (
      rs.metadata?.ownerReferences?.some(o => o.uid === uid) &&
      rs.metadata?.annotations?.[REVISION_ANNOTATION] === revision
    ) {
      return rs;
    }
  }
  return undefined;
}

/**
 * The one rule for "rollout complete", used by the status view, promotion and the scaffolder:
 * the controller has observed the latest spec, (when asked) the pod template runs the expected
 * image, every desired replica is updated and available and no old replica is left.
 *
 * A ProgressDeadlineExceeded condition fails the rollout, but only once the controller has observed
 * the spec being watched and, when the current ReplicaSet is known, only if the condition names it:
 * right after a rollback, the condition still names the abandoned ReplicaSet until the controller
 * re-evaluates progress.
 *
 * @public
 */
export function deploymentRollout(
  deployment: DeploymentLike,
  options: {
    currentReplicaSet?: ReplicaSetLike;
    /** The container and image the rollout must reach. */
    expect?: { container: string; image: string };
  } = {},
): DeploymentRollout {
  const status = deployment.status ?? {};
  const desired = deployment.spec?.replicas ?? 1;
  const observed =
    (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  const expect = options.expect;
  const templateMatches =
    !expect ||
    deployment.spec?.template?.spec?.containers?.find(
      c => c.name === expect.container,
    )?.image === expect.image;
  const rs = options.currentReplicaSet;
  const updated = observed ? status.updatedReplicas ?? 0 : 0;
  const ready = observed
    ? (rs ? rs.status?.readyReplicas : status.readyReplicas) ?? 0
    : 0;
  const available = status.availableReplicas ?? 0;
  const counts = { desired, updated, ready, available };

  const progressing = status.conditions?.find(c => c.type === 'Progressing');
  const deadlineExceeded =
    progressing?.reason === 'ProgressDeadlineExceeded' &&
    observed &&
    templateMatches &&
    (!rs || (progressing.message ?? '').includes(`"${rs.metadata?.name}"`));
  if (deadlineExceeded) {
    return {
      ...counts,
      state: 'failed',
      message: `progress deadline exceeded: ${
        progressing?.message ?? ''
      }`.trim(),
    };
  }
  const waiting = (message: string): DeploymentRollout => ({
    ...counts,
    state: 'progressing',
    message,
  });
  if (!observed)
    return waiting('waiting for the controller to observe the change');
  if (!templateMatches) {
    return waiting(`the pod template does not run ${expect!.image} yet`);
  }
  if (updated < desired) {
    return waiting(`${updated} of ${desired} replicas updated`);
  }
  const total = status.replicas ?? 0;
  if (total > updated) {
    return waiting(`${total - updated} old replicas pending termination`);
  }
  if (available < updated) {
    return waiting(`${available} of ${updated} updated replicas available`);
  }
  return {
    ...counts,
    state: 'complete',
    message: `${available} of ${desired} replicas available`,
  };
}
