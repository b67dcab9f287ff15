/**
 * The deployment verification checklist of the seed, as stable ids grouped as the seed groups them.
 * The evidence each item reads is computed by the backend; these definitions are what both sides share.
 */

/** @public */
export type ChecklistGroup =
  | 'Application health'
  | 'Infrastructure'
  | 'Security'
  | 'Monitoring';

/** @public */
export type ChecklistItemDefinition = {
  id: string;
  group: ChecklistGroup;
  title: string;
  /** What the item reads, in words, shown beside the result. */
  evidence: string;
};

/** @public */
export const CHECKLIST: readonly ChecklistItemDefinition[] = [
  {
    id: 'pods-ready',
    group: 'Application health',
    title: 'Pods are running and ready',
    evidence: 'Deployment, ReplicaSet and Pod status',
  },
  {
    id: 'health-endpoints',
    group: 'Application health',
    title: 'Health check endpoints responding',
    evidence: '/health/live and /health/ready',
  },
  {
    id: 'logs-no-errors',
    group: 'Application health',
    title: 'Logs show no errors',
    evidence: 'recent container log lines at level error or above',
  },
  {
    id: 'metrics-collected',
    group: 'Application health',
    title: 'Metrics being collected',
    evidence: 'Prometheus `up` for the service targets',
  },
  {
    id: 'resources-created',
    group: 'Infrastructure',
    title: 'Kubernetes resources created',
    evidence:
      'Deployment, Service, ConfigMap, ServiceAccount, HPA, PDB present',
  },
  {
    id: 'services-accessible',
    group: 'Infrastructure',
    title: 'Services accessible',
    evidence: 'the Service has ready endpoints',
  },
  {
    id: 'monitoring-operational',
    group: 'Infrastructure',
    title: 'Monitoring stack operational',
    evidence: 'Prometheus reachable and ready',
  },
  {
    id: 'resource-limits',
    group: 'Infrastructure',
    title: 'Resource limits applied',
    evidence: 'every container has requests and limits',
  },
  {
    id: 'rbac',
    group: 'Security',
    title: 'RBAC policies applied',
    evidence:
      'dedicated ServiceAccount, Role and RoleBinding, token automount off',
  },
  {
    id: 'secrets-managed',
    group: 'Security',
    title: 'Secrets properly managed',
    evidence:
      'secret values only through secretKeyRef or volumes, never literal env values',
  },
  {
    id: 'network-policies',
    group: 'Security',
    title: 'Network policies active',
    evidence: 'a NetworkPolicy selects the pods',
  },
  {
    id: 'non-root',
    group: 'Security',
    title: 'Container running as non-root',
    evidence: 'runAsNonRoot or runAsUser > 0, no privilege escalation',
  },
  {
    id: 'prometheus-targets',
    group: 'Monitoring',
    title: 'Prometheus targets discovered',
    evidence: 'the service targets present in Prometheus',
  },
  {
    id: 'grafana-dashboards',
    group: 'Monitoring',
    title: 'Grafana dashboards loaded',
    evidence: 'a dashboard ConfigMap (grafana_dashboard label) present',
  },
  {
    id: 'alerts-configured',
    group: 'Monitoring',
    title: 'Alerts configured',
    evidence: 'a PrometheusRule for the service present',
  },
  {
    id: 'logs-collected',
    group: 'Monitoring',
    title: 'Logs being collected',
    evidence: 'the pod logs are readable',
  },
];

/** @public */
export const CHECKLIST_GROUPS: readonly ChecklistGroup[] = [
  'Application health',
  'Infrastructure',
  'Security',
  'Monitoring',
];
