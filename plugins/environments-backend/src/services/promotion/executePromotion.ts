import { stringifyEntityRef } from '@backstage/catalog-model';
import type { StoredPromotion } from '../../database/PromotionStore';
import { isProductionStage, readStageWorkload, stageGates } from './preview';
import { watchRollout } from './rolloutWatch';
import { stageSettings } from './settings';
import {
  createHelmStrategy,
  createImageStrategy,
  PromotionStrategy,
  StrategyTarget,
} from './strategies';
import { promotionSummary } from './summary';
import { PromotionServiceDeps } from './types';
import { WorkloadSelector } from '../entities';
import type { Entity } from '@backstage/catalog-model';
import { BackstageCredentials } from '@backstage/backend-plugin-api';

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
  /** With entity, selector and credentials the soak re-checks gates; a resumed run has only the record. */
  entity?: Entity;
  selector?: WorkloadSelector;
  credentials?: BackstageCredentials;
  /** Set when resuming after a restart: the change was already applied. */
  resume?: boolean;
};

type Outcome =
  | { state: 'succeeded' }
  | { state: 'rolled-back'; reason: string }
  | { state: 'failed'; error: string };

/**
 * Runs one promotion to its end: apply, watch the rollout, verify for the stage's soak, and roll back
 * (image: patch back; helm: `--atomic` already did, or an upgrade to the previous image) on failure.
 * Every step is written to the store before the next one starts, so a restart can pick it up.
 */
export async function executePromotion(
  deps: PromotionServiceDeps,
  ctx: ExecutionContext,
): Promise<StoredPromotion> {
  const { promotion } = ctx;
  const settings = stageSettings(deps.settings, promotion.to);
  const stage = deps.registry.forStage(promotion.to);
  const strategy = strategyFor(deps, promotion.to);
  const strategyTarget: StrategyTarget = {
    kubeConfig: stage.kubeConfig,
    namespace: stage.namespace,
    deploymentName: promotion.deployment,
    container: promotion.container,
  };
  const log = deps.logger.child({
    promotionId: promotion.id,
    entityRef: promotion.entityRef,
  });
  const watch = (image: string, timeoutMs: number) =>
    watchRollout({
      workloadCache: deps.workloadCache,
      clusterName: stage.clusterName,
      namespace: stage.namespace,
      deploymentName: promotion.deployment,
      container: promotion.container,
      expectedImage: image,
      timeoutMs,
      onProgress: progress => {
        deps.store
          .update(promotion.id, {
            progress: {
              desired: progress.desired,
              updated: progress.updated,
              ready: progress.ready,
            },
          })
          .catch(e => log.warn(`progress not recorded: ${e}`));
      },
    });
  const timeoutMs = settings.rolloutTimeoutSeconds * 1000;

  const rollBack = async (
    reason: string,
    helmAlreadyRolledBack = false,
  ): Promise<Outcome> => {
    if (promotion.kind === 'rollback' || !promotion.imageBefore) {
      return {
        state: 'failed',
        error: `${reason}; no earlier version to return to`,
      };
    }
    log.warn(`rolling back: ${reason}`);
    try {
      if (!helmAlreadyRolledBack) {
        const applied = await strategy.apply(
          strategyTarget,
          promotion.imageBefore,
          `rollback of promotion ${promotion.id}: ${reason}`,
        );
        await applied.finished;
      }
      const back = await watch(promotion.imageBefore, timeoutMs);
      if (back.state !== 'complete') {
        return {
          state: 'failed',
          error: `${reason}; the rollback did not complete either: ${back.message}`,
        };
      }
      return { state: 'rolled-back', reason };
    } catch (error) {
      return {
        state: 'failed',
        error: `${reason}; rollback failed: ${(error as Error).message}`,
      };
    }
  };

  const run = async (): Promise<Outcome> => {
    let helmFailure: Promise<string | undefined> = Promise.resolve(undefined);
    if (!ctx.resume || promotion.state === 'pending') {
      await deps.store.update(promotion.id, { state: 'running' });
      const cause = `${promotion.kind} ${promotion.id} by ${promotion.requestedBy}: ${promotion.from} → ${promotion.to} ${promotion.imageAfter}`;
      const applied = await strategy.apply(
        strategyTarget,
        promotion.imageAfter,
        cause,
      );
      helmFailure = applied.finished.then(
        () => undefined,
        (error: Error) => error.message,
      );
    }
    const rollout = await watch(promotion.imageAfter, timeoutMs);
    const helmError = await helmFailure;
    if (helmError) {
      // helm --atomic has put the previous release back; wait for that rollout to settle.
      return rollBack(rollout.message ?? helmError, true);
    }
    if (rollout.state !== 'complete') {
      return rollBack(rollout.message ?? 'rollout failed');
    }
    const rolloutCompletedAt = new Date(rollout.observedAt);
    if (settings.soakSeconds === 0 || promotion.kind === 'rollback') {
      await deps.store.update(promotion.id, { rolloutCompletedAt });
      return { state: 'succeeded' };
    }
    await deps.store.update(promotion.id, {
      state: 'verifying',
      rolloutCompletedAt,
    });
    const problem = await verify(deps, ctx, settings.soakSeconds);
    return problem
      ? rollBack(`verification failed: ${problem}`)
      : { state: 'succeeded' };
  };

  let outcome: Outcome;
  try {
    outcome = await run();
  } catch (error) {
    outcome = { state: 'failed', error: (error as Error).message };
  }
  const current = (await deps.store.get(promotion.id))!;
  const durationMs = Date.now() - Date.parse(current.createdAt);
  const rollback =
    outcome.state === 'rolled-back'
      ? { reason: outcome.reason, at: new Date().toISOString() }
      : undefined;
  const error = outcome.state === 'failed' ? outcome.error : undefined;
  const finished = await deps.store.finish(promotion.id, {
    state: outcome.state,
    error,
    rollback,
    summary: promotionSummary({
      ...current,
      riskLevel: current.risk.level,
      state: outcome.state,
      durationMs,
      rollbackReason: rollback?.reason,
      error,
    }),
  });
  const audit = await deps.auditor.createEvent({
    eventId:
      promotion.kind === 'rollback' ? 'rollback-result' : 'promotion-result',
    severityLevel: isProductionStage(deps, promotion.to) ? 'high' : 'medium',
    meta: {
      promotionId: promotion.id,
      entityRef: promotion.entityRef,
      from: promotion.from,
      to: promotion.to,
      imageBefore: promotion.imageBefore ?? null,
      imageAfter: promotion.imageAfter,
      state: outcome.state,
      rollbackReason: rollback?.reason ?? null,
    },
  });
  if (outcome.state === 'succeeded') await audit.success();
  else
    await audit.fail({
      error: new Error(error ?? rollback?.reason ?? outcome.state),
    });
  log.info(`${promotion.kind} ${outcome.state}`);
  return finished;
}

