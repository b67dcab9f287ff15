export { EnvironmentsClient } from './EnvironmentsClient';
export {
  environmentsApiRef,
  METRICS_RANGES,
  PromotionInFlightError,
} from './types';
export type { EnvironmentsApi, MetricsRange, PromotionRequest } from './types';
