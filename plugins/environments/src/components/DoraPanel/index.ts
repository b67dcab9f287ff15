export { DoraPanel } from './DoraPanel';
