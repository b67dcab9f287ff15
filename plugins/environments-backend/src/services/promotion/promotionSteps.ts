import { redactAddresses } from '@envportal/plugin-environments-node';
import { AuditSubject, createPromotionAudit, PromotionStep } from './audit';
import { ExecutionContext, Outcome, strategyFor } from './execution';
import { RolloutOutcome, watchRollout } from './rolloutWatch';
import { stageSettings } from './settings';
import { isProductionStage } from './stageOrder';
import { StrategyTarget } from './strategies';
import { PromotionServiceDeps } from './types';
import { configMapContentsIn, configRecord, ConfigRecord } from './workload';

/** A rollout that completed, or the outcome it led to (rolled back or failed). */
export type RolloutResult =
  | { ok: true; completedAt: Date }
  | { ok: false; outcome: Outcome };

/**
 * The steps one run of a promotion is made of, bound to its record, its lease and its stop signal:
 * conditional writes, audit events, the rollout (apply + watch) and the rollback.
 */
export function promotionSteps(
  deps: PromotionServiceDeps,
  ctx: ExecutionContext,
  signal: AbortSignal,
) {
  const { promotion, lease } = ctx;
  const settings = stageSettings(deps.settings, promotion.to);
  const stage = deps.registry.forStage(promotion.to);
  const strategy = strategyFor(deps, promotion.to);
  const log = deps.logger.child({
    promotionId: promotion.id,
    entityRef: promotion.entityRef,
  });
  const audit = createPromotionAudit(deps.auditor, s =>
    isProductionStage(deps, s),
  );
  const subject: AuditSubject = { ...promotion };

  /** Every write is the owner's; a lost lease throws LeaseLostError, which ends the run. */
  const write = (update: Parameters<typeof deps.store.update>[1]) =>
    deps.store.update(promotion.id, update, lease);

  const record = (
    step: PromotionStep,
    extra: { error?: string; meta?: Record<string, string | number> } = {},
  ) =>
    audit
      .record(step, subject, { actor: promotion.requestedBy, ...extra })
      .catch(error => log.warn(`audit event ${step} not written: ${error}`));

  /**
   * The target's configuration now, for drift to compare with later. Taken when the rollout
   * completes, so an edit by hand during the soak is drift, not the baseline.
   */
  const targetConfig = (): ConfigRecord | undefined => {
    const cache = deps.workloadCache.namespace(
      stage.clusterName,
      stage.namespace,
    );
    const deployment = cache.get('Deployment', promotion.deployment);
    return (
      deployment &&
      configRecord(deployment, promotion.container, configMapContentsIn(cache))
    );
  };

  const strategyTarget = (): StrategyTarget => ({
    connection: deps.registry.promoteConnection(promotion.to),
    deploymentName: promotion.deployment,
    container: promotion.container,
  });

  const watch = (
    image: string,
    stopWatching: AbortSignal = signal,
  ): Promise<RolloutOutcome> =>
    watchRollout({
      workloadCache: deps.workloadCache,
      clusterName: stage.clusterName,
      namespace: stage.namespace,
      deploymentName: promotion.deployment,
      container: promotion.container,
      expectedImage: image,
      timeoutMs: settings.rolloutTimeoutSeconds * 1000,
      signal: stopWatching,
      onProgress: progress => {
        write({
          progress: {
            desired: progress.desired,
            updated: progress.updated,
            ready: progress.ready,
          },
        }).catch(e => log.warn(`progress not recorded: ${e}`));
      },
    });

  /** The image the stage's Deployment is set to run now (its template), from the watch cache. */
  const templateImage = () =>
    deps.workloadCache
      .namespace(stage.clusterName, stage.namespace)
      .get('Deployment', promotion.deployment)
      ?.spec?.template?.spec?.containers?.find(
        c => c.name === promotion.container,
      )?.image;

  /**
   * On a resumed run, whether the change must be applied again to reach `image`: the strategy undid
   * what the previous run's own process left half done (a helm release left pending); or the
   * Deployment is not set to `image`, and either the strategy is the image patch (re-applying it is
   * harmless) or, for a rollback (`idleMayReapply`), no helm operation is under way. A helm upgrade
   * found idle is not applied again: that run's own --atomic may have failed and rolled it back,
   * and a second try would put a failed version out twice; the watch then decides. A strategy that
   * cannot tell (helm without settleInterrupted, or helm not answering) is only watched.
   */
  const mustReapply = async (
    image: string,
    options: { idleMayReapply: boolean },
  ): Promise<boolean> => {
    let settled: 'undone' | 'idle' | undefined;
    try {
      settled = await strategy.settleInterrupted?.(strategyTarget(), signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      log.warn(`could not tell what the previous run left: ${error}`);
    }
    if (settled === 'undone') return true;
    const idle =
      strategy.name === 'image' ||
      (options.idleMayReapply && settled === 'idle');
    return idle && templateImage() !== image;
  };

  /**
   * Returns the stage to the image it ran before; helm --atomic may have done that already. The
   * rollback is recorded before anything is applied, so a run that resumes it (after a restart, or on
   * another replica) goes on rolling back instead of applying the failed version again; and as a
   * write of the lease's owner, it keeps a replica that lost the promotion from touching the stage.
   */
  const rollBack = async (
    reason: string,
    options: { helmAlreadyRolledBack?: boolean; resumed?: boolean } = {},
  ): Promise<Outcome> => {
    if (promotion.kind === 'rollback' || !promotion.imageBefore) {
      return {
        state: 'failed',
        error: `${reason}; no earlier version to return to`,
      };
    }
    log.warn(`rolling back: ${reason}`);
    await write({
      rollback: {
        reason: redactAddresses(reason),
        at: promotion.rollback?.at ?? new Date().toISOString(),
      },
    });
    const apply =
      !options.helmAlreadyRolledBack &&
      (!options.resumed ||
        (await mustReapply(promotion.imageBefore, { idleMayReapply: true })));
    try {
      if (apply) {
        const applied = await strategy.apply(
          strategyTarget(),
          promotion.imageBefore,
          `rollback of promotion ${promotion.id}: ${reason}`,
        );
        await applied.finished;
      }
      const back = await watch(promotion.imageBefore);
      if (signal.aborted) throw signal.reason;
      if (back.state !== 'complete') {
        return {
          state: 'failed',
          error: `${reason}; the rollback did not complete either: ${back.message}`,
        };
      }
      return { state: 'rolled-back', reason };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      return {
        state: 'failed',
        error: `${reason}; rollback failed: ${(error as Error).message}`,
      };
    }
  };

  /** Applies the change unless the record says it was applied, and watches it roll out. */
  const rollOut = async (): Promise<RolloutResult> => {
    let helmFailure: Promise<string | undefined> = Promise.resolve(undefined);
    // A failed helm upgrade ends the watch at once: the new image will not roll out.
    const helmFailed = new AbortController();
    const resumedMidway = ctx.resume && promotion.state !== 'pending';
    const apply =
      !resumedMidway ||
      (await mustReapply(promotion.imageAfter, { idleMayReapply: false }));
    if (apply) {
      await write({ state: 'running' });
      const cause = `${promotion.kind} ${promotion.id} by ${promotion.requestedBy}: ${promotion.from} → ${promotion.to} ${promotion.imageAfter}`;
      const applied = await strategy.apply(
        strategyTarget(),
        promotion.imageAfter,
        cause,
      );
      await record('started', { meta: { strategy: strategy.name } });
      helmFailure = applied.finished.then(
        () => undefined,
        (error: Error) => {
          helmFailed.abort();
          return error.message;
        },
      );
    }
    const rollout = await watch(
      promotion.imageAfter,
      AbortSignal.any([signal, helmFailed.signal]),
    );
    if (signal.aborted) throw signal.reason;
    const helmError = await helmFailure;
    if (helmError) {
      // helm --atomic has put the previous release back; wait for that rollout to settle. Helm's
      // own words say why it failed.
      return {
        ok: false,
        outcome: await rollBack(helmError, { helmAlreadyRolledBack: true }),
      };
    }
    if (rollout.state !== 'complete') {
      return {
        ok: false,
        outcome: await rollBack(rollout.message || 'rollout failed'),
      };
    }
    const completedAt = new Date(rollout.observedAt);
    await write({
      rolloutCompletedAt: completedAt,
      configAfter: targetConfig(),
    });
    await record('rolled-out');
    return { ok: true, completedAt };
  };

  return { settings, log, write, record, rollBack, rollOut, targetConfig };
}

export type PromotionSteps = ReturnType<typeof promotionSteps>;
