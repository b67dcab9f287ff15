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
  metadata?: {
    name?: unknown;
    namespace?: unknown;
    annotations?: Record<string, unknown>;
  };
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
 * would reach beyond `namespace` or beyond the release: an object in another namespace, a kind that
 * is cluster-scoped or not one a service needs, a RoleBinding to a ClusterRole or to a subject of
 * another namespace, something of another service in the same namespace (see
 * `borrowingProblems`), or a document that is not an object. An empty list means everything
 * stays in the namespace and the release.
 *
 * @public
 */
export function findContainmentProblems(
  manifest: string,
  namespace: string,
): string[] {
  const problems: string[] = [];
  const objects: ManifestObject[] = [];
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
    objects.push(value as ManifestObject);
    problems.push(...objectProblems(value as ManifestObject, namespace));
  }
  return [...problems, ...borrowingProblems(objects)];
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

type PodSpec = {
  serviceAccountName?: unknown;
  serviceAccount?: unknown;
  volumes?: Array<{
    secret?: { secretName?: unknown };
    persistentVolumeClaim?: { claimName?: unknown };
    projected?: { sources?: Array<{ secret?: { name?: unknown } }> };
    csi?: { nodePublishSecretRef?: { name?: unknown } };
  }>;
  containers?: ContainerSpec[];
  initContainers?: ContainerSpec[];
};
type ContainerSpec = {
  env?: Array<{ valueFrom?: { secretKeyRef?: { name?: unknown } } }>;
  envFrom?: Array<{ secretRef?: { name?: unknown } }>;
};
type WorkloadObject = ManifestObject & {
  spec?: {
    template?: { spec?: PodSpec };
    jobTemplate?: { spec?: { template?: { spec?: PodSpec } } };
    target?: { name?: unknown; creationPolicy?: unknown };
    secretStoreRef?: { kind?: unknown; name?: unknown };
  } & PodSpec;
};

/** The pod spec of a workload object, wherever its kind keeps it. */
function podSpecOf(object: WorkloadObject): PodSpec | undefined {
  switch (object.kind) {
    case 'Pod':
      return object.spec;
    case 'CronJob':
      return object.spec?.jobTemplate?.spec?.template?.spec;
    case 'Deployment':
    case 'StatefulSet':
    case 'Job':
      return object.spec?.template?.spec;
    default:
      return undefined;
  }
}

/**
 * A stage namespace is shared by every team's services, so staying in it is not enough: the chart
 * must not borrow what belongs to another service there. Its pods may run as, mount or read only the
 * ServiceAccounts, Secrets and PersistentVolumeClaims the release itself renders (a Secret also as the
 * target an ExternalSecret creates); its RoleBindings may bind only its own Roles; its ExternalSecrets
 * may read only a namespaced SecretStore, not a ClusterSecretStore, which serves every namespace, and
 * may not merge into or use a Secret they do not create. Image pull secrets are not checked: a shared
 * registry credential in the namespace is the usual set-up, and it only lets the kubelet pull.
 */
function borrowingProblems(objects: WorkloadObject[]): string[] {
  const problems: string[] = [];
  // A hook is not part of the release: `helm install` runs test hooks never, and a hook replaces an
  // object of its name without asking whose it is. So hooks are only Pods and Jobs, and nothing a
  // hook renders counts as the release's own.
  const hooks = objects.filter(o => o.metadata?.annotations?.['helm.sh/hook']);
  for (const hook of hooks) {
    if (hook.kind !== 'Pod' && hook.kind !== 'Job') {
      problems.push(
        `${describe(
          hook,
        )} is a Helm hook; only Pods and Jobs may be (a hook replaces an object of its name, whoever owns it)`,
      );
    }
  }
  const owned = objects.filter(o => !hooks.includes(o));
  const rendered = (kind: string) =>
    new Set(
      owned
        .filter(o => o.kind === kind)
        .map(o => String(o.metadata?.name ?? '')),
    );
  const secrets = rendered('Secret');
  for (const o of owned.filter(x => x.kind === 'ExternalSecret')) {
    const policy = o.spec?.target?.creationPolicy ?? 'Owner';
    if (policy === 'Owner' || policy === 'Orphan') {
      secrets.add(String(o.spec?.target?.name ?? o.metadata?.name ?? ''));
    } else {
      problems.push(
        `${describe(o)} has creationPolicy ${String(
          policy,
        )}: it would use or write a Secret it does not create`,
      );
    }
  }
  const accounts = rendered('ServiceAccount');
  const claims = rendered('PersistentVolumeClaim');
  const roles = rendered('Role');
  const borrows = (what: string, kind: string, name: unknown) =>
    problems.push(
      `${what} uses ${kind} ${String(
        name,
      )}, which this release does not create (it may be another service's)`,
    );

  for (const object of objects) {
    const what = describe(object);
    if (object.kind === 'RoleBinding' && object.roleRef?.kind === 'Role') {
      if (!roles.has(String(object.roleRef.name))) {
        borrows(what, 'Role', object.roleRef.name);
      }
    }
    if (
      object.kind === 'ExternalSecret' &&
      object.spec?.secretStoreRef?.kind === 'ClusterSecretStore'
    ) {
      problems.push(
        `${what} reads ClusterSecretStore ${String(
          object.spec.secretStoreRef.name,
        )}, which serves every namespace; use a SecretStore of the namespace`,
      );
    }
    const pod = podSpecOf(object);
    if (!pod) continue;
    const account = pod.serviceAccountName ?? pod.serviceAccount;
    if (
      account !== undefined &&
      account !== 'default' &&
      !accounts.has(String(account))
    ) {
      borrows(what, 'ServiceAccount', account);
    }
    const secretNames = [
      ...(pod.volumes ?? []).flatMap(v => [
        v.secret?.secretName,
        v.csi?.nodePublishSecretRef?.name,
        ...(v.projected?.sources ?? []).map(source => source.secret?.name),
      ]),
      ...[...(pod.containers ?? []), ...(pod.initContainers ?? [])].flatMap(
        c => [
          ...(c.env ?? []).map(e => e.valueFrom?.secretKeyRef?.name),
          ...(c.envFrom ?? []).map(e => e.secretRef?.name),
        ],
      ),
    ];
    for (const name of new Set(secretNames)) {
      if (name !== undefined && !secrets.has(String(name))) {
        borrows(what, 'Secret', name);
      }
    }
    for (const volume of pod.volumes ?? []) {
      const claim = volume.persistentVolumeClaim?.claimName;
      if (claim !== undefined && !claims.has(String(claim))) {
        borrows(what, 'PersistentVolumeClaim', claim);
      }
    }
  }
  return problems;
}
