import { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  GateResult,
  StageChecklist,
} from '@envportal/plugin-environments-common';
import { WorkloadSelector } from '../entities';
import { readGateMetrics } from './gateMetrics';
import { evaluateGates } from './gates';
import { PromotionServiceDeps } from './types';
import { WorkloadSnapshot } from './workload';

/** The `service` label of the stage's series, chosen as the metrics view chooses it (Service, else Deployment). */
function metricsServiceLabel(
  deps: PromotionServiceDeps,
  stage: string,
  selector: WorkloadSelector,
  workload: WorkloadSnapshot,
): string {
  const target = deps.registry.forStage(stage);
  const cache = deps.workloadCache.namespace(
    target.clusterName,
    target.namespace,
  );
  const service = cache
    .list('Service')
    .find(s => selector.matches(s.metadata?.labels));
  return service?.metadata?.name ?? workload.name;
}

/** Gates of one stage: its checklist, its metrics over the gate window, its pods' restarts. */
export async function stageGates(
  deps: PromotionServiceDeps,
  entity: Entity,
  stage: string,
  selector: WorkloadSelector,
  workload: WorkloadSnapshot,
  credentials: BackstageCredentials,
  windowSeconds = deps.settings.gateWindowSeconds,
): Promise<GateResult[]> {
  const target = deps.registry.forStage(stage);
  let checklist: StageChecklist | undefined;
  let checklistError: string | undefined;
  if (deps.checklist) {
    try {
      checklist = await deps.checklist.forStage(entity, stage, { credentials });
    } catch (error) {
      checklistError = `checklist could not be computed: ${
        (error as Error).message
      }`;
    }
  } else {
    checklistError = 'no checklist service is wired';
  }
  let metrics;
  let metricsError: string | undefined;
  if (deps.prometheus) {
    try {
      metrics = await readGateMetrics({
        prometheus: deps.prometheus,
        namespace: target.namespace,
        service: metricsServiceLabel(deps, stage, selector, workload),
        windowSeconds,
      });
    } catch (error) {
      metricsError = (error as Error).message;
    }
  } else {
    metricsError = 'no Prometheus configured (environments.prometheus.url)';
  }
  return evaluateGates({
    checklist,
    checklistError,
    requiredChecklistItems: deps.settings.requiredChecklistItems,
    metrics,
    metricsError,
    maxRestarts: workload.maxRestarts,
    thresholds: deps.environments.gates,
    minRequests: deps.settings.minRequests,
    windowSeconds,
  });
}
