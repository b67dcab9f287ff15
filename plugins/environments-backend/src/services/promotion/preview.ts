import { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  environmentsPromotionCreatePermission,
  environmentsPromotionOverridePermission,
  GateResult,
  PromotionDiffEntry,
  PromotionPreview,
  StageChecklist,
} from '@envportal/plugin-environments-common';
import { isAllowed } from '@envportal/plugin-environments-node';
import {
  WorkloadSelector,
  workloadOwnershipProblem,
  workloadSelectorFor,
} from '../entities';
import { readGateMetrics } from './gateMetrics';
import { evaluateGates, gatesPassed } from './gates';
import { imageVersion } from '@envportal/plugin-environments-common';
import { assessRisk } from './risk';
import { stageSettings } from './settings';
import { PromotionServiceDeps } from './types';
import {
  HIDDEN_VALUE_PREFIX,
  matchingDeployments,
  snapshotOf,
  WorkloadSnapshot,
} from './workload';

const CACHE_SYNC_TIMEOUT_MS = 5000;

export function selectorOf(entity: Entity): WorkloadSelector {
  const selector = workloadSelectorFor(entity);
  if (!selector) {
    throw new InputError(
      `${stringifyEntityRef(
        entity,
      )} has no backstage.io/kubernetes-id or kubernetes-label-selector annotation`,
    );
  }
  return selector;
}

/** Checks the order of stages: forward only, to the next stage unless config allows the skip. */
export function checkStageOrder(
  deps: PromotionServiceDeps,
  from: string,
  to: string,
) {
  const names = deps.environments.stages.map(s => s.name);
  const fromIndex = names.indexOf(from);
  const toIndex = names.indexOf(to);
  if (fromIndex < 0) throw new InputError(`Unknown stage "${from}"`);
  if (toIndex < 0) throw new InputError(`Unknown stage "${to}"`);
  if (toIndex <= fromIndex) {
    throw new InputError(
      `Promotion goes forward only (${names.join(
        ' → ',
      )}); going back to an earlier version is a rollback`,
    );
  }
  if (
    toIndex > fromIndex + 1 &&
    !stageSettings(deps.settings, to).allowSkipFrom.includes(from)
  ) {
    throw new InputError(
      `Promotion from ${from} must go to ${
        names[fromIndex + 1]
      }; skipping to ${to} is not allowed by config`,
    );
  }
}

export function isProductionStage(deps: PromotionServiceDeps, stage: string) {
  const stages = deps.environments.stages;
  const definition = stages.find(s => s.name === stage);
  return Boolean(
    definition?.requiresApproval || stages[stages.length - 1]?.name === stage,
  );
}

/**
 * The entity's workload in a stage, read from the cache, or undefined when none runs there. Throws
 * NotAllowedError when the workload the selector finds is not the entity's own (see
 * workloadOwnershipProblem), so no answer and no change is ever about another entity's Deployment.
 */
export async function readStageWorkload(
  deps: PromotionServiceDeps,
  entity: Entity,
  stage: string,
  selector: WorkloadSelector,
): Promise<WorkloadSnapshot | undefined> {
  const target = deps.registry.forStage(stage);
  const cache = deps.workloadCache.namespace(
    target.clusterName,
    target.namespace,
  );
  await cache.waitForSync(CACHE_SYNC_TIMEOUT_MS);
  const [deployment] = matchingDeployments(cache, selector);
  if (!deployment) return undefined;
  const problem = workloadOwnershipProblem(entity, target.namespace, {
    kind: 'Deployment',
    metadata: deployment.metadata,
  });
  if (problem) throw new NotAllowedError(problem);
  return snapshotOf(
    cache,
    deployment,
    stageSettings(deps.settings, stage).container,
  );
}

/**
 * Refuses an entity whose `backstage.io/kubernetes-id` another entity claims too: the workloads
 * labelled with it cannot be attributed to either, so neither may change them.
 */
export async function assertSoleClaimant(
  deps: PromotionServiceDeps,
  entity: Entity,
): Promise<void> {
  const others = await deps.entities.otherClaimants(entity);
  if (others.length > 0) {
    throw new NotAllowedError(
      `${stringifyEntityRef(
        entity,
      )} shares its backstage.io/kubernetes-id with ${others.join(
        ', ',
      )}; its workloads cannot be attributed to one entity, so none may change them`,
    );
  }
}

/** The `<cluster>/<namespace>/<deployment>` key of a workload, as the in-flight lock holds it. */
export function workloadKey(
  deps: PromotionServiceDeps,
  stage: string,
  deployment: string,
): string {
  const target = deps.registry.forStage(stage);
  return `${target.clusterName}/${target.namespace}/${deployment}`;
}

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

/** How a config value is shown: hidden values (env) only say that they are set. */
function shown(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.startsWith(HIDDEN_VALUE_PREFIX) ? '(set; value hidden)' : value;
}

