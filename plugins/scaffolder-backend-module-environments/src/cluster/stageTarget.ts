import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { readFileSync } from 'node:fs';
import { readStages } from '../actions/stage';

/** A cluster from kubernetes.clusterLocatorMethods (type: config), with what a client needs to reach it. */
export type ClusterCredentials = {
  name: string;
  url: string;
  /** Bearer token of the service account the portal deploys with. Never logged. */
  serviceAccountToken: string;
  /** PEM bundle of the API server's CA, when given (caData is base64 in config, like kubeconfig). */
  caPem?: string;
  skipTLSVerify: boolean;
};

/** Where a stage deploys: its cluster and namespace. */
export type StageTarget = {
  stage: string;
  namespace: string;
  cluster: ClusterCredentials;
};

/**
 * Reads the clusters the Kubernetes plugin is configured with, so a cluster is configured once for
 * both the Kubernetes tab and the deploy actions. Only `type: config` locators carry credentials
 * that an action can use; other locator types are skipped.
 */
export function readClusters(config: Config): ClusterCredentials[] {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  return methods
    .filter(method => method.getString('type') === 'config')
    .flatMap(method => method.getOptionalConfigArray('clusters') ?? [])
    .map(cluster => {
      const name = cluster.getString('name');
      const caData = cluster.getOptionalString('caData');
      const caFile = cluster.getOptionalString('caFile');
      return {
        name,
        url: cluster.getString('url'),
        serviceAccountToken:
          cluster.getOptionalString('serviceAccountToken') ?? '',
        caPem: readCaPem(caData, caFile),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
      };
    });
}

function readCaPem(caData?: string, caFile?: string): string | undefined {
  if (caData) return Buffer.from(caData, 'base64').toString('utf8');
  if (caFile) return readFileSync(caFile, 'utf8');
  return undefined;
}

/** Resolves a configured stage to its namespace and its cluster's credentials. */
export function resolveStageTarget(
  config: Config,
  stageName: string,
): StageTarget {
  const stages = readStages(config);
  const stage = stages.find(s => s.name === stageName);
  if (!stage) {
    throw new InputError(
      `Unknown stage "${stageName}"; configured stages: ${
        stages.map(s => s.name).join(', ') || 'none'
      }`,
    );
  }
  const cluster = readClusters(config).find(c => c.name === stage.cluster);
  if (!cluster) {
    throw new InputError(
      `Stage "${stageName}" names cluster "${stage.cluster}", which is not in kubernetes.clusterLocatorMethods (type: config)`,
    );
  }
  if (!cluster.serviceAccountToken) {
    throw new InputError(
      `Cluster "${cluster.name}" has no serviceAccountToken; the deploy actions authenticate with it`,
    );
  }
  return { stage: stage.name, namespace: stage.namespace, cluster };
}
