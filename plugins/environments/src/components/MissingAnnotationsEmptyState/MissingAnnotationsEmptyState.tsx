import { CodeSnippet, EmptyState } from '@backstage/core-components';
import { KUBERNETES_ID_ANNOTATION } from '@envportal/plugin-environments-common';

/**
 * Shown when an entity has no annotation that finds its workloads: says exactly what to add.
 * @public
 */
export const MissingAnnotationsEmptyState = (props: { entityName: string }) => {
  const snippet = `metadata:
  annotations:
    # the value of the backstage.io/kubernetes-id label on the workloads
    ${KUBERNETES_ID_ANNOTATION}: ${props.entityName}
    # or, instead, a label selector:
    # backstage.io/kubernetes-label-selector: 'app.kubernetes.io/name=${props.entityName}'`;
  return (
    <EmptyState
      missing="field"
      title="No Kubernetes workloads linked to this component"
      description={`Add one of these annotations to ${props.entityName}'s catalog-info.yaml so its Deployment can be found in every stage.`}
      action={<CodeSnippet language="yaml" text={snippet} showCopyCodeButton />}
    />
  );
};
