/*
 * Each of the portal's accounts against the real API server of the local cluster: what it must be
 * able to do works, and what it must not do is refused (403). The accounts and the config come from
 * scripts/portal-k8s-config; scripts/test.d/73-trust-boundary.sh exports ENVPORTAL_ACCOUNTS_IT_CONFIG.
 * Writes are server-side dry runs (authorized like real writes, never persisted).
 */
import { describeWhenAvailable } from '@envportal/test-utils';
import { ConfigReader } from '@backstage/config';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import yaml from 'yaml';
import { readClusterAccess } from './readClusterAccess';
import { AccountPurpose } from './types';

const CONFIG = process.env.ENVPORTAL_ACCOUNTS_IT_CONFIG;

const DRY_RUN = 'All';

/** Resolves to the HTTP status of a call: 2xx, or the API server's refusal. */
async function statusOf(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return 200;
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
}

describeWhenAvailable(
  'the portal accounts on the local cluster',
  {
    available: Boolean(CONFIG),
    needs:
      'the local cluster with the portal accounts (ENVPORTAL_ACCOUNTS_IT_CONFIG; scripts/test.d/73-trust-boundary.sh sets it)',
  },
  () => {
    jest.setTimeout(60_000);
    const access = readClusterAccess(
      new ConfigReader(CONFIG ? yaml.parse(readFileSync(CONFIG, 'utf8')) : {}),
    );
    const kube = (stage: string, purpose: AccountPurpose): KubeConfig =>
      access.forStage(stage, purpose).kubeConfig;
    const core = (stage: string, purpose: AccountPurpose) =>
      kube(stage, purpose).makeApiClient(CoreV1Api);
    const apps = (stage: string, purpose: AccountPurpose) =>
      kube(stage, purpose).makeApiClient(AppsV1Api);
    const configMap = (namespace: string) => ({
      namespace,
      body: {
        metadata: { name: `accounts-it-${process.pid}` },
        data: { a: 'b' },
      },
      dryRun: DRY_RUN,
    });
    const imagePatch = (namespace: string) => ({
      name: 'accounts-it-absent',
      namespace,
      body: [{ op: 'replace', path: '/spec/replicas', value: 1 }],
      dryRun: DRY_RUN,
    });

    it('read: lists the objects of a stage, but no Secret, and writes nothing', async () => {
      const read = core('dev', 'read');
      expect(
        await statusOf(() => read.listNamespacedPod({ namespace: 'dev' })),
      ).toBe(200);
      expect(
        await statusOf(() =>
          apps('dev', 'read').listNamespacedDeployment({ namespace: 'dev' }),
        ),
      ).toBe(200);
      // A list would return the values: the read account may neither list nor get Secrets.
      expect(
        await statusOf(() => read.listNamespacedSecret({ namespace: 'dev' })),
      ).toBe(403);
      expect(
        await statusOf(() =>
          read.readNamespacedSecret({ name: 'any', namespace: 'dev' }),
        ),
      ).toBe(403);
      expect(
        await statusOf(() => read.createNamespacedConfigMap(configMap('dev'))),
      ).toBe(403);
      // Only the stage namespaces.
      expect(
        await statusOf(() =>
          read.listNamespacedPod({ namespace: 'kube-system' }),
        ),
      ).toBe(403);
    });

    it('promote (image strategy, dev): patches Deployments in dev only, and nothing else', async () => {
      const promote = apps('dev', 'promote');
      // 404: authorized, the Deployment just does not exist.
      expect(
        await statusOf(() =>
          promote.patchNamespacedDeployment(imagePatch('dev')),
        ),
      ).toBe(404);
      expect(
        await statusOf(() =>
          promote.patchNamespacedDeployment(imagePatch('staging')),
        ),
      ).toBe(403);
      const core_ = core('dev', 'promote');
      expect(
        await statusOf(() => core_.listNamespacedSecret({ namespace: 'dev' })),
      ).toBe(403);
      expect(
        await statusOf(() => core_.createNamespacedConfigMap(configMap('dev'))),
      ).toBe(403);
      expect(
        await statusOf(() =>
          promote.createNamespacedDeployment({
            namespace: 'dev',
            body: {
              metadata: { name: 'x' },
              spec: { selector: {}, template: {} },
            },
            dryRun: DRY_RUN,
          }),
        ),
      ).toBe(403);
    });

    it('promote (helm strategy, prod): manages the release in prod, not in other namespaces or the cluster', async () => {
      const prod = core('prod', 'promote');
      expect(
        await statusOf(() => prod.createNamespacedConfigMap(configMap('prod'))),
      ).toBe(200);
      expect(
        await statusOf(() =>
          prod.createNamespacedConfigMap(configMap('staging')),
        ),
      ).toBe(403);
      expect(
        await statusOf(() =>
          prod.createNamespace({
            body: { metadata: { name: 'x' } },
            dryRun: DRY_RUN,
          }),
        ),
      ).toBe(403);
      // Binding a role it does not hold is refused (no escalation through RoleBindings).
      const rbac = kube('prod', 'promote').makeApiClient(
        RbacAuthorizationV1Api,
      );
      expect(
        await statusOf(() =>
          rbac.createNamespacedRoleBinding({
            namespace: 'prod',
            body: {
              metadata: { name: `accounts-it-${process.pid}` },
              roleRef: {
                apiGroup: 'rbac.authorization.k8s.io',
                kind: 'ClusterRole',
                name: 'admin',
              },
              subjects: [
                { kind: 'ServiceAccount', name: 'default', namespace: 'prod' },
              ],
            },
            dryRun: DRY_RUN,
          }),
        ),
      ).toBe(403);
    });

    it('deploy: installs into the first stage only', async () => {
      const deploy = core('dev', 'deploy');
      expect(
        await statusOf(() =>
          deploy.createNamespacedConfigMap(configMap('dev')),
        ),
      ).toBe(200);
      for (const namespace of ['staging', 'prod']) {
        expect(
          await statusOf(() =>
            deploy.createNamespacedConfigMap(configMap(namespace)),
          ),
        ).toBe(403);
      }
      expect(() => access.forStage('staging', 'deploy')).toThrow(
        'Templates may deploy only to dev',
      );
    });
  },
);
