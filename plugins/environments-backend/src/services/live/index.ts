export { createLiveUpdates } from './createLiveUpdates';
export type { LiveUpdates, FollowedStage } from './createLiveUpdates';
export { createPromotionChangeBus } from './promotionChangeBus';
export type { PromotionChangeBus, PromotionChange } from './promotionChangeBus';
