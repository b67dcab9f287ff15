import type { KubeConfig } from '@kubernetes/client-node';

/**
 * What an account is for. Each purpose is its own ServiceAccount with its own RBAC, so a fault or a
 * hostile input in one path cannot use the rights of another:
 * - `read`: list and watch a stage's objects (the cluster's `serviceAccountToken`);
 * - `promote`: change a workload in one stage's namespace (the stage's `promoteServiceAccountToken`);
 * - `deploy`: install a new service into a first stage (the stage's `deployServiceAccountToken`).
 *
 * @public
 */
export type AccountPurpose = 'read' | 'promote' | 'deploy';

/**
 * A stage as configured under `environments.stages`.
 *
 * @public
 */
export type StageDefinition = {
  name: string;
  /** A cluster name from `kubernetes.clusterLocatorMethods`. */
  cluster: string;
  namespace: string;
};

/**
 * A cluster from `kubernetes.clusterLocatorMethods` with the read account's client configuration.
 *
 * @public
 */
export type ClusterDefinition = {
  name: string;
  url: string;
  kubeConfig: KubeConfig;
};

/**
 * A client configuration for one stage and one purpose.
 *
 * @public
 */
export type StageConnection = {
  stage: string;
  clusterName: string;
  namespace: string;
  purpose: AccountPurpose;
  /** Authenticates as the purpose's account; its current context's namespace is the stage's. */
  kubeConfig: KubeConfig;
  /** The account's token, only so that tool output can be masked with it. Never logged. */
  token: string;
};

/**
 * Every way into a cluster, resolved from config once.
 *
 * @public
 */
export interface ClusterAccess {
  /** Stages in configured order. */
  stages(): StageDefinition[];
  /** The configured clusters, each with the read account. */
  clusters(): ClusterDefinition[];
  /** Stages that take direct deploys from templates (`environments.templates.helmStages`, default the first). */
  deployStages(): string[];
  /**
   * The connection of a stage for a purpose. Throws NotFoundError for an unknown stage and
   * {@link AccountNotConfiguredError} when the purpose has no account there.
   */
  forStage(stage: string, purpose: AccountPurpose): StageConnection;
}
