import { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { Lease, StoredPromotion } from '../../database/PromotionStore';
import { WorkloadSelector } from '../entities';
import type { PromotionAudit } from './audit';
import type { PromotionNotifier } from './notifications';
import { stageSettings } from './settings';
import {
  createHelmStrategy,
  createImageStrategy,
  PromotionStrategy,
} from './strategies';
import { PromotionServiceDeps } from './types';

/** How a stage's promotions are applied: its configured strategy, or the test's. */
export function strategyFor(
  deps: PromotionServiceDeps,
  stage: string,
): PromotionStrategy {
  if (deps.strategyFor) return deps.strategyFor(stage);
  const settings = stageSettings(deps.settings, stage);
  return settings.strategy === 'helm'
    ? createHelmStrategy({ helmPath: deps.settings.helmPath, settings })
    : createImageStrategy();
}

export type ExecutionContext = {
  promotion: StoredPromotion;
  /** This replica's hold on the promotion; renewed while it runs, and every write is conditional on it. */
  lease: Lease;
  /** The entity, for the soak's gate check; a resumed run reads it from the catalog as the plugin. */
  entity?: Entity;
  selector?: WorkloadSelector;
  /** Whose view the soak's checklist is computed with; a resumed run uses the plugin's own. */
  credentials?: BackstageCredentials;
  /** Set when resuming after a restart: the record says how far the previous process got. */
  resume?: boolean;
  /** Aborted when this replica shuts down: the run stops and leaves the promotion to another. */
  stop?: AbortSignal;
  /** Told of the outcome once it is stored (notifications). */
  onFinished?: (promotion: StoredPromotion) => Promise<void>;
};

/** How a run ends. */
export type Outcome =
  | { state: 'succeeded' }
  | { state: 'rolled-back'; reason: string }
  | { state: 'failed'; error: string };

/**
 * What this replica runs promotions with: its lease, audit and notifier, how it starts one in the
 * background, and whether it is shutting down (then it starts nothing more).
 */
export type ReplicaRun = {
  lease: Lease;
  audit: PromotionAudit;
  notifier: PromotionNotifier;
  start(ctx: Omit<ExecutionContext, 'lease'>): void;
  stopping(): boolean;
};
