/**
 * The standard annotations of Backstage's Kubernetes plugin; entities find their workloads with these.
 * @public
 */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
/** @public */
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';
/** @public */
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';

/**
 * The label Backstage's Kubernetes plugin (and our chart) puts on every object of a workload.
 * @public
 */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

/**
 * Says whether an entity carries enough annotations for its workloads to be found.
 * @public
 */
export function hasWorkloadAnnotations(entity: {
  metadata: { annotations?: Record<string, string> };
}): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[KUBERNETES_ID_ANNOTATION]?.trim() ||
      annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION]?.trim(),
  );
}
