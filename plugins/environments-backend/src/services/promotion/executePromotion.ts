import { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { redactAddresses } from '@envportal/plugin-environments-node';
import {
  Lease,
  LeaseLostError,
  StoredPromotion,
} from '../../database/PromotionStore';
import { WorkloadSelector } from '../entities';
import { AuditSubject, createPromotionAudit, PromotionStep } from './audit';
import { isProductionStage, readStageWorkload, stageGates } from './preview';
import { RolloutOutcome, watchRollout } from './rolloutWatch';
import { stageSettings } from './settings';
import {
  createHelmStrategy,
  createImageStrategy,
  PromotionStrategy,
  StrategyTarget,
} from './strategies';
import { promotionSummary } from './summary';
import { PromotionServiceDeps } from './types';

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
};

type Outcome =
  | { state: 'succeeded' }
  | { state: 'rolled-back'; reason: string }
  | { state: 'failed'; error: string };

/** How long the cluster may go unread during a soak before the soak counts as not verified. */
const SOAK_STALE_LIMIT_MS = 5000;

/**
 * Runs one promotion to its end as a state machine, each step recorded before the next starts so a
 * restart (or another replica, once this one's lease expires) can pick it up, and each state change
 * audited:
 *
 *   pending → running (apply; audited `started`) → rollout complete (`rolled-out`)
 *     → verifying (the soak; `soak-passed` or `soak-failed`) → succeeded
 *   a rollout that fails, or a soak that fails, → rollback → rolled-back (or failed if that fails)
 *
 * A resumed promotion continues where the record says it stopped: a `running` one watches (or, for
 * the image strategy, re-applies) the rollout, a `verifying` one runs the rest of its soak and the
 * gate check.
 *
 * While it runs, the lease is renewed every third of its duration. A replica that cannot renew it
 * (another took over), or that is shutting down (`stop`), stops at once: it ends its watch, writes
 * nothing more and returns undefined; a helm process it started runs to its end.
 */
export async function executePromotion(
  deps: PromotionServiceDeps,
  ctx: ExecutionContext,
): Promise<StoredPromotion | undefined> {
  const { promotion, lease } = ctx;
  const stop = new AbortController();
  const lost = () => stop.abort(new LeaseLostError(promotion.id, lease.owner));
  ctx.stop?.addEventListener('abort', lost);
  const heartbeat = setInterval(() => {
    deps.store.renewLease(promotion.id, lease).then(
      held => {
        if (!held) lost();
      },
      error =>
        deps.logger.warn(`lease of ${promotion.id} not renewed: ${error}`),
    );
  }, Math.max(250, Math.floor(lease.durationMs / 3)));
  try {
    return await runToEnd(deps, ctx, stop.signal);
  } catch (error) {
    if (error instanceof LeaseLostError || stop.signal.aborted) {
      deps.logger.warn(
        `promotion ${promotion.id}: ${
          ctx.stop?.aborted
            ? 'this replica is shutting down'
            : 'lease lost to another replica'
        }; another replica finishes it`,
      );
      return undefined;
    }
    throw error;
  } finally {
    clearInterval(heartbeat);
    ctx.stop?.removeEventListener('abort', lost);
  }
}

