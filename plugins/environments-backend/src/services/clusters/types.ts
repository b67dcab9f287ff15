import type { KubeConfig } from '@kubernetes/client-node';
import type {
  ClusterDefinition,
  StageConnection,
} from '@envportal/plugin-environments-node';
import type { EnvironmentStage } from '../../config';

/** Where one stage's workloads live, with the read account's client configuration. */
export type StageTarget = {
  stage: EnvironmentStage;
  clusterName: string;
  namespace: string;
  kubeConfig: KubeConfig;
};

export type { ClusterDefinition };

export interface ClusterRegistry {
  /** Stages in configured order. */
  stages(): EnvironmentStage[];
  /** Throws NotFoundError for an unknown stage, and a plain Error when its cluster is not configured. */
  forStage(stageName: string): StageTarget;
  /**
   * The stage's promote account (its own ServiceAccount, bound in that namespace only); throws
   * AccountNotConfiguredError (403) when the stage has none.
   */
  promoteConnection(stageName: string): StageConnection;
  /** The configured clusters, each with the read account. */
  clusters(): ClusterDefinition[];
}
