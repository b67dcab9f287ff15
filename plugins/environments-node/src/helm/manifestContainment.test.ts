import { findContainmentProblems } from './manifestContainment';

const deployment = (namespace?: string) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
${namespace ? `  namespace: ${namespace}\n` : ''}spec: {}
`;

describe('findContainmentProblems', () => {
  it('accepts a service chart whose objects stay in the namespace or name none', () => {
    const manifest = [
      deployment('dev'),
      deployment(),
      'apiVersion: v1\nkind: Service\nmetadata: {name: orders, namespace: dev}',
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
