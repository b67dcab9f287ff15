export {
  PromotionHistoryTable,
  HISTORY_PAGE_SIZE,
} from './PromotionHistoryTable';
