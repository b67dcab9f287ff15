import { NotFoundError } from '@backstage/errors';
import type { ClusterAccess } from '@envportal/plugin-environments-node';
import { EnvironmentStage } from '../../config';
import { ClusterRegistry, StageTarget } from './types';

/** The backend's view of the stages: its own stage settings on top of the shared cluster access. */
export function createClusterRegistry(options: {
  stages: EnvironmentStage[];
  access: ClusterAccess;
}): ClusterRegistry {
  const { access } = options;
  return {
    stages: () => options.stages,
    clusters: () => access.clusters(),
    forStage(stageName: string): StageTarget {
      const stage = options.stages.find(s => s.name === stageName);
      if (!stage) {
        throw new NotFoundError(`Unknown stage "${stageName}"`);
      }
      const read = access.forStage(stage.name, 'read');
      return {
        stage,
        clusterName: read.clusterName,
        namespace: read.namespace,
        kubeConfig: read.kubeConfig,
      };
    },
    promoteConnection: stageName => access.forStage(stageName, 'promote'),
  };
}