/**
 * The soak: the target must stay fully rolled out for the whole window, then its checklist and metric
 * gates are re-checked. Only a `fail` fails verification: a fresh stage rarely has enough traffic for
 * metric gates, and unknown there means "not verifiable", which the preview already showed.
 */
async function verify(
  deps: PromotionServiceDeps,
  ctx: ExecutionContext,
  soakSeconds: number,
): Promise<string | undefined> {
  const { promotion } = ctx;
  const stage = deps.registry.forStage(promotion.to);
  const cache = deps.workloadCache.namespace(
    stage.clusterName,
    stage.namespace,
  );
  const deadline = Date.now() + soakSeconds * 1000;
  while (Date.now() < deadline) {
    await new Promise(r =>
      setTimeout(r, Math.min(1000, deadline - Date.now())),
    );
    const deployment = cache.get('Deployment', promotion.deployment);
    const image = deployment?.spec?.template?.spec?.containers?.find(
      (c: any) => c.name === promotion.container,
    )?.image;
    if (image !== promotion.imageAfter) {
      return `the Deployment no longer runs ${promotion.imageAfter}`;
    }
    const desired = deployment.spec?.replicas ?? 1;
    const ready = deployment.status?.readyReplicas ?? 0;
    if (ready < desired) {
      return `only ${ready} of ${desired} pods ready during the soak`;
    }
  }
  if (!ctx.entity || !ctx.selector || !ctx.credentials) return undefined;
  const workload = await readStageWorkload(deps, promotion.to, ctx.selector);
  if (!workload) return 'the Deployment disappeared';
  const gates = await stageGates(
    deps,
    ctx.entity,
    promotion.to,
    ctx.selector,
    workload,
    ctx.credentials,
    Math.max(60, soakSeconds),
  );
  const failed = gates.filter(g => g.result === 'fail');
  return failed.length
    ? failed.map(g => `${g.id}: ${g.detail}`).join('; ')
    : undefined;
}

export function entityRefOf(entity: Entity) {
  return stringifyEntityRef(entity);
}
