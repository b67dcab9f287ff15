import type { NamespaceCache } from '../cache';
import { matcherFromLabelSelector, WorkloadSelector } from '../entities';
import { exactImage } from './imageRef';

/** What promotion needs to know about an entity's Deployment in one stage, read from the cache. */
export type WorkloadSnapshot = {
  name: string;
  container: string;
  /** The image as written in the pod template. */
  image: string;
  /** The image with the digest a running pod reports, when one does; else `image`. */
  exactImage: string;
  desiredReplicas: number;
  /** `checksum/config`-style pod template annotations, env and resources: what "config" means here. */
  config: Record<string, string>;
  revision?: string;
  maxRestarts: number;
  deployment: any;
};

export function findDeployment(
  cache: NamespaceCache,
  selector: WorkloadSelector,
): any | undefined {
  const deployments = cache
    .list('Deployment')
    .filter((d: any) => selector.matches(d.metadata?.labels));
  return (
    deployments.find((d: any) => d.metadata.name === selector.id) ??
    deployments[0]
  );
}

/** Pods of the Deployment's current revision (the ReplicaSet whose revision matches). */
export function currentReplicaSet(cache: NamespaceCache, deployment: any) {
  const revision =
    deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  return cache
    .list('ReplicaSet')
    .find(
      (rs: any) =>
        rs.metadata?.ownerReferences?.some(
          (o: any) => o.uid === deployment.metadata.uid,
        ) &&
        rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ===
          revision,
    );
}

export function podsOf(cache: NamespaceCache, deployment: any): any[] {
  const matches = matcherFromLabelSelector(deployment.spec?.selector);
  return cache
    .list('Pod')
    .filter(
      (p: any) => !p.metadata?.deletionTimestamp && matches(p.metadata?.labels),
    );
}

export function readWorkload(
  cache: NamespaceCache,
  selector: WorkloadSelector,
  containerName?: string,
): WorkloadSnapshot | undefined {
  const deployment = findDeployment(cache, selector);
  if (!deployment) return undefined;
  const containers: any[] = deployment.spec?.template?.spec?.containers ?? [];
  const container =
    containers.find(c => c.name === containerName) ??
    (containerName ? undefined : containers[0]);
  if (!container) return undefined;
  const pods = podsOf(cache, deployment);
  // The digest comes from a Ready pod running exactly the template's image.
  const reported = pods
    .flatMap((p: any) => p.status?.containerStatuses ?? [])
    .find(
      (s: any) =>
        s.name === container.name && s.image === container.image && s.imageID,
    );
  const config: Record<string, string> = {};
  const annotations = deployment.spec?.template?.metadata?.annotations ?? {};
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith('checksum/'))
      config[`annotation ${key}`] = String(value);
  }
  for (const env of container.env ?? []) {
    // Only literal values are config; references are shown by name so no secret value is read.
    config[`env ${env.name}`] =
      env.value !== undefined ? String(env.value) : '(from reference)';
  }
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef?.name ?? from.secretRef?.name;
    if (ref)
      config[`envFrom ${ref}`] = from.configMapRef ? 'ConfigMap' : 'Secret';
  }
  const resources = container.resources ?? {};
  for (const section of ['requests', 'limits'] as const) {
    for (const [key, value] of Object.entries(resources[section] ?? {})) {
      config[`resources.${section}.${key}`] = String(value);
    }
  }
  return {
    name: deployment.metadata.name,
    container: container.name,
    image: container.image,
    exactImage: exactImage(container.image, reported?.imageID),
    desiredReplicas: deployment.spec?.replicas ?? 1,
    config,
    revision:
      deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'],
    maxRestarts: Math.max(
      0,
      ...pods.flatMap((p: any) =>
        (p.status?.containerStatuses ?? []).map(
          (s: any) => s.restartCount ?? 0,
        ),
      ),
    ),
    deployment,
  };
}

export type RolloutProgress = {
  desired: number;
  updated: number;
  ready: number;
  state: 'progressing' | 'complete' | 'failed';
  message?: string;
};

/**
 * Rollout state as `kubectl rollout status` judges it: the controller saw the new generation, every
 * replica is updated and available, no old replica is left; a ProgressDeadlineExceeded condition fails it.
 */
export function rolloutProgress(
  cache: NamespaceCache,
  deployment: any,
  expectedImage: string,
  containerName: string,
): RolloutProgress {
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const rs = currentReplicaSet(cache, deployment);
  const container = (deployment.spec?.template?.spec?.containers ?? []).find(
    (c: any) => c.name === containerName,
  );
  const observed =
    (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  const templateMatches = container?.image === expectedImage;
  const updated = observed ? status.updatedReplicas ?? 0 : 0;
  const ready = observed && rs ? rs.status?.readyReplicas ?? 0 : 0;
  const progressing = (status.conditions ?? []).find(
    (c: any) => c.type === 'Progressing',
  );
  // Only a deadline about the rollout being watched counts: right after a rollback the cache may still
  // show the abandoned template, and the condition names the abandoned ReplicaSet until the controller
  // re-evaluates progress.
  const deadlineExceeded =
    observed &&
    templateMatches &&
    progressing?.reason === 'ProgressDeadlineExceeded' &&
    rs !== undefined &&
    String(progressing.message ?? '').includes(`"${rs.metadata?.name}"`);
  if (deadlineExceeded) {
    return {
      desired,
      updated,
      ready,
      state: 'failed',
      message: `progress deadline exceeded: ${
        progressing.message ?? ''
      }`.trim(),
    };
  }
  const complete =
    observed &&
    templateMatches &&
    updated >= desired &&
    (status.replicas ?? 0) <= updated &&
    (status.availableReplicas ?? 0) >= updated;
  return {
    desired,
    updated,
    ready,
    state: complete ? 'complete' : 'progressing',
  };
}
