import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  DeployRecord,
  environmentsDeployRecordPermission,
} from '@envportal/plugin-environments-common';
import { requirePermission } from '@envportal/plugin-environments-node';
import { randomUUID } from 'node:crypto';
import { ACTIVE_STATES, type LastChange } from '../../database/PromotionStore';
import { sameImage, stageDrift } from '../drift/stageDrift';
import { actorOf, auditRefusal, AuditSubject, PromotionAudit } from './audit';
import {
  assertSoleClaimant,
  readStageWorkload,
  selectorOf,
  stageCache,
} from './stageWorkload';
import { checkKnownStage } from './stageOrder';
import type {
  CallOptions,
  DeployRecordInput,
  PromotionServiceDeps,
} from './types';
import { configMapContentsIn, configRecord, rolloutProgress } from './workload';

function asRecord(change: LastChange): DeployRecord {
  return {
    entityRef: change.entityRef,
    stage: change.stage,
    kind: change.kind,
    image: change.image,
    recordedBy: change.requestedBy,
    recordedAt: change.finishedAt,
  };
}

/**
 * Records what a stage runs after a deploy the portal did not make (CI, a template's first deploy),
 * so drift has a baseline there: the running image (with its digest) and configuration, read from
 * the cache. Recording blesses what runs, so it needs `environments.deploy.record` for the stage,
 * current data from the stage's cluster, a finished rollout, no promotion in flight into the stage
 * (that one records what it puts there),
 * and, when the caller names the image it deployed, that image running. A stage that already runs
 * what its last change put there records nothing (`created: false`), so a retry is harmless.
 */
export async function recordDeploy(
  deps: PromotionServiceDeps,
  audit: PromotionAudit,
  input: DeployRecordInput,
  options: CallOptions,
): Promise<{ record: DeployRecord; created: boolean }> {
  const { credentials, request } = options;
  const entity = await deps.entities.resolve(input.entity, { credentials });
  const entityRef = stringifyEntityRef(entity);
  const actor = actorOf(credentials);
  const subject: AuditSubject = {
    kind: 'deploy',
    entityRef,
    from: input.stage,
    to: input.stage,
  };
  let record: LastChange;
  let runningImage: string | undefined;
  try {
    checkKnownStage(deps, input.stage);
    // Permission first: a denied caller learns nothing more and records nothing.
    await requirePermission(
      deps.permissions,
      environmentsDeployRecordPermission,
      { entityRef, targetStage: input.stage },
      credentials,
      { deployRecordStages: deps.settings.serviceDeployRecordStages },
    );
    // One waiting for approval or its window has changed nothing yet; it records what it puts there.
    const inFlight = await deps.store.findInFlight(entityRef, input.stage);
    if (inFlight && ACTIVE_STATES.includes(inFlight.state)) {
      throw new ConflictError(
        `Promotion ${inFlight.id} is in flight into ${input.stage}; it records what it puts there`,
      );
    }
    // A baseline taken from data that is not current would bless what no longer runs.
    const { cache } = await stageCache(deps, input.stage);
    const health = cache.health();
    if (!health.synced || health.stale) {
      throw new ServiceUnavailableError(
        `${input.stage} cannot be read now${
          health.errors[0] ? ` (${health.errors[0]})` : ''
        }; nothing was recorded`,
      );
    }
    const selector = selectorOf(entity);
    const [running] = await Promise.all([
      readStageWorkload(deps, entity, input.stage, selector),
      assertSoleClaimant(deps, entity),
    ]);
    if (!running) {
      throw new NotFoundError(`Nothing of ${entityRef} runs in ${input.stage}`);
    }
    const rollout = rolloutProgress(
      cache,
      running.deployment,
      running.image,
      running.container,
    );
    if (rollout.state !== 'complete') {
      throw new ConflictError(
        `The rollout of ${running.name} in ${input.stage} is not complete (${rollout.message}); record the deploy once it is`,
      );
    }
    if (
      input.image &&
      !sameImage(input.image, running.exactImage) &&
      !sameImage(input.image, running.image)
    ) {
      throw new ConflictError(
        `${input.stage} runs ${running.exactImage}, not ${input.image}`,
      );
    }
    runningImage = running.exactImage;
    const configMaps = configMapContentsIn(cache);
    const last = (await deps.store.lastChanges([entityRef])).find(
      c => c.stage === input.stage,
    );
    if (
      last &&
      stageDrift(input.stage, last, running.deployment, configMaps).state ===
        'in-sync'
    ) {
      return { record: asRecord(last), created: false };
    }
    record = await deps.store.recordDeploy({
      id: randomUUID(),
      entityRef,
      stage: input.stage,
      // As the pod template names it, which drift compares with; the digest pods run is audited.
      image: running.image,
      deployment: running.name,
      container: running.container,
      config: configRecord(running.deployment, running.container, configMaps),
      recordedBy: actor,
      recordedAt: new Date(),
    });
  } catch (error) {
    return auditRefusal(audit, subject, actor, request, error);
  }
  await audit.record('recorded', subject, {
    actor,
    request,
    meta: {
      image: record.image,
      runningImage: runningImage ?? record.image,
      deployment: record.deployment,
    },
  });
  return { record: asRecord(record), created: true };
}
