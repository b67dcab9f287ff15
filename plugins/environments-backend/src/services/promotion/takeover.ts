import { parseEntityRef } from '@backstage/catalog-model';
import { LeaseLostError, StoredPromotion } from '../../database/PromotionStore';
import { AuditSubject } from './audit';
import type { ReplicaRun } from './execution';
import { failPromotion } from './failPromotion';
import { stageSettings } from './settings';
import { selectorOf } from './stageWorkload';
import { PromotionServiceDeps } from './types';

/** A promotion this replica took over, and the replica it took it from. */
type Claimed = { promotion: StoredPromotion; previousOwner?: string };

/** How long the first list of a namespace may take before a takeover pass moves on to the next. */
const CACHE_WAIT_MS = 5000;

/**
 * The takeover of promotions whose replica stopped (its lease expired): each is claimed only once
 * this replica can act on it (its namespace is in the cache), one at a time, and started at once, so
 * a claim never waits behind another promotion's slow cluster long enough to expire and be claimed
 * twice. A live owner (another replica, or this process before a restart while its lease runs) is
 * never touched. A promotion that fails to be taken over is ended with the reason, so it never
 * stops the pass for the ones after it.
 */
export function createTakeover(
  deps: PromotionServiceDeps,
  run: ReplicaRun & { isRunning(id: string): boolean },
) {
  // Promotions left for a later pass because their namespace was not in the cache: said once each.
  const waitingForCache = new Set<string>();

  /** Claims one promotion for this replica; undefined when another replica was quicker. */
  async function claim(
    candidate: StoredPromotion,
  ): Promise<Claimed | undefined> {
    const [claimed] = await deps.store.claimExpired(run.lease, [candidate.id]);
    return claimed;
  }

  async function fail(claimed: Claimed, error: string) {
    await failPromotion(deps, run, claimed.promotion, error, {
      takenOverFrom: claimed.previousOwner ?? null,
    });
    deps.logger
      .child({ promotionId: claimed.promotion.id })
      .warn(`promotion taken over and marked failed: ${error}`);
  }

  /**
   * A promotion whose namespace the cache has not listed (a replica just started, a cluster that is
   * down or refuses this replica) cannot be resumed: a missing Deployment cannot be told from an
   * unread one. It waits for a later pass, unclaimed, until its lease has been expired for its
   * stage's rollout timeout (on the leases' clock); then it is failed so the stage is free again,
   * saying what is unknown.
   */
  async function unreadable(candidate: StoredPromotion, namespace: string) {
    const { rolloutTimeoutSeconds } = stageSettings(
      deps.settings,
      candidate.to,
    );
    const [claimed] = await deps.store.claimExpired(run.lease, [candidate.id], {
      forMs: rolloutTimeoutSeconds * 1000,
    });
    if (claimed) {
      waitingForCache.delete(candidate.id);
      await fail(
        claimed,
        `its replica stopped, and ${namespace} could not be read for ${rolloutTimeoutSeconds} s since; what its rollout did is unknown: check the stage before promoting again`,
      );
      return;
    }
    if (!waitingForCache.has(candidate.id)) {
      waitingForCache.add(candidate.id);
      deps.logger
        .child({ promotionId: candidate.id })
        .warn(
          `promotion ${candidate.id} not taken over yet: ${namespace} is not in the cache`,
        );
    }
  }

  /**
   * Resumes a claimed promotion: one that changed nothing yet (`pending`) starts over (a promotion
   * through the queue, where a sweep checks its gates again; a rollback, which has none, at once),
   * any other continues from its record.
   */
  async function resume(claimed: Claimed) {
    const { promotion, previousOwner } = claimed;
    const log = deps.logger.child({ promotionId: promotion.id });
    const subject: AuditSubject = { ...promotion };
    if (promotion.state === 'pending' && promotion.kind === 'promotion') {
      if (await deps.store.requeue(promotion.id, run.lease)) {
        await run.audit.record('recovered', subject, {
          actor: promotion.requestedBy,
          meta: {
            state: promotion.state,
            takenOverFrom: previousOwner ?? null,
            requeued: true,
          },
        });
        log.info(
          `promotion ${promotion.id} had not started when ${
            previousOwner ?? 'its replica'
          } stopped: back in the queue`,
        );
      }
      return;
    }
    if (promotion.state !== 'pending') {
      const stage = deps.registry.forStage(promotion.to);
      const cache = deps.workloadCache.namespace(
        stage.clusterName,
        stage.namespace,
      );
      if (!cache.get('Deployment', promotion.deployment)) {
        await fail(claimed, 'its replica stopped, and the Deployment is gone');
        return;
      }
    }
    // The soak's gate check needs the entity; the plugin reads it as itself, no user waits here.
    const entity = await deps.entities
      .resolveAsService(parseEntityRef(promotion.entityRef))
      .catch(() => undefined);
    // The catalog may have been slow: still this replica's, for a full lease from now?
    if (!(await deps.store.renewLease(promotion.id, run.lease))) return;
    await run.audit.record('recovered', subject, {
      actor: promotion.requestedBy,
      meta: {
        state: promotion.state,
        takenOverFrom: previousOwner ?? null,
      },
    });
    log.info(
      `taking over promotion ${promotion.id} (${promotion.state}) from ${
        previousOwner ?? 'no owner'
      }`,
    );
    run.start({
      promotion,
      resume: promotion.state !== 'pending',
      entity,
      selector: entity ? selectorOf(entity) : undefined,
    });
  }

  async function takeOver(candidate: StoredPromotion) {
    let claimed: Claimed | undefined;
    try {
      if (candidate.state !== 'pending') {
        const stage = deps.registry.forStage(candidate.to);
        const cache = deps.workloadCache.namespace(
          stage.clusterName,
          stage.namespace,
        );
        if (!(await cache.waitForSync(CACHE_WAIT_MS))) {
          await unreadable(candidate, stage.namespace);
          return;
        }
        waitingForCache.delete(candidate.id);
      }
      claimed = await claim(candidate);
      if (claimed) await resume(claimed);
    } catch (error) {
      if (error instanceof LeaseLostError) return;
      // Whatever went wrong (a stage no longer configured, a database error), this promotion is
      // ended with the reason rather than left to stop every later pass at the same place.
      const owned = claimed ?? (await claim(candidate).catch(() => undefined));
      if (!owned) return;
      await fail(
        owned,
        `its replica stopped, and it could not be resumed: ${
          (error as Error).message
        }`,
      ).catch(e =>
        deps.logger.error(
          `could not mark promotion ${candidate.id} failed: ${e}`,
        ),
      );
    }
  }

  return {
    /** One pass: every promotion whose lease expired, oldest first. */
    async recover(): Promise<void> {
      for (const candidate of await deps.store.listExpired()) {
        if (run.stopping()) return;
        if (run.isRunning(candidate.id)) continue;
        await takeOver(candidate);
      }
    },
  };
}
