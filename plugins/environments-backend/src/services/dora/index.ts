export { createDoraService } from './createDoraService';
export type { DoraService } from './createDoraService';
export { doraMetrics, isChangeFailure, DORA_RANGE_DAYS } from './doraMetrics';
