import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_ID_LABEL,
  KUBERNETES_NAMESPACE_ANNOTATION,
} from '@envportal/plugin-environments-common';

/**
 * Why an entity may not act on a workload, or undefined when it may. A workload belongs to the
 * entity whose `backstage.io/kubernetes-id` its `backstage.io/kubernetes-id` label carries; a
 * workload without that label belongs to an entity only when the entity's
 * `backstage.io/kubernetes-namespace` annotation confines it to the stage's namespace. So a label
 * selector that reaches another team's Deployment selects it for reading at most, never for a change.
 */
export function workloadOwnershipProblem(
  entity: Entity,
  namespace: string,
  workload: {
    kind: string;
    metadata?: { name?: string; labels?: Record<string, string> };
  },
): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const entityId = annotations[KUBERNETES_ID_ANNOTATION]?.trim();
  const labelId = workload.metadata?.labels?.[KUBERNETES_ID_LABEL];
  const what = `${workload.kind} ${
    workload.metadata?.name ?? '(unnamed)'
  } in ${namespace}`;
  const entityRef = stringifyEntityRef(entity);
  if (labelId !== undefined) {
    if (labelId === entityId) return undefined;
    return `${what} carries ${KUBERNETES_ID_LABEL}=${labelId}, so it belongs to another entity, not to ${entityRef}${
      entityId ? ` (${KUBERNETES_ID_ANNOTATION}: ${entityId})` : ''
    }`;
  }
  if (annotations[KUBERNETES_NAMESPACE_ANNOTATION]?.trim() === namespace) {
    return undefined;
  }
  return `${what} has no ${KUBERNETES_ID_LABEL} label and ${entityRef} is not confined to ${namespace} by ${KUBERNETES_NAMESPACE_ANNOTATION}, so it cannot be shown to be ${entityRef}'s`;
}