export function diffWorkloads(
  source: WorkloadSnapshot,
  target: WorkloadSnapshot | undefined,
): PromotionDiffEntry[] {
  const diff: PromotionDiffEntry[] = [];
  if (target?.image !== source.exactImage) {
    diff.push({ field: 'image', from: target?.image, to: source.exactImage });
  }
  const fromVersion = imageVersion(target?.image);
  const toVersion = imageVersion(source.exactImage);
  if (fromVersion !== toVersion) {
    diff.push({ field: 'version', from: fromVersion, to: toVersion });
  }
  if (target?.desiredReplicas !== source.desiredReplicas) {
    // Replicas are not promoted: each stage keeps its own scale; shown so the difference is visible.
    diff.push({
      field: 'replicas',
      from: target ? String(target.desiredReplicas) : undefined,
      to: `${source.desiredReplicas} in source (target keeps its own)`,
    });
  }
  const keys = new Set([
    ...Object.keys(source.config),
    ...Object.keys(target?.config ?? {}),
  ]);
  for (const key of [...keys].sort()) {
    const from = target?.config[key];
    const to = source.config[key];
    if (from === to) continue;
    const bothHidden =
      from?.startsWith(HIDDEN_VALUE_PREFIX) &&
      to?.startsWith(HIDDEN_VALUE_PREFIX);
    diff.push({
      field: `config.${key}`,
      from: shown(from),
      to: bothHidden ? '(changed; value hidden)' : shown(to),
    });
  }
  return diff;
}

export type PreviewContext = {
  entity: Entity;
  entityRef: string;
  selector: WorkloadSelector;
  source: WorkloadSnapshot;
  target?: WorkloadSnapshot;
  preview: PromotionPreview;
};

/** Why the portal itself cannot promote into a stage (no promote account), if it cannot. */
function promoteAccountProblem(
  deps: PromotionServiceDeps,
  stage: string,
): string | undefined {
  try {
    deps.registry.promoteConnection(stage);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Everything the user sees before promoting, and what `create` acts on. */
export async function buildPreview(
  deps: PromotionServiceDeps,
  entity: Entity,
  from: string,
  to: string,
  credentials: BackstageCredentials,
): Promise<PreviewContext> {
  checkStageOrder(deps, from, to);
  const entityRef = stringifyEntityRef(entity);
  const selector = selectorOf(entity);
  const [source, target] = await Promise.all([
    readStageWorkload(deps, entity, from, selector),
    readStageWorkload(deps, entity, to, selector),
    assertSoleClaimant(deps, entity),
  ]);
  if (!source) {
    throw new NotFoundError(`Nothing of ${entityRef} runs in ${from}`);
  }
  const resource = { entityRef, targetStage: to };
  const [gates, allowed, canOverride, inFlight, workloadInFlight] =
    await Promise.all([
      stageGates(deps, entity, from, selector, source, credentials),
      isAllowed(
        deps.permissions,
        environmentsPromotionCreatePermission,
        resource,
        credentials,
      ),
      isAllowed(
        deps.permissions,
        environmentsPromotionOverridePermission,
        resource,
        credentials,
      ),
      deps.store.findInFlight(entityRef, to),
      target
        ? deps.store.findInFlightOnWorkload(workloadKey(deps, to, target.name))
        : Promise.resolve(undefined),
    ]);
  const diff = diffWorkloads(source, target);
  const passed = gatesPassed(gates);
  const risk = assessRisk({
    targetIsProduction: isProductionStage(deps, to),
    targetStage: to,
    fromVersion: imageVersion(target?.image),
    toVersion: imageVersion(source.exactImage),
    firstDeployment: !target,
    diff,
    gates,
    sourceMaxRestarts: source.maxRestarts,
    pinnedByDigest: source.exactImage.includes('@sha256:'),
  });
  const accountProblem = promoteAccountProblem(deps, to);
  const running = inFlight ?? workloadInFlight;
  let blockedReason: string | undefined;
  if (!allowed) blockedReason = `You may not promote ${entityRef} to ${to}`;
  else if (accountProblem) blockedReason = accountProblem;
  else if (running)
    blockedReason = `Promotion ${running.id} into ${to} is in flight`;
  else if (!target && stageSettings(deps.settings, to).strategy === 'image') {
    blockedReason = `Nothing of ${entityRef} runs in ${to} yet; deploy it there first`;
  } else if (target && target.image === source.exactImage) {
    blockedReason = `${to} already runs ${source.exactImage}`;
  } else if (!passed && !canOverride) {
    blockedReason = 'Gates do not pass and you may not override them';
  }
  return {
    entity,
    entityRef,
    selector,
    source,
    target,
    preview: {
      entityRef,
      from,
      to,
      source: {
        image: source.image,
        imageDigest: source.exactImage.includes('@')
          ? source.exactImage.split('@')[1]
          : undefined,
        version: imageVersion(source.exactImage),
      },
      target: { image: target?.image, version: imageVersion(target?.image) },
      diff,
      gates,
      gatesPassed: passed,
      risk,
      allowed,
      canOverride,
      blockedReason,
    },
  };
}
