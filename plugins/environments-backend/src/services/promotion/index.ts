export { createPromotionService } from './createPromotionService';
export { readPromotionSettings } from './settings';
export type { PromotionSettings, StagePromotionSettings } from './settings';
export type { ChecklistSource, PromotionService } from './types';
export { setupPromotions } from './setupPromotions';
