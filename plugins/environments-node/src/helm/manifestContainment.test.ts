import { findContainmentProblems } from './manifestContainment';

const deployment = (namespace?: string) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
${namespace ? `  namespace: ${namespace}\n` : ''}spec: {}
`;

/** The Deployment `orders` with a pod spec (YAML indented by six spaces). */
const ordersDeployment = (podSpec: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: orders}\nspec:\n  template:\n    spec:${podSpec}`;

/** The problem reported for a pod or binding that uses what the release does not create. */
const borrowed = (what: string, kind: string, name: string) =>
  `${what} uses ${kind} ${name}, which this release does not create (it may be another service's)`;
const hookOfKind = (what: string) =>
  `${what} is a Helm hook; only Pods and Jobs may be (a hook replaces an object of its name, whoever owns it)`;

describe('findContainmentProblems', () => {
  it('accepts a service chart whose objects stay in the namespace or name none', () => {
    const manifest = [
      deployment('dev'),
      deployment(),
      'apiVersion: v1\nkind: Service\nmetadata: {name: orders, namespace: dev}',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: orders}',
      `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: orders}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: orders}
subjects: [{kind: ServiceAccount, name: orders, namespace: dev}]`,
      '# Source: empty document\n',
    ].join('\n---\n');
    expect(findContainmentProblems(manifest, 'dev')).toEqual([]);
  });

  it('refuses an object in another namespace, in block or flow style', () => {
    expect(findContainmentProblems(deployment('prod'), 'dev')).toEqual([
      'Deployment/orders is in namespace "prod", not "dev"',
    ]);
    expect(
      findContainmentProblems(
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: prod}',
        'dev',
      ),
    ).toEqual(['ConfigMap/x is in namespace "prod", not "dev"']);
  });

  it('refuses a YAML merge key, which Kubernetes expands into a namespace this check would not see', () => {
    expect(
      findContainmentProblems(
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, <<: {namespace: prod}}',
        'dev',
      ),
    ).toEqual([
      'ConfigMap/x uses a YAML merge key (<<), which could hide its namespace from this check',
    ]);
    expect(
      findContainmentProblems(
        `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: orders}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: orders}
subjects: [{kind: ServiceAccount, name: x, <<: {namespace: kube-system}}]`,
        'dev',
      ),
    ).toEqual([
      'RoleBinding/orders uses a YAML merge key (<<), which could hide its namespace from this check',
    ]);
  });

  it("refuses pods that run as, mount or read what the release does not create: another service's account, Secrets and volumes", () => {
    const manifest = `apiVersion: v1
kind: ServiceAccount
metadata: {name: orders}
---
apiVersion: v1
kind: Secret
metadata: {name: orders-config}
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: orders-es}
spec:
  secretStoreRef: {kind: SecretStore, name: aws}
  target: {name: orders-secrets}
---
${ordersDeployment(`
      serviceAccountName: payments
      volumes:
        - {name: a, secret: {secretName: orders-config}}
        - {name: b, secret: {secretName: payments-db}}
        - {name: c, persistentVolumeClaim: {claimName: payments-data}}
        - {name: d, projected: {sources: [{secret: {name: orders-secrets}}]}}
      containers:
        - name: app
          env:
            - {name: A, valueFrom: {secretKeyRef: {name: orders-secrets, key: a}}}
            - {name: B, valueFrom: {secretKeyRef: {name: payments-api, key: token}}}
          envFrom: [{secretRef: {name: payments-env}}]`)}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cleanup}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: orders
          containers: [{name: c, envFrom: [{secretRef: {name: shared-admin}}]}]`;
    expect(findContainmentProblems(manifest, 'dev')).toEqual([
      borrowed('Deployment/orders', 'ServiceAccount', 'payments'),
      borrowed('Deployment/orders', 'Secret', 'payments-db'),
      borrowed('Deployment/orders', 'Secret', 'payments-api'),
      borrowed('Deployment/orders', 'Secret', 'payments-env'),
      borrowed('Deployment/orders', 'PersistentVolumeClaim', 'payments-data'),
      borrowed('CronJob/cleanup', 'Secret', 'shared-admin'),
    ]);
  });

  it("does not count what a hook renders as the release's own, and allows only Pod and Job hooks", () => {
    const manifest = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: payments
  annotations: {helm.sh/hook: test}
---
apiVersion: v1
kind: Secret
metadata:
  name: payments-db
  annotations: {helm.sh/hook: pre-install, helm.sh/hook-delete-policy: before-hook-creation}
---
apiVersion: v1
kind: Pod
metadata:
  name: orders-test
  annotations: {helm.sh/hook: test}
spec:
  serviceAccountName: payments
  containers: [{name: t}]`;
    expect(findContainmentProblems(manifest, 'dev')).toEqual([
      hookOfKind('ServiceAccount/payments'),
      hookOfKind('Secret/payments-db'),
      borrowed('Pod/orders-test', 'ServiceAccount', 'payments'),
    ]);
  });

  it('refuses an ExternalSecret that would merge into or use a Secret it does not create, and a CSI volume with a foreign secret', () => {
    const manifest = `apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: orders}
spec:
  secretStoreRef: {kind: SecretStore, name: aws}
  target: {name: payments-db, creationPolicy: Merge}
---
${ordersDeployment(`
      volumes:
        - name: a
          secret: {secretName: payments-db}
        - name: b
          csi: {driver: secrets-store.csi.k8s.io, nodePublishSecretRef: {name: payments-aws}}
      containers: [{name: app}]`)}`;
    expect(findContainmentProblems(manifest, 'dev')).toEqual([
      'ExternalSecret/orders has creationPolicy Merge: it would use or write a Secret it does not create',
      borrowed('Deployment/orders', 'Secret', 'payments-db'),
      borrowed('Deployment/orders', 'Secret', 'payments-aws'),
    ]);
  });

  it("refuses a RoleBinding to another service's Role and an ExternalSecret reading a ClusterSecretStore", () => {
    const manifest = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: orders}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: orders}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: orders}
subjects: [{kind: ServiceAccount, name: orders}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: borrowed}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: payments-admin}
subjects: [{kind: ServiceAccount, name: orders}]
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: orders}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: aws-all}`;
    expect(findContainmentProblems(manifest, 'dev')).toEqual([
      borrowed('RoleBinding/borrowed', 'Role', 'payments-admin'),
      'ExternalSecret/orders reads ClusterSecretStore aws-all, which serves every namespace; use a SecretStore of the namespace',
    ]);
  });

  it('refuses cluster-scoped kinds and kinds of an unexpected API group', () => {
    const problems = findContainmentProblems(
      [
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: evil}',
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: evil}',
        'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: evil}',
        // A lookalike: the Deployment kind under a group that may be cluster-scoped.
        'apiVersion: evil.example.com/v1\nkind: Deployment\nmetadata: {name: evil}',
        'apiVersion: v1\nkind: List\nitems: []',
      ].join('\n---\n'),
      'dev',
    );
    expect(problems).toHaveLength(5);
    expect(problems[0]).toBe(
      'Namespace/evil (v1) is not a namespaced kind a service may create',
    );
    expect(problems[3]).toContain('evil.example.com/v1');
  });

  it('refuses a RoleBinding to a ClusterRole, to a user, or to another namespace', () => {
    const problems = findContainmentProblems(
      `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: grab}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
subjects:
  - {kind: ServiceAccount, name: portal, namespace: prod}
  - {kind: User, name: mallory}`,
      'dev',
    );
    expect(problems).toEqual([
      'RoleBinding/grab binds ClusterRole/admin; only Roles of the namespace may be bound',
      'RoleBinding/grab grants to ServiceAccount prod/portal of another namespace',
      'RoleBinding/grab grants to User mallory; only ServiceAccounts may be bound',
    ]);
  });

  it('refuses documents that are not objects or cannot be parsed', () => {
    expect(findContainmentProblems('- a\n- b', 'dev')).toEqual([
      'a document that is not a Kubernetes object',
    ]);
    expect(findContainmentProblems('kind: [unclosed', 'dev')[0]).toMatch(
      /^unparseable document/,
    );
  });
});
