import { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  environmentsPromotionCreatePermission,
  environmentsPromotionOverridePermission,
  imageVersion,
  PromotionPreview,
} from '@envportal/plugin-environments-common';
import { isAllowed } from '@envportal/plugin-environments-node';
import { WorkloadSelector } from '../entities';
import { gatesPassed } from './gates';
import { assessRisk } from './risk';
import { stageSettings } from './settings';
import { stageGates } from './stageGates';
import { checkStageOrder, isProductionStage } from './stageOrder';
import {
  assertSoleClaimant,
  readStageWorkload,
  selectorOf,
  workloadKey,
} from './stageWorkload';
import { PromotionServiceDeps } from './types';
import { WorkloadSnapshot } from './workload';
import { diffWorkloads } from './workloadDiff';

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
        { promotionStages: deps.settings.servicePrincipalStages },
      ),
      isAllowed(
        deps.permissions,
        environmentsPromotionOverridePermission,
        resource,
        credentials,
        { promotionStages: deps.settings.servicePrincipalStages },
      ),
      deps.store.findInFlight(entityRef, to),
      target
        ? deps.store.findInFlightOnWorkload(workloadKey(deps, to, target.name))
        : Promise.resolve(undefined),
    ]);
  const diff = diffWorkloads(source, target, {
    configPromoted: stageSettings(deps.settings, to).strategy !== 'image',
  });
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
