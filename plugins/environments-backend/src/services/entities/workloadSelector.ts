import type { Entity } from '@backstage/catalog-model';
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_ID_LABEL,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
} from '@envportal/plugin-environments-common';
import { LabelMatcher, parseLabelSelector } from './labelSelector';

/** How an entity's objects are recognised in a namespace. */
export type WorkloadSelector = {
  /** The kubernetes-id, when the entity has one; a Deployment of that name is preferred. */
  id?: string;
  /** Human-readable form, shown in evidence. */
  description: string;
  matches: LabelMatcher;
};

/**
 * The selector for an entity from the standard annotations, `undefined` when it has none
 * ("not configured"). A label-selector annotation wins over the id, as in Backstage's Kubernetes plugin.
 * Throws when the selector annotation cannot be parsed.
 */
export function workloadSelectorFor(
  entity: Entity,
): WorkloadSelector | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const selector = annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION]?.trim();
  const id = annotations[KUBERNETES_ID_ANNOTATION]?.trim();
  if (selector) {
    return {
      id,
      description: selector,
      matches: parseLabelSelector(selector),
    };
  }
  if (id) {
    return {
      id,
      description: `${KUBERNETES_ID_LABEL}=${id}`,
      matches: labels => labels?.[KUBERNETES_ID_LABEL] === id,
    };
  }
  return undefined;
}
