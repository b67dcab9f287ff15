/**
 * The Environments tab: each stage's live status, verification checklist, metrics and promotion.
 *
 * @packageDocumentation
 */
export { environmentsPlugin as default } from './plugin';
export { EntityEnvironmentsContent } from './components/EntityEnvironmentsContent';
export { EntityEnvironmentsCard } from './components/EntityEnvironmentsCard';
export { MissingAnnotationsEmptyState } from './components/MissingAnnotationsEmptyState';
export { EnvironmentsClient, environmentsApiRef } from './api';
export type { EnvironmentsApi, MetricsRange, PromotionRequest } from './api';
