export { PromoteButton } from './PromoteButton';
export { promoteBlockReason } from './promoteBlockReason';
