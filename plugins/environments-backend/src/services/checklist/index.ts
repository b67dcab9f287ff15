export { createChecklistService } from './createChecklistService';
export { createLogReader } from './logReader';
export type { LogReader } from './logReader';
export type { ChecklistService } from './types';
export { CHECKS } from './checks';
