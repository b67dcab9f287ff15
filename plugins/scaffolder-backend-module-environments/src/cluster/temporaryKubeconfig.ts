import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'yaml';
import { ClusterCredentials } from './stageTarget';

/**
 * Runs `fn` with the path of a kubeconfig for one cluster and namespace. The file is readable by this
 * user only (0600, in a 0700 directory) and is deleted afterwards, also when `fn` fails, because it
 * holds the cluster token.
 */
export async function withTemporaryKubeconfig<T>(
  cluster: ClusterCredentials,
  namespace: string,
  fn: (kubeconfigPath: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'envportal-kube-'));
  const path = join(dir, 'kubeconfig');
  try {
    await writeFile(path, renderKubeconfig(cluster, namespace), {
      mode: 0o600,
    });
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function renderKubeconfig(
  cluster: ClusterCredentials,
  namespace: string,
): string {
  return yaml.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster.name,
        cluster: {
          server: cluster.url,
          ...(cluster.caPem
            ? {
                'certificate-authority-data': Buffer.from(
                  cluster.caPem,
                ).toString('base64'),
              }
            : {}),
          ...(cluster.skipTLSVerify
            ? { 'insecure-skip-tls-verify': true }
            : {}),
        },
      },
    ],
    users: [{ name: 'portal', user: { token: cluster.serviceAccountToken } }],
    contexts: [
      {
        name: 'portal',
        context: { cluster: cluster.name, user: 'portal', namespace },
      },
    ],
    'current-context': 'portal',
  });
}
