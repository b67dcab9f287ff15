import { Config } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';
import fs from 'node:fs';
import { AccountNotConfiguredError } from './errors';
import {
  AccountPurpose,
  ClusterAccess,
  ClusterDefinition,
  StageConnection,
  StageDefinition,
} from './types';

type ClusterEndpoint = {
  name: string;
  url: string;
  caData?: string;
  skipTLSVerify: boolean;
  readToken?: string;
};

type StageAccounts = StageDefinition & {
  promoteToken?: string;
  deployToken?: string;
};

const TOKEN_KEYS: Record<Exclude<AccountPurpose, 'read'>, string> = {
  promote: 'promoteServiceAccountToken',
  deploy: 'deployServiceAccountToken',
};

/**
 * Reads the clusters from `kubernetes.clusterLocatorMethods` (type `config`, the same entries
 * Backstage's Kubernetes plugin reads, whose `serviceAccountToken` is the read account) and the
 * per-stage promote and deploy accounts from `environments.stages`. Only the `serviceAccount` auth
 * provider is supported: the portal acts with its own accounts, never with a user's.
 *
 * @public
 */
export function readClusterAccess(config: Config): ClusterAccess {
  const endpoints = readEndpoints(config);
  const byName = new Map(endpoints.map(e => [e.name, e]));
  const stages = readStageAccounts(config);
  const deployStages =
    config.getOptionalStringArray('environments.templates.helmStages') ??
    [stages[0]?.name].filter((s): s is string => Boolean(s));
  const clusters: ClusterDefinition[] = endpoints.map(e => ({
    name: e.name,
    url: e.url,
    kubeConfig: kubeConfigFor(e, e.readToken, 'read', undefined),
  }));
  const connections = new Map<string, StageConnection>();

  return {
    stages: () =>
      stages.map(({ name, cluster, namespace }) => ({
        name,
        cluster,
        namespace,
      })),
    clusters: () => clusters,
    deployStages: () => deployStages,
    forStage(stageName, purpose) {
      const stage = stages.find(s => s.name === stageName);
      if (!stage) throw new NotFoundError(`Unknown stage "${stageName}"`);
      const endpoint = byName.get(stage.cluster);
      if (!endpoint) {
        throw new Error(
          `Stage "${stage.name}" names cluster "${stage.cluster}", which kubernetes.clusterLocatorMethods (type config) does not define`,
        );
      }
      if (purpose === 'deploy' && !deployStages.includes(stage.name)) {
        throw new AccountNotConfiguredError(
          `Templates may deploy only to ${
            deployStages.join(', ') || 'no stage'
          }; ${stage.name} is reached by promotion`,
        );
      }
      const token = tokenFor(stage, endpoint, purpose);
      const key = `${stage.name}\u0000${purpose}`;
      let connection = connections.get(key);
      if (!connection) {
        connection = {
          stage: stage.name,
          clusterName: endpoint.name,
          namespace: stage.namespace,
          purpose,
          kubeConfig: kubeConfigFor(endpoint, token, purpose, stage.namespace),
          token,
        };
        connections.set(key, connection);
      }
      return connection;
    },
  };
}

function tokenFor(
  stage: StageAccounts,
  endpoint: ClusterEndpoint,
  purpose: AccountPurpose,
): string {
  if (purpose === 'read') {
    if (!endpoint.readToken) {
      throw new AccountNotConfiguredError(
        `Cluster "${endpoint.name}" has no serviceAccountToken (the read account) in kubernetes.clusterLocatorMethods`,
      );
    }
    return endpoint.readToken;
  }
  const token = purpose === 'promote' ? stage.promoteToken : stage.deployToken;
  if (!token) {
    throw new AccountNotConfiguredError(
      `Stage "${stage.name}" has no ${purpose} account: set environments.stages[${stage.name}].${TOKEN_KEYS[purpose]}`,
    );
  }
  return token;
}

function readEndpoints(config: Config): ClusterEndpoint[] {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const endpoints: ClusterEndpoint[] = [];
  for (const method of methods) {
    // catalog, gke and localKubectlProxy locators carry no account the portal could act with.
    if (method.getString('type') !== 'config') continue;
    for (const c of method.getOptionalConfigArray('clusters') ?? []) {
      const name = c.getString('name');
      const authProvider = c.getOptionalString('authProvider');
      if (authProvider && authProvider !== 'serviceAccount') {
        throw new Error(
          `kubernetes cluster "${name}": authProvider "${authProvider}" is not supported by the environments plugins; use serviceAccount`,
        );
      }
      const caFile = c.getOptionalString('caFile');
      endpoints.push({
        name,
        url: c.getString('url'),
        caData:
          c.getOptionalString('caData') ??
          (caFile ? fs.readFileSync(caFile).toString('base64') : undefined),
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
        readToken: c.getOptionalString('serviceAccountToken'),
      });
    }
  }
  return endpoints;
}

function readStageAccounts(config: Config): StageAccounts[] {
  return (config.getOptionalConfigArray('environments.stages') ?? []).map(
    stage => ({
      name: stage.getString('name'),
      cluster: stage.getString('cluster'),
      namespace: stage.getString('namespace'),
      promoteToken: stage.getOptionalString(TOKEN_KEYS.promote),
      deployToken: stage.getOptionalString(TOKEN_KEYS.deploy),
    }),
  );
}

function kubeConfigFor(
  endpoint: ClusterEndpoint,
  token: string | undefined,
  purpose: AccountPurpose,
  namespace: string | undefined,
): KubeConfig {
  const kubeConfig = new KubeConfig();
  const user = `${endpoint.name}-${purpose}`;
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: endpoint.name,
        server: endpoint.url,
        caData: endpoint.caData,
        skipTLSVerify: endpoint.skipTLSVerify,
      },
    ],
    users: [{ name: user, token }],
    contexts: [{ name: user, cluster: endpoint.name, user, namespace }],
    currentContext: user,
  });
  return kubeConfig;
}
