export { createChecklistService } from './createChecklistService';
export { createLogReader, isErrorLine } from './logReader';
export type { LogReader } from './logReader';
export type { ChecklistService } from './types';
export { CHECKS } from './checks';
