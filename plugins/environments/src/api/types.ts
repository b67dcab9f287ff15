import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  ApprovalRequest,
  ChecklistResponse,
  DoraMetrics,
  DoraRange,
  DriftResponse,
  EnvironmentsStatusResponse,
  FleetResponse,
  MetricsResponse,
  Promotion,
  PromotionList,
  PromotionPreview,
  StageGovernanceList,
} from '@envportal/plugin-environments-common';

/**
 * A time window the metrics panel offers; the backend turns each into a fixed range and step.
 * @public
 */
export type MetricsRange = '15m' | '1h' | '6h' | '24h' | '7d';

/** Every {@link MetricsRange}, in the order the panel offers them. */
export const METRICS_RANGES: readonly MetricsRange[] = [
  '15m',
  '1h',
  '6h',
  '24h',
  '7d',
];

/** @public */
export type PromotionRequest = {
  from: string;
  to: string;
  overrideReason?: string;
  /** Why it must run while the target's deploy window is closed (needs the window-override permission). */
  windowOverrideReason?: string;
  /** Lets a retried click land as the same promotion instead of a second one. */
  idempotencyKey?: string;
};

/**
 * Thrown when the target stage already has a promotion running; carries its id so it can be followed.
 * @public
 */
export class PromotionInFlightError extends Error {
  readonly runningPromotionId: string;

  constructor(message: string, runningPromotionId: string) {
    super(message);
    this.name = 'PromotionInFlightError';
    this.runningPromotionId = runningPromotionId;
  }
}

/**
 * What the Environments tab reads from and asks of environments-backend.
 * @public
 */
export interface EnvironmentsApi {
  getStatus(entity: CompoundEntityRef): Promise<EnvironmentsStatusResponse>;
  getChecklist(
    entity: CompoundEntityRef,
    options?: { stage?: string },
  ): Promise<ChecklistResponse>;
  getMetrics(
    entity: CompoundEntityRef,
    options: { range: MetricsRange; stage?: string },
  ): Promise<MetricsResponse>;
  previewPromotion(
    entity: CompoundEntityRef,
    request: { from: string; to: string },
  ): Promise<PromotionPreview>;
  createPromotion(
    entity: CompoundEntityRef,
    request: PromotionRequest,
  ): Promise<Promotion>;
  listPromotions(
    entity: CompoundEntityRef,
    options: { limit: number; offset: number },
  ): Promise<PromotionList>;
  getPromotion(id: string): Promise<Promotion>;
  /** Approves or rejects a promotion awaiting approval; answers the promotion as it is afterwards. */
  decidePromotion(id: string, request: ApprovalRequest): Promise<Promotion>;
  /** Each stage's approval policy and whether its deploy window is open. */
  getStageGovernance(): Promise<StageGovernanceList>;
  /** Every component the user can read, by stage (the fleet page). */
  getFleet(): Promise<FleetResponse>;
  /** Per stage, whether what runs is what was last promoted there. */
  getDrift(entity: CompoundEntityRef): Promise<DriftResponse>;
  /** Delivery metrics (DORA) of one component over the range. */
  getDora(entity: CompoundEntityRef, range: DoraRange): Promise<DoraMetrics>;
  /** Delivery metrics over every component the user can read. */
  getFleetDora(range: DoraRange): Promise<DoraMetrics>;
}

/**
 * One ref for both frontend systems: the new system's ApiBlueprint and the legacy plugin's API factory.
 * @public
 */
export const environmentsApiRef = createApiRef<EnvironmentsApi>().with({
  id: 'plugin.environments.service',
  pluginId: 'environments',
});