async function runToEnd(
  deps: PromotionServiceDeps,
  ctx: ExecutionContext,
  signal: AbortSignal,
): Promise<StoredPromotion> {
  const { promotion, lease } = ctx;
  /** Every write is the owner's; a lost lease throws LeaseLostError, which ends this run. */
  const write = (update: Parameters<typeof deps.store.update>[1]) =>
    deps.store.update(promotion.id, update, lease);
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
  const record = (
    step: PromotionStep,
    extra: { error?: string; meta?: Record<string, string | number> } = {},
  ) =>
    audit
      .record(step, subject, { actor: promotion.requestedBy, ...extra })
      .catch(error => log.warn(`audit event ${step} not written: ${error}`));
  const timeoutMs = settings.rolloutTimeoutSeconds * 1000;
  const cache = () =>
    deps.workloadCache.namespace(stage.clusterName, stage.namespace);

  const strategyTarget = (): StrategyTarget => ({
    connection: deps.registry.promoteConnection(promotion.to),
    deploymentName: promotion.deployment,
    container: promotion.container,
  });
  const watch = (image: string): Promise<RolloutOutcome> =>
    watchRollout({
      workloadCache: deps.workloadCache,
      clusterName: stage.clusterName,
      namespace: stage.namespace,
      deploymentName: promotion.deployment,
      container: promotion.container,
      expectedImage: image,
      timeoutMs,
      signal,
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
          strategyTarget(),
          promotion.imageBefore,
          `rollback of promotion ${promotion.id}: ${reason}`,
        );
        await applied.finished;
      }
      const back = await watch(promotion.imageBefore);
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
  const rollOut = async (): Promise<
    { ok: true; completedAt: Date } | { ok: false; outcome: Outcome }
  > => {
    let helmFailure: Promise<string | undefined> = Promise.resolve(undefined);
    const templateImage = cache()
      .get('Deployment', promotion.deployment)
      ?.spec?.template?.spec?.containers?.find(
        c => c.name === promotion.container,
      )?.image;
    // Re-applying an image patch is harmless; a helm upgrade may still be running in its own process.
    const apply =
      !ctx.resume ||
      promotion.state === 'pending' ||
      (strategy.name === 'image' && templateImage !== promotion.imageAfter);
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
        (error: Error) => error.message,
      );
    }
    const rollout = await watch(promotion.imageAfter);
    if (signal.aborted) throw signal.reason;
    const helmError = await helmFailure;
    if (helmError) {
      // helm --atomic has put the previous release back; wait for that rollout to settle. Helm's
      // own words say why it failed.
      return { ok: false, outcome: await rollBack(helmError, true) };
    }
    if (rollout.state !== 'complete') {
      return {
        ok: false,
        outcome: await rollBack(rollout.message || 'rollout failed'),
      };
    }
    const completedAt = new Date(rollout.observedAt);
    await write({ rolloutCompletedAt: completedAt });
    await record('rolled-out');
    return { ok: true, completedAt };
  };

  const run = async (): Promise<Outcome> => {
    let completedAt: Date;
    if (ctx.resume && promotion.state === 'verifying') {
      completedAt = new Date(promotion.rolloutCompletedAt ?? Date.now());
    } else {
      const rolledOut = await rollOut();
      if (!rolledOut.ok) return rolledOut.outcome;
      completedAt = rolledOut.completedAt;
    }
    if (settings.soakSeconds === 0 || promotion.kind === 'rollback') {
      return { state: 'succeeded' };
    }
    await write({ state: 'verifying' });
    const soakEndsAt = completedAt.getTime() + settings.soakSeconds * 1000;
    const problem = await verify(deps, ctx, soakEndsAt, signal);
    if (signal.aborted) throw signal.reason;
    if (problem) {
      await record('soak-failed', { error: problem });
      return rollBack(`verification failed: ${problem}`);
    }
    await record('soak-passed');
    return { state: 'succeeded' };
  };

  let outcome: Outcome;
  try {
    outcome = await run();
  } catch (error) {
    if (error instanceof LeaseLostError || signal.aborted) throw error;
    outcome = { state: 'failed', error: (error as Error).message };
  }
  // Recorded text reaches the browser: no cluster or Prometheus address in it.
  if (outcome.state === 'failed') {
    outcome = { ...outcome, error: redactAddresses(outcome.error) };
  } else if (outcome.state === 'rolled-back') {
    outcome = { ...outcome, reason: redactAddresses(outcome.reason) };
  }
  const current = (await deps.store.get(promotion.id))!;
  const durationMs = Date.now() - Date.parse(current.createdAt);
  const rollback =
    outcome.state === 'rolled-back'
      ? { reason: outcome.reason, at: new Date().toISOString() }
      : undefined;
  const error = outcome.state === 'failed' ? outcome.error : undefined;
  const finished = await deps.store.finish(
    promotion.id,
    {
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
    },
    lease,
  );
  await record(outcome.state, {
    error: error ?? rollback?.reason,
    meta: {
      imageBefore: promotion.imageBefore ?? '',
      imageAfter: promotion.imageAfter,
      durationMs,
    },
  });
  log.info(`${promotion.kind} ${outcome.state}`);
  return finished;
}

/**
 * The soak: until `soakEndsAt` the target must stay fully rolled out on the promoted image, and the
 * cluster must stay readable; then the stage's checklist and metric gates are checked. A gate that
 * fails, or that cannot be read (`unknown`), fails verification; too little traffic
 * (`insufficient-data`) does not, since a fresh stage rarely has enough. Returns the problem, if any.
 */
async function verify(
  deps: PromotionServiceDeps,
  ctx: ExecutionContext,
  soakEndsAt: number,
  signal: AbortSignal,
): Promise<string | undefined> {
  const { promotion } = ctx;
  const stage = deps.registry.forStage(promotion.to);
  const cache = deps.workloadCache.namespace(
    stage.clusterName,
    stage.namespace,
  );
  let staleSince: number | undefined;
  while (Date.now() < soakEndsAt) {
    await new Promise(r =>
      setTimeout(r, Math.min(1000, Math.max(0, soakEndsAt - Date.now()))),
    );
    if (signal.aborted) return undefined;
    const health = cache.health();
    if (health.stale || !health.synced) {
      staleSince ??= Date.now();
      if (Date.now() - staleSince > SOAK_STALE_LIMIT_MS) {
        return `the cluster could not be read during the soak (${
          health.errors[0] ?? 'watch not running'
        })`;
      }
      continue;
    }
    staleSince = undefined;
    const deployment = cache.get('Deployment', promotion.deployment);
    const image = deployment?.spec?.template?.spec?.containers?.find(
      c => c.name === promotion.container,
    )?.image;
    if (!deployment || image !== promotion.imageAfter) {
      return `the Deployment no longer runs ${promotion.imageAfter}`;
    }
    const desired = deployment.spec?.replicas ?? 1;
    const ready = deployment.status?.readyReplicas ?? 0;
    if (ready < desired) {
      return `only ${ready} of ${desired} pods ready during the soak`;
    }
  }
  if (!ctx.entity || !ctx.selector) {
    return 'the entity could not be read from the catalog, so its gates could not be checked';
  }
  const credentials =
    ctx.credentials ?? (await deps.auth.getOwnServiceCredentials());
  const workload = await readStageWorkload(
    deps,
    ctx.entity,
    promotion.to,
    ctx.selector,
  );
  if (!workload) return 'the Deployment disappeared';
  const gates = await stageGates(
    deps,
    ctx.entity,
    promotion.to,
    ctx.selector,
    workload,
    credentials,
    Math.max(60, stageSettings(deps.settings, promotion.to).soakSeconds),
  );
  const failed = gates.filter(
    g => g.result === 'fail' || g.result === 'unknown',
  );
  return failed.length
    ? failed.map(g => `${g.id}: ${g.result} (${g.detail})`).join('; ')
    : undefined;
}
