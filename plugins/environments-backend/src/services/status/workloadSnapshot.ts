import { matcherFromLabelSelector, WorkloadSelector } from '../entities';
import { NamespaceCache } from '../cache';

/** The objects of one entity in one namespace, read from the cache at one moment. */
export type WorkloadSnapshot = {
  deployment?: any;
  /** Other Deployments matching the selector (the status shows one; the checklist mentions the rest). */
  otherDeployments: any[];
  replicaSets: any[];
  pods: any[];
  /** Every object of these kinds carrying the entity's labels. */
  services: any[];
  configMaps: any[];
  serviceAccounts: any[];
  hpas: any[];
  pdbs: any[];
};

const labelsOf = (o: any) =>
  o?.metadata?.labels as Record<string, string> | undefined;

/**
 * Finds the entity's Deployment (the one named after its kubernetes-id when there are several) and
 * what belongs to it. Pods are matched by the Deployment's own selector, so a pod missing the entity
 * label still counts.
 */
export function takeWorkloadSnapshot(
  cache: NamespaceCache,
  selector: WorkloadSelector,
): WorkloadSnapshot {
  // Code-point order: stable and much cheaper than localeCompare on thousands of pods.
  const byName = (a: any, b: any) =>
    a.metadata.name < b.metadata.name
      ? -1
      : Number(a.metadata.name > b.metadata.name);
  const mine = (kind: Parameters<NamespaceCache['list']>[0]) =>
    cache
      .list(kind)
      .filter(o => selector.matches(labelsOf(o)))
      .sort(byName);

  const deployments = mine('Deployment');
  const deployment =
    deployments.find(d => d.metadata.name === selector.id) ?? deployments[0];
  const otherDeployments = deployments.filter(d => d !== deployment);

  let replicaSets: any[] = [];
  let pods: any[] = [];
  if (deployment) {
    const uid = deployment.metadata.uid;
    replicaSets = cache
      .list('ReplicaSet')
      .filter(rs =>
        (rs.metadata.ownerReferences ?? []).some((o: any) => o.uid === uid),
      );
    const podMatches = matcherFromLabelSelector(deployment.spec?.selector);
    pods = cache
      .list('Pod')
      .filter(p => podMatches(labelsOf(p)))
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
