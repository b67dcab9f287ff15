import { redactAddresses } from '@envportal/plugin-environments-node';
import { LeaseLostError, StoredPromotion } from '../../database/PromotionStore';
import { ExecutionContext, Outcome } from './execution';
import { PromotionSteps, promotionSteps } from './promotionSteps';
import { verifySoak } from './soak';
import { promotionSummary } from './summary';
import { PromotionServiceDeps } from './types';

export type { ExecutionContext } from './execution';

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
 * gate check, and one whose record holds a rollback goes on rolling back.
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
  // Stopped before it started: nothing is written (an abort listener added now would never run).
  if (ctx.stop?.aborted) return undefined;
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
  const steps = promotionSteps(deps, ctx, signal);
  let outcome: Outcome;
  try {
    outcome = await run(deps, ctx, steps, signal);
  } catch (error) {
    if (error instanceof LeaseLostError || signal.aborted) throw error;
    outcome = { state: 'failed', error: (error as Error).message };
  }
  return finish(deps, ctx, steps, outcome);
}

/** The state machine: roll out (unless resumed past it), soak, and roll back when either fails. */
async function run(
  deps: PromotionServiceDeps,
  ctx: ExecutionContext,
  steps: PromotionSteps,
  signal: AbortSignal,
): Promise<Outcome> {
  const { promotion } = ctx;
  if (ctx.resume && promotion.rollback) {
    return steps.rollBack(promotion.rollback.reason, { resumed: true });
  }
  let completedAt: Date;
  if (ctx.resume && promotion.state === 'verifying') {
    completedAt = new Date(promotion.rolloutCompletedAt ?? Date.now());
  } else {
    const rolledOut = await steps.rollOut();
    if (!rolledOut.ok) return rolledOut.outcome;
    completedAt = rolledOut.completedAt;
  }
  if (steps.settings.soakSeconds === 0 || promotion.kind === 'rollback') {
    return { state: 'succeeded' };
  }
  await steps.write({ state: 'verifying' });
  const soakEndsAt = completedAt.getTime() + steps.settings.soakSeconds * 1000;
  const problem = await verifySoak(deps, ctx, soakEndsAt, signal);
  if (signal.aborted) throw signal.reason;
  if (problem) {
    await steps.record('soak-failed', { error: problem });
    return steps.rollBack(`verification failed: ${problem}`);
  }
  await steps.record('soak-passed');
  return { state: 'succeeded' };
}

/** Writes the outcome, its release-note summary and its audit event. */
async function finish(
  deps: PromotionServiceDeps,
  ctx: ExecutionContext,
  steps: PromotionSteps,
  result: Outcome,
): Promise<StoredPromotion> {
  const { promotion, lease } = ctx;
  let outcome = result;
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
      // The store keeps what the rollout recorded; this is for a run that rolled out before it did.
      configAfter:
        outcome.state === 'succeeded' ? steps.targetConfig() : undefined,
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
  await steps.record(outcome.state, {
    error: error ?? rollback?.reason,
    meta: {
      imageBefore: promotion.imageBefore ?? '',
      imageAfter: promotion.imageAfter,
      durationMs,
    },
  });
  steps.log.info(`${promotion.kind} ${outcome.state}`);
  await ctx.onFinished?.(finished);
  return finished;
}
