import { KUBERNETES_ID_LABEL } from '@envportal/plugin-environments-common';
import type { CachedObject, NamespaceCache } from '../cache';

/** A namespace's Deployments and their ReplicaSets, indexed once per cache version. */
export type NamespaceIndex = {
  deployments: Array<CachedObject<'Deployment'>>;
  /** Deployments by their backstage.io/kubernetes-id label: how most entities find theirs. */
  deploymentsById: Map<string, Array<CachedObject<'Deployment'>>>;
  replicaSetsByOwner: Map<string, Array<CachedObject<'ReplicaSet'>>>;
};

const byVersion = new WeakMap<
  NamespaceCache,
  { version: number; index: NamespaceIndex }
>();

/**
 * The fleet reads every entity of a namespace at once: one pass over its ReplicaSets instead of one
 * per entity, reused until the namespace changes.
 */
export function namespaceIndex(cache: NamespaceCache): NamespaceIndex {
  const version = cache.version();
  const hit = byVersion.get(cache);
  if (hit && hit.version === version) return hit.index;
  const replicaSetsByOwner = new Map<
    string,
    Array<CachedObject<'ReplicaSet'>>
  >();
  for (const rs of cache.list('ReplicaSet')) {
    for (const owner of rs.metadata?.ownerReferences ?? []) {
      const list = replicaSetsByOwner.get(owner.uid) ?? [];
      list.push(rs);
      replicaSetsByOwner.set(owner.uid, list);
    }
  }
  const deployments = cache.list('Deployment');
  const deploymentsById = new Map<string, Array<CachedObject<'Deployment'>>>();
  for (const d of deployments) {
    const id = d.metadata?.labels?.[KUBERNETES_ID_LABEL];
    if (id === undefined) continue;
    const list = deploymentsById.get(id) ?? [];
    list.push(d);
    deploymentsById.set(id, list);
  }
  const index = { deployments, deploymentsById, replicaSetsByOwner };
  byVersion.set(cache, { version, index });
  return index;
}
