import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import fs from 'node:fs';
import { ClusterDefinition } from './types';

/**
 * Reads clusters from the same `kubernetes.clusterLocatorMethods` (type `config`) that Backstage's
 * Kubernetes backend reads, so a cluster is configured once for both. Only the `serviceAccount` auth
 * provider is supported: the portal reads with its own least-privilege identity, not the user's.
 */
export function readClusters(config: Config): ClusterDefinition[] {
  const methods = config.getOptionalConfigArray(
    'kubernetes.clusterLocatorMethods',
  );
  const clusters: ClusterDefinition[] = [];
  for (const method of methods ?? []) {
    if (method.getString('type') !== 'config') {
      continue; // catalog/gke/localKubectlProxy locators are not supported yet
    }
    for (const c of method.getOptionalConfigArray('clusters') ?? []) {
      const name = c.getString('name');
      const url = c.getString('url');
      const authProvider = c.getOptionalString('authProvider');
      if (authProvider && authProvider !== 'serviceAccount') {
        throw new Error(
          `kubernetes cluster "${name}": authProvider "${authProvider}" is not supported by the environments plugin; use serviceAccount`,
        );
      }
      const caFile = c.getOptionalString('caFile');
      const caData =
        c.getOptionalString('caData') ??
        (caFile ? fs.readFileSync(caFile).toString('base64') : undefined);
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromOptions({
        clusters: [
          {
            name,
            server: url,
            caData,
            skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
          },
        ],
        users: [
          {
            name: `${name}-portal`,
            token: c.getOptionalString('serviceAccountToken'),
          },
        ],
        contexts: [{ name, cluster: name, user: `${name}-portal` }],
        currentContext: name,
      });
      clusters.push({ name, url, kubeConfig });
    }
  }
  return clusters;
}
