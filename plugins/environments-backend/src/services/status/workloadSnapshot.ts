import { matcherFromLabelSelector, WorkloadSelector } from '../entities';
import type { CachedKind, CachedObject, NamespaceCache } from '../cache';

/** The objects of one entity in one namespace, read from the cache at one moment. */
export type WorkloadSnapshot = {
  deployment?: CachedObject<'Deployment'>;
  /** Other Deployments matching the selector (the status shows one; the checklist mentions the rest). */
  otherDeployments: Array<CachedObject<'Deployment'>>;
  replicaSets: Array<CachedObject<'ReplicaSet'>>;
  pods: Array<CachedObject<'Pod'>>;
  /** Every object of these kinds carrying the entity's labels. */
  services: Array<CachedObject<'Service'>>;
  configMaps: Array<CachedObject<'ConfigMap'>>;
  serviceAccounts: Array<CachedObject<'ServiceAccount'>>;
  hpas: Array<CachedObject<'HorizontalPodAutoscaler'>>;
  pdbs: Array<CachedObject<'PodDisruptionBudget'>>;
};

type Named = { metadata?: { name?: string; labels?: Record<string, string> } };

// Code-point order: stable and much cheaper than localeCompare on thousands of pods.
const byName = (a: Named, b: Named) => {
  const x = a.metadata?.name ?? '';
  const y = b.metadata?.name ?? '';
  return x < y ? -1 : Number(x > y);
};

/**
 * Finds the entity's Deployment (the one named after its kubernetes-id when there are several) and
 * what belongs to it. Pods are matched by the Deployment's own selector, so a pod missing the entity
 * label still counts.
 */
export function takeWorkloadSnapshot(
  cache: NamespaceCache,
  selector: WorkloadSelector,
): WorkloadSnapshot {
  const mine = <K extends CachedKind>(kind: K): Array<CachedObject<K>> =>
    cache
      .list(kind)
      .filter(o => selector.matches(o.metadata?.labels))
      .sort(byName);

  const deployments = mine('Deployment');
  const deployment =
    deployments.find(d => d.metadata?.name === selector.id) ?? deployments[0];
  const otherDeployments = deployments.filter(d => d !== deployment);

  let replicaSets: Array<CachedObject<'ReplicaSet'>> = [];
  let pods: Array<CachedObject<'Pod'>> = [];
  if (deployment) {
    const uid = deployment.metadata?.uid;
    replicaSets = cache
      .list('ReplicaSet')
      .filter(rs =>
        (rs.metadata?.ownerReferences ?? []).some(o => o.uid === uid),
      );
    const podMatches = matcherFromLabelSelector(deployment.spec?.selector);
    pods = cache
      .list('Pod')
      .filter(p => podMatches(p.metadata?.labels))
      .sort(byName);
  }

  return {
    deployment,
    otherDeployments,
    replicaSets,
    pods,
    services: mine('Service'),
    configMaps: mine('ConfigMap'),
    serviceAccounts: mine('ServiceAccount'),
    hpas: mine('HorizontalPodAutoscaler'),
    pdbs: mine('PodDisruptionBudget'),
  };
}
