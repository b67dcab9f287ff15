export { createDriftService } from './createDriftService';
export type { DriftService } from './createDriftService';
export { stageDrift, sameImage, templateWriter } from './stageDrift';
