export { createStatusService, healthKey } from './createStatusService';
export { createHealthProber } from './healthProbe';
export type { HealthProber } from './healthProbe';
export type {
  EnvironmentStatusService,
  StageView,
  EntityStageViews,
} from './types';
export type { WorkloadSnapshot } from './workloadSnapshot';
export { takeWorkloadSnapshot } from './workloadSnapshot';
export { rolloutOf, podReady, podRestarts } from './summarize';
