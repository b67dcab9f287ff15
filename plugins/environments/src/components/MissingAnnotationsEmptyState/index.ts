export { MissingAnnotationsEmptyState } from './MissingAnnotationsEmptyState';
