/**
 * The Environments tab: each stage's live status, verification checklist, metrics and promotion; and
 * the fleet page: every component by stage.
 *
 * The default export is the plugin for the new frontend system; the named `environmentsPlugin`,
 * `EntityEnvironmentsContent`, `EntityEnvironmentsCard` and `EnvironmentsFleetPage` are for legacy apps.
 *
 * @packageDocumentation
 */
export { environmentsFrontendPlugin as default } from './plugin';
export {
  environmentsPlugin,
  EntityEnvironmentsContent,
  EntityEnvironmentsCard,
  EnvironmentsFleetPage,
} from './legacy';
export { isEnvironmentsAvailable } from './isEnvironmentsAvailable';
export { MissingAnnotationsEmptyState } from './components/MissingAnnotationsEmptyState';
export { EnvironmentsClient, environmentsApiRef } from './api';
export type { EnvironmentsApi, MetricsRange, PromotionRequest } from './api';
