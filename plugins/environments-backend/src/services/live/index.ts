export { createLiveUpdates } from './createLiveUpdates';
export type { LiveUpdates, FollowedStage } from './createLiveUpdates';
