export { createClusterRegistry } from './createClusterRegistry';
export type { ClusterRegistry, ClusterDefinition, StageTarget } from './types';
