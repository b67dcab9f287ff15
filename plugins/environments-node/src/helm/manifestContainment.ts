import { parseAllDocuments } from 'yaml';

/**
 * The namespaced kinds a service's chart may create, by API group ("" is the core group). Anything
 * else, cluster-scoped kinds above all (Namespace, ClusterRole, CRDs, webhooks), is refused: a
 * template deploys one service into one namespace.
 */
const NAMESPACED_KINDS = new Set([
  '/ConfigMap',
  '/PersistentVolumeClaim',
  '/Pod',
  '/Secret',
  '/Service',
  '/ServiceAccount',
  'apps/Deployment',
  'apps/StatefulSet',
  'autoscaling/HorizontalPodAutoscaler',
  'batch/CronJob',
  'batch/Job',
  'external-secrets.io/ExternalSecret',
  'monitoring.coreos.com/PodMonitor',
  'monitoring.coreos.com/PrometheusRule',
  'monitoring.coreos.com/ServiceMonitor',
  'networking.k8s.io/Ingress',
  'networking.k8s.io/NetworkPolicy',
  'policy/PodDisruptionBudget',
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/RoleBinding',
]);

type ManifestObject = {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  roleRef?: { kind?: unknown; name?: unknown };
  subjects?: Array<{ kind?: unknown; namespace?: unknown; name?: unknown }>;
};

function groupOf(apiVersion: unknown): string {
  const value = String(apiVersion ?? '');
  return value.includes('/') ? value.slice(0, value.lastIndexOf('/')) : '';
}

function describe(object: ManifestObject): string {
  return `${String(object.kind ?? '(no kind)')}/${String(
    object.metadata?.name ?? '(no name)',
  )}`;
}

/**
 * Says what in a rendered manifest (one or more YAML documents, as `helm template` prints them)
 * would reach beyond `namespace`: an object in another namespace, a kind that is cluster-scoped or
 * not one a service needs, a RoleBinding to a ClusterRole or to a subject of another namespace, or a
 * document that is not an object. An empty list means everything stays in the namespace.
 *
 * @public
 */
export function findContainmentProblems(
  manifest: string,
  namespace: string,
): string[] {
  const problems: string[] = [];
  for (const document of parseAllDocuments(manifest)) {
    if (document.errors.length > 0) {
      problems.push(`unparseable document: ${document.errors[0].message}`);
      continue;
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push('a document that is not a Kubernetes object');
      continue;
    }
    if (hasMergeKey(value)) {
      // Kubernetes' YAML reader expands `<<: {namespace: other}`; this parser keeps it as a key.
      problems.push(
        `${describe(
          value as ManifestObject,
        )} uses a YAML merge key (<<), which could hide its namespace from this check`,
      );
      continue;
    }
    problems.push(...objectProblems(value as ManifestObject, namespace));
  }
  return problems;
}

function hasMergeKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasMergeKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(
    ([key, child]) => key === '<<' || hasMergeKey(child),
  );
}

function objectProblems(object: ManifestObject, namespace: string): string[] {
  const what = describe(object);
  const kind = `${groupOf(object.apiVersion)}/${String(object.kind ?? '')}`;
  if (!NAMESPACED_KINDS.has(kind)) {
    return [
      `${what} (${String(
        object.apiVersion,
      )}) is not a namespaced kind a service may create`,
    ];
  }
  const problems: string[] = [];
  const objectNamespace = object.metadata?.namespace;
  if (objectNamespace !== undefined && objectNamespace !== namespace) {
    problems.push(
      `${what} is in namespace "${String(
        objectNamespace,
      )}", not "${namespace}"`,
    );
  }
  if (kind === 'rbac.authorization.k8s.io/RoleBinding') {
    if (object.roleRef?.kind !== 'Role') {
      problems.push(
        `${what} binds ${String(object.roleRef?.kind)}/${String(
          object.roleRef?.name,
        )}; only Roles of the namespace may be bound`,
      );
    }
    for (const subject of object.subjects ?? []) {
      if (
        subject.kind === 'ServiceAccount' &&
        subject.namespace !== undefined &&
        subject.namespace !== namespace
      ) {
        problems.push(
          `${what} grants to ServiceAccount ${String(
            subject.namespace,
          )}/${String(subject.name)} of another namespace`,
        );
      } else if (subject.kind !== 'ServiceAccount') {
        problems.push(
          `${what} grants to ${String(subject.kind)} ${String(
            subject.name,
          )}; only ServiceAccounts may be bound`,
        );
      }
    }
  }
  return problems;
}
