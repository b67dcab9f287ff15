import type { KubeConfig } from '@kubernetes/client-node';
import type { EnvironmentStage } from '../../config';

/** Where one stage's workloads live, with a ready-to-use client configuration. */
export type StageTarget = {
  stage: EnvironmentStage;
  clusterName: string;
  namespace: string;
  kubeConfig: KubeConfig;
};

/** A cluster as read from `kubernetes.clusterLocatorMethods`; the token never leaves this object. */
export type ClusterDefinition = {
  name: string;
  url: string;
  kubeConfig: KubeConfig;
};

export interface ClusterRegistry {
  /** Stages in configured order. */
  stages(): EnvironmentStage[];
  /** Throws NotFoundError for an unknown stage, and a plain Error when its cluster is not configured. */
  forStage(stageName: string): StageTarget;
  clusters(): ClusterDefinition[];
}
