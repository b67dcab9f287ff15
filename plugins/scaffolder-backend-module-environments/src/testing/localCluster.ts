/* eslint-disable jest/no-export */
/*
 * Test helper: connects tests to the repo's local cluster (scripts/local-cluster: real kube-apiserver,
 * controller-manager and scheduler with kwok nodes). The actions authenticate the way they do in the
 * portal: with a service account token and the cluster CA from kubernetes.clusterLocatorMethods.
 */
import { ConfigReader } from '@backstage/config';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import yaml from 'yaml';

// Tests run from source, so the file's own directory is the checkout's.
// eslint-disable-next-line no-restricted-syntax
export const REPO_ROOT = findRepoRoot(__dirname);
// The repo's pinned helm and kubectl, also when the test runner was not started from its scripts.
process.env.ENVPORTAL_BIN ??= join(
  process.env.HOME ?? '/root',
  '.cache/envportal/bin',
);
const SERVICE_ACCOUNT = 'envportal-scaffolder-test';

function findRepoRoot(start: string): string {
  for (let dir = start; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'scripts', 'local-cluster'))) return dir;
  }
  throw new Error(`repository root not found above ${start}`);
}

/** The admin kubeconfig of the running local cluster, or undefined when none runs. */
export function localClusterKubeconfig(): string | undefined {
  try {
    const env = execFileSync(
      join(REPO_ROOT, 'scripts', 'local-cluster'),
      ['env'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const path = /^export KUBECONFIG=(.+)$/m.exec(env)?.[1];
    return path && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `describe` for suites that need the local cluster. Without one they are skipped with a note, unless
 * ENVPORTAL_REQUIRE_CLUSTER=1 (scripts/test.d/78-scaffolder.sh), where a missing cluster fails.
 */
export function describeWithCluster(name: string, fn: () => void) {
  const available = localClusterKubeconfig() !== undefined;
  if (!available && process.env.ENVPORTAL_REQUIRE_CLUSTER === '1') {
    // eslint-disable-next-line jest/valid-title, jest/valid-describe-callback
    describe(name, () => {
      it('needs the local cluster', () => {
        expect(localClusterKubeconfig()).toBeDefined();
      });
    });
    return;
  }
  if (!available) {
    // eslint-disable-next-line no-console
    console.warn(
      `skipping "${name}": no local cluster (scripts/local-cluster up)`,
    );
  }
  if (available) {
    // eslint-disable-next-line jest/valid-title, jest/valid-describe-callback
    describe(name, fn);
  } else {
    // eslint-disable-next-line jest/valid-title, jest/valid-describe-callback, jest/no-disabled-tests
    describe.skip(name, fn);
  }
}

/** Runs kubectl as the cluster admin (test setup and assertions only). */
export function kubectl(args: string[], input?: string): string {
  const kubeconfig = localClusterKubeconfig();
  if (!kubeconfig) throw new Error('no local cluster');
  return execFileSync(kubectlPath(), args, {
    encoding: 'utf8',
    input,
    env: { ...process.env, KUBECONFIG: kubeconfig },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function kubectlPath(): string {
  const bin =
    process.env.ENVPORTAL_BIN ??
    join(process.env.HOME ?? '/root', '.cache/envportal/bin');
  return existsSync(join(bin, 'kubectl')) ? join(bin, 'kubectl') : 'kubectl';
}

/**
 * Config for the actions: stages dev/staging on cluster "local", which is the local cluster reached
 * with a fresh token of a service account that may administer dev and staging only.
 */
export function localClusterConfig(
  extra: Record<string, unknown> = {},
): ConfigReader {
  return new ConfigReader(localClusterConfigData(extra));
}

/** The same configuration as plain data, for mockServices.rootConfig. */
export function localClusterConfigData(
  extra: Record<string, unknown> = {},
): Record<string, any> {
  const kubeconfig = yaml.parse(
    readFileSync(localClusterKubeconfig()!, 'utf8'),
  );
  const cluster = kubeconfig.clusters[0].cluster;
  const caPem = cluster['certificate-authority-data']
    ? Buffer.from(cluster['certificate-authority-data'], 'base64').toString()
    : readFileSync(resolve(cluster['certificate-authority']), 'utf8');
  kubectl(['apply', '-f', '-'], serviceAccountManifests());
  const token = kubectl([
    'create',
    'token',
    SERVICE_ACCOUNT,
    '-n',
    'kube-system',
    '--duration=1h',
  ]).trim();
  return {
    environments: {
      stages: [
        { name: 'dev', cluster: 'local', namespace: 'dev' },
        { name: 'staging', cluster: 'local', namespace: 'staging' },
      ],
    },
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'local',
              url: cluster.server,
              authProvider: 'serviceAccount',
              serviceAccountToken: token,
              caData: Buffer.from(caPem).toString('base64'),
            },
          ],
        },
      ],
    },
    ...extra,
  };
}

function serviceAccountManifests(): string {
  const bindings = ['dev', 'staging'].map(namespace => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: SERVICE_ACCOUNT, namespace },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'admin',
    },
    subjects: [
      {
        kind: 'ServiceAccount',
        name: SERVICE_ACCOUNT,
        namespace: 'kube-system',
      },
    ],
  }));
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: SERVICE_ACCOUNT, namespace: 'kube-system' },
    },
    ...bindings,
  ]
    .map(doc => yaml.stringify(doc))
    .join('---\n');
}

/** Deletes a Helm release's objects with the admin credentials (cleanup between tests). */
export function uninstallRelease(name: string, namespace: string) {
  const kubeconfig = localClusterKubeconfig();
  if (!kubeconfig) return;
  const bin =
    process.env.ENVPORTAL_BIN ??
    join(process.env.HOME ?? '/root', '.cache/envportal/bin');
  try {
    execFileSync(
      join(bin, 'helm'),
      ['uninstall', name, '-n', namespace, '--wait', '--timeout', '60s'],
      {
        env: { ...process.env, KUBECONFIG: kubeconfig },
        stdio: 'ignore',
      },
    );
  } catch {
    // not installed: nothing to clean
  }
}
