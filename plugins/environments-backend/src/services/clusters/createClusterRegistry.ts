import { NotFoundError } from '@backstage/errors';
import { EnvironmentStage } from '../../config';
import { ClusterDefinition, ClusterRegistry, StageTarget } from './types';

export function createClusterRegistry(options: {
  stages: EnvironmentStage[];
  clusters: ClusterDefinition[];
}): ClusterRegistry {
  const byName = new Map(options.clusters.map(c => [c.name, c]));
  return {
    stages: () => options.stages,
    clusters: () => options.clusters,
    forStage(stageName: string): StageTarget {
      const stage = options.stages.find(s => s.name === stageName);
      if (!stage) {
        throw new NotFoundError(`Unknown stage "${stageName}"`);
      }
      const cluster = byName.get(stage.cluster);
      if (!cluster) {
        throw new Error(
          `Stage "${stage.name}" names cluster "${stage.cluster}", which kubernetes.clusterLocatorMethods does not define`,
        );
      }
      return {
        stage,
        clusterName: cluster.name,
        namespace: stage.namespace,
        kubeConfig: cluster.kubeConfig,
      };
    },
  };
}
