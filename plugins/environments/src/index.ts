/**
 * The Environments tab: each stage's live status, verification checklist, metrics and promotion.
 *
 * @packageDocumentation
 */
export { environmentsPlugin as default } from './plugin';
export { EntityEnvironmentsContent } from './components/EntityEnvironmentsContent';
export { MissingAnnotationsEmptyState } from './components/MissingAnnotationsEmptyState';
