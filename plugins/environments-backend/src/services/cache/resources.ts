/** A namespaced kind the cache holds. */
export type CachedKind =
  | 'Deployment'
  | 'ReplicaSet'
  | 'Pod'
  | 'Service'
  | 'EndpointSlice'
  | 'Event'
  | 'HorizontalPodAutoscaler'
  | 'PodDisruptionBudget'
  | 'NetworkPolicy'
  | 'ServiceAccount'
  | 'Role'
  | 'RoleBinding'
  | 'ConfigMap'
  | 'ServiceMonitor'
  | 'PrometheusRule';

export type ResourceDefinition = {
  kind: CachedKind;
  /** Empty for the core group. */
  group: string;
  version: string;
  plural: string;
  /**
   * Keep a fingerprint of the contents (`contentHash`) instead of the contents: ConfigMaps can be
   * large (dashboards), the checklist reads only their labels, and drift only whether they changed.
   * (Secrets are not watched at all: the read account may not list them, since a list returns their
   * values.)
   */
  fingerprintContents?: boolean;
  /** A CRD that may not be installed; its absence is a state, not an error. */
  optional?: boolean;
};

export const RESOURCES: readonly ResourceDefinition[] = [
  { kind: 'Deployment', group: 'apps', version: 'v1', plural: 'deployments' },
  { kind: 'ReplicaSet', group: 'apps', version: 'v1', plural: 'replicasets' },
  { kind: 'Pod', group: '', version: 'v1', plural: 'pods' },
  { kind: 'Service', group: '', version: 'v1', plural: 'services' },
  {
    kind: 'EndpointSlice',
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
  },
  { kind: 'Event', group: '', version: 'v1', plural: 'events' },
  {
    kind: 'HorizontalPodAutoscaler',
    group: 'autoscaling',
    version: 'v2',
    plural: 'horizontalpodautoscalers',
  },
  {
    kind: 'PodDisruptionBudget',
    group: 'policy',
    version: 'v1',
    plural: 'poddisruptionbudgets',
  },
  {
    kind: 'NetworkPolicy',
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'networkpolicies',
  },
  {
    kind: 'ServiceAccount',
    group: '',
    version: 'v1',
    plural: 'serviceaccounts',
  },
  {
    kind: 'Role',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'roles',
  },
  {
    kind: 'RoleBinding',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'rolebindings',
  },
  {
    kind: 'ConfigMap',
    group: '',
    version: 'v1',
    plural: 'configmaps',
    fingerprintContents: true,
  },
  {
    kind: 'ServiceMonitor',
    group: 'monitoring.coreos.com',
    version: 'v1',
    plural: 'servicemonitors',
    optional: true,
  },
  {
    kind: 'PrometheusRule',
    group: 'monitoring.coreos.com',
    version: 'v1',
    plural: 'prometheusrules',
    optional: true,
  },
];

export function collectionPath(def: ResourceDefinition, namespace: string) {
  const base = def.group ? `/apis/${def.group}/${def.version}` : '/api/v1';
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${def.plural}`;
}

export function groupVersionPath(def: ResourceDefinition) {
  return def.group ? `/apis/${def.group}/${def.version}` : '/api/v1';
}

export const METADATA_ONLY_ACCEPT =
  'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
