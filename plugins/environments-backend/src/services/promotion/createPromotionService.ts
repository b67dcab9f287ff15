import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  environmentsPromotionCreatePermission,
  environmentsPromotionOverridePermission,
  environmentsRollbackCreatePermission,
  FleetPromotion,
} from '@envportal/plugin-environments-common';
import { requirePermission } from '@envportal/plugin-environments-node';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Lease,
  PromotionInFlightError,
  StoredPromotion,
} from '../../database/PromotionStore';
import {
  actorOf,
  auditRefusal,
  AuditSubject,
  createPromotionAudit,
} from './audit';
import { recordDeploy } from './recordDeploy';
import { executePromotion, ExecutionContext } from './executePromotion';
import { gatesPassed } from './gates';
import { createGovernance, promotionView } from './governance';
import { createPromotionNotifier } from './notifications';
import { buildPreview } from './preview';
import {
  checkKnownStage,
  checkStageOrder,
  isProductionStage,
} from './stageOrder';
import { createTakeover } from './takeover';
import {
  assertSoleClaimant,
  readStageWorkload,
  selectorOf,
  workloadKey,
} from './stageWorkload';
import { rollbackTarget } from './rollbackTarget';
import { stageSettings } from './settings';
import { promotionSummary } from './summary';
import { PromotionService, PromotionServiceDeps } from './types';

/** Minimum length of a written override reason: a word or two is not a reason. */
const MIN_OVERRIDE_REASON = 10;

/**
 * The earlier promotion or rollback of an idempotency key, when the retry asks for the same change;
 * a key reused for a different change is refused.
 */
function replayOf(
  earlier: StoredPromotion,
  asked: AuditSubject,
  key: string | undefined,
): StoredPromotion {
  if (
    earlier.kind !== asked.kind ||
    earlier.from !== asked.from ||
    earlier.to !== asked.to
  ) {
    throw new InputError(
      `Idempotency key ${key} was used for ${earlier.kind} ${earlier.id} (${earlier.from} → ${earlier.to}); a different request needs a new key`,
    );
  }
  return earlier;
}

export function createPromotionService(
  deps: PromotionServiceDeps,
): PromotionService {
  const running = new Map<string, Promise<unknown>>();
  // Aborted on shutdown: every run of this replica stops and leaves its promotion to another.
  const shuttingDown = new AbortController();
  // This replica's name in the database; a restart is a new owner.
  const lease: Lease = {
    owner:
      deps.ownerId ??
      `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    durationMs: deps.settings.leaseSeconds * 1000,
  };
  const audit = createPromotionAudit(deps.auditor, stage =>
    isProductionStage(deps, stage),
  );
  const notifier = createPromotionNotifier({
    notifications: deps.notifications,
    logger: deps.logger,
  });

  // Takeover and sweep passes under way: shutdown waits for them before it hands the leases over, so
  // a promotion a pass claims while this replica stops is released with the rest.
  const passes = new Set<Promise<unknown>>();
  const stopping = () => shuttingDown.signal.aborted;
  async function track(work: Promise<void>): Promise<void> {
    passes.add(work);
    try {
      await work;
    } finally {
      passes.delete(work);
    }
  }
  function pass(body: () => Promise<void>): Promise<void> {
    // A replica that is stopping claims nothing more: the scheduler still runs its tasks while the
    // plugins shut down, and what it claimed then would wait out a lease that nobody renews.
    if (stopping()) return Promise.resolve();
    return track(body());
  }
  /** New work is refused while this replica stops: the client retries and reaches another. */
  function refuseWhileStopping() {
    if (stopping()) {
      throw new ServiceUnavailableError(
        'This portal replica is shutting down; try again',
      );
    }
  }

  /**
   * Runs in the background; the HTTP answer does not wait for the rollout. Nothing starts once this
   * replica is stopping: a promotion that has changed nothing yet goes back to the queue at once,
   * where another replica's sweep starts it; anything else (a rollback too) keeps its state, and
   * another replica takes it over once its lease is released.
   */
  function start(ctx: Omit<ExecutionContext, 'lease'>) {
    if (stopping()) {
      if (ctx.promotion.state === 'pending') {
        track(
          deps.store
            .requeue(ctx.promotion.id, lease)
            .then(() => undefined)
            .catch(error =>
              deps.logger.error(
                `promotion ${ctx.promotion.id} not handed back to the queue: ${error}`,
              ),
            ),
        );
      }
      return;
    }
    const task = executePromotion(deps, {
      ...ctx,
      lease,
      stop: shuttingDown.signal,
      onFinished: p => notifier.finished(p),
    })
      .catch(error =>
        deps.logger.error(`promotion ${ctx.promotion.id} crashed: ${error}`),
      )
      .finally(() => running.delete(ctx.promotion.id));
    running.set(ctx.promotion.id, task);
  }

  const governance = createGovernance(deps, {
    lease,
    audit,
    notifier,
    start,
    stopping,
  });
  const takeover = createTakeover(deps, {
    lease,
    audit,
    notifier,
    start,
    isRunning: id => running.has(id),
    stopping,
  });
  const view = (p: StoredPromotion, credentials?: BackstageCredentials) =>
    promotionView(governance, p, credentials);
  /** The answer to a retry: the earlier request's promotion or rollback, checked to be the same change. */
  async function replayed(
    earlier: StoredPromotion,
    subject: AuditSubject,
    key: string | undefined,
    credentials: BackstageCredentials,
  ) {
    return {
      promotion: await view(replayOf(earlier, subject, key), credentials),
      created: false,
    };
  }
  /** The answer to a retry when an earlier request with this idempotency key was stored. */
  async function replayOfStored(
    subject: AuditSubject,
    key: string | undefined,
    credentials: BackstageCredentials,
  ) {
    const earlier = key
      ? await deps.store.findByIdempotencyKey(subject.entityRef, key)
      : undefined;
    return earlier && replayed(earlier, subject, key, credentials);
  }

  /**
   * A request that failed after its permission check may have lost a race to an earlier request with
   * its idempotency key (the stage is locked by that one, or already runs its image): that one is the
   * answer. Anything else is refused and audited.
   */
  async function replayedOrRefused(
    attempt: {
      subject: AuditSubject;
      key?: string;
      permitted: boolean;
      actor: string;
      options: Parameters<PromotionService['create']>[1];
    },
    error: unknown,
  ) {
    const replay = attempt.permitted
      ? await replayOfStored(
          attempt.subject,
          attempt.key,
          attempt.options.credentials,
        ).catch(() => undefined)
      : undefined;
    if (replay) return replay;
    return auditRefusal(
      audit,
      attempt.subject,
      attempt.actor,
      attempt.options.request,
      error,
    );
  }

  return {
    async preview(input, { credentials }) {
      const entity = await deps.entities.resolve(input.entity, { credentials });
      return (
        await buildPreview(deps, entity, input.from, input.to, credentials)
      ).preview;
    },

    async create(input, options) {
      const { credentials, request } = options;
      refuseWhileStopping();
      const entity = await deps.entities.resolve(input.entity, { credentials });
      const entityRef = stringifyEntityRef(entity);
      const actor = actorOf(credentials);
      const subject: AuditSubject = {
        kind: 'promotion',
        entityRef,
        from: input.from,
        to: input.to,
      };
      let promotion: StoredPromotion;
      let created: boolean;
      let context: Awaited<ReturnType<typeof buildPreview>>;
      let permitted = false;
      try {
        // Permission first: a denied caller learns nothing more and changes nothing.
        await requirePermission(
          deps.permissions,
          environmentsPromotionCreatePermission,
          { entityRef, targetStage: input.to },
          credentials,
          { promotionStages: deps.settings.servicePrincipalStages },
        );
        permitted = true;
        const replay = await replayOfStored(
          subject,
          input.idempotencyKey,
          credentials,
        );
        if (replay) return replay;
        checkStageOrder(deps, input.from, input.to);
        const inFlight = await deps.store.findInFlight(entityRef, input.to);
        if (inFlight) throw new PromotionInFlightError(inFlight.id);
        // The stage's own account must exist before anything is recorded.
        deps.registry.promoteConnection(input.to);

        context = await buildPreview(
          deps,
          entity,
          input.from,
          input.to,
          credentials,
        );
        const { preview, source, target } = context;
        if (!target) {
          throw new InputError(
            preview.blockedReason ?? `Nothing runs in ${input.to} yet`,
          );
        }
        if (target.image === source.exactImage) {
          throw new InputError(`${input.to} already runs ${source.exactImage}`);
        }
        if (!gatesPassed(preview.gates)) {
          const failing = preview.gates
            .filter(g => g.result !== 'pass' && g.result !== 'warn')
            .map(g => `${g.id}: ${g.result} (${g.detail})`)
            .join('; ');
          if (!input.overrideReason) {
            throw new InputError(
              `Gates do not pass: ${failing}. Proceeding needs the override permission and a written reason.`,
            );
          }
          if (input.overrideReason.trim().length < MIN_OVERRIDE_REASON) {
            throw new InputError(
              `An override reason needs at least ${MIN_OVERRIDE_REASON} characters`,
            );
          }
          await requirePermission(
            deps.permissions,
            environmentsPromotionOverridePermission,
            { entityRef, targetStage: input.to },
            credentials,
            { promotionStages: deps.settings.servicePrincipalStages },
          );
        }
        // Approvals and the deploy window: it may wait, or be refused here.
        const admission = await governance.admit({
          entityRef,
          to: input.to,
          windowOverrideReason: input.windowOverrideReason,
          credentials,
        });
        const draft = {
          ...admission,
          id: randomUUID(),
          kind: 'promotion' as const,
          entityRef,
          from: input.from,
          to: input.to,
          strategy: stageSettings(deps.settings, input.to).strategy,
          deployment: target.name,
          container: target.container,
          imageBefore: target.image,
          imageAfter: source.exactImage,
          gates: preview.gates,
          risk: preview.risk,
          // A reason given while gates pass overrides nothing and is not recorded as an override.
          overrideReason: gatesPassed(preview.gates)
            ? undefined
            : input.overrideReason?.trim(),
          requestedBy: actor,
          idempotencyKey: input.idempotencyKey,
          workloadKey: workloadKey(deps, input.to, target.name),
        };
        ({ promotion, created } = await deps.store.insert(
          {
            ...draft,
            summary: promotionSummary({
              ...draft,
              riskLevel: draft.risk.level,
            }),
          },
          lease,
        ));
        // The same key may have raced in with another request.
        if (!created) replayOf(promotion, subject, input.idempotencyKey);
      } catch (error) {
        return replayedOrRefused(
          { subject, key: input.idempotencyKey, permitted, actor, options },
          error,
        );
      }
      if (created) {
        await audit.record(
          'requested',
          { ...subject, id: promotion.id },
          {
            actor,
            request,
            meta: {
              imageBefore: promotion.imageBefore ?? null,
              imageAfter: promotion.imageAfter,
              override: Boolean(promotion.overrideReason),
              windowOverride: Boolean(promotion.windowOverrideReason),
              state: promotion.state,
            },
          },
        );
        if (promotion.state === 'pending') {
          start({
            promotion,
            entity,
            selector: context.selector,
            credentials,
          });
        } else {
          await governance.requested(promotion);
        }
      }
      return { promotion: await view(promotion, credentials), created };
    },

    async rollback(input, options) {
      const { credentials, request } = options;
      refuseWhileStopping();
      const entity = await deps.entities.resolve(input.entity, { credentials });
      const entityRef = stringifyEntityRef(entity);
      const actor = actorOf(credentials);
      const subject: AuditSubject = {
        kind: 'rollback',
        entityRef,
        from: input.stage,
        to: input.stage,
      };
      let promotion: StoredPromotion;
      let selector;
      let permitted = false;
      try {
        checkKnownStage(deps, input.stage);
        await requirePermission(
          deps.permissions,
          environmentsRollbackCreatePermission,
          { entityRef, targetStage: input.stage },
          credentials,
          { promotionStages: deps.settings.servicePrincipalStages },
        );
        permitted = true;
        const replay = await replayOfStored(
          subject,
          input.idempotencyKey,
          credentials,
        );
        if (replay) return replay;
        deps.registry.promoteConnection(input.stage);
        selector = selectorOf(entity);
        const [target] = await Promise.all([
          readStageWorkload(deps, entity, input.stage, selector),
          assertSoleClaimant(deps, entity),
        ]);
        if (!target)
          throw new NotFoundError(
            `Nothing of ${entityRef} runs in ${input.stage}`,
          );
        const previous = rollbackTarget(
          await deps.store.finishedInto(entityRef, input.stage),
          target.image,
          input.stage,
        );
        const draft = {
          id: randomUUID(),
          kind: 'rollback' as const,
          entityRef,
          from: input.stage,
          to: input.stage,
          strategy: stageSettings(deps.settings, input.stage).strategy,
          deployment: target.name,
          container: target.container,
          imageBefore: target.image,
          imageAfter: previous,
          gates: [],
          risk: {
            level: 'medium' as const,
            reasons: [
              `manual rollback${input.reason ? `: ${input.reason}` : ''}`,
            ],
          },
          overrideReason: undefined,
          requestedBy: actor,
          idempotencyKey: input.idempotencyKey,
          workloadKey: workloadKey(deps, input.stage, target.name),
        };
        await governance.supersedeWaiting(
          entityRef,
          input.stage,
          draft.workloadKey,
          actor,
        );
        let created: boolean;
        ({ promotion, created } = await deps.store.insert(
          {
            ...draft,
            summary: promotionSummary({
              ...draft,
              riskLevel: 'medium',
              state: 'pending',
            }),
          },
          lease,
        ));
        // The same key may have raced in with another request.
        if (!created) {
          return replayed(
            promotion,
            subject,
            input.idempotencyKey,
            credentials,
          );
        }
      } catch (error) {
        return replayedOrRefused(
          { subject, key: input.idempotencyKey, permitted, actor, options },
          error,
        );
      }
      await audit.record(
        'requested',
        { ...subject, id: promotion.id },
        {
          actor,
          request,
          meta: {
            imageBefore: promotion.imageBefore ?? null,
            imageAfter: promotion.imageAfter,
          },
        },
      );
      start({ promotion, entity, selector, credentials });
      return { promotion: await view(promotion, credentials), created: true };
    },

    async recordDeploy(input, options) {
      refuseWhileStopping();
      return recordDeploy(deps, audit, input, options);
    },

    async get(id, { credentials }) {
      const promotion = await deps.store.get(id);
      if (!promotion) throw new NotFoundError(`No promotion ${id}`);
      // Readable only by whoever may read the entity: the catalog lookup applies its read permission.
      await deps.entities.resolve(parseEntityRef(promotion.entityRef), {
        credentials,
      });
      return view(promotion, credentials);
    },

    async list(input, { credentials }) {
      const entity = await deps.entities.resolve(input.entity, { credentials });
      const { items, total } = await deps.store.list({
        entityRef: stringifyEntityRef(entity),
        limit: input.limit,
        offset: input.offset,
      });
      return {
        items: await Promise.all(items.map(p => view(p, credentials))),
        total,
      };
    },

    async decide(input, { credentials, request }) {
      return view(
        await governance.decide(input, { credentials, request }),
        credentials,
      );
    },

    stages: () => governance.stages(),

    async active() {
      const promotions = await deps.store.listActive();
      const approvals = await deps.store.approvalCounts(
        promotions.filter(p => p.approvalsRequired).map(p => p.id),
      );
      const byEntity = new Map<string, FleetPromotion[]>();
      for (const p of promotions) {
        const list = byEntity.get(p.entityRef) ?? [];
        list.push({
          id: p.id,
          state: p.state,
          from: p.from,
          to: p.to,
          approvalsRequired: p.approvalsRequired,
          approvalsGiven: p.approvalsRequired
            ? approvals.get(p.id) ?? 0
            : undefined,
          runAfter: p.runAfter,
        });
        byEntity.set(p.entityRef, list);
      }
      return byEntity;
    },

    sweep: () => pass(() => governance.sweep()),

    recover: () => pass(() => takeover.recover()),

    async shutdown() {
      shuttingDown.abort();
      while (passes.size > 0) await Promise.allSettled([...passes]);
      await Promise.allSettled([...running.values()]);
      // Handing over at once instead of letting the leases run out.
      const released = await deps.store.releaseLeases(lease);
      if (released > 0) {
        deps.logger.info(
          `shutting down: released ${released} running promotion(s) for another replica`,
        );
      }
    },

    async idle() {
      while (running.size > 0) {
        await Promise.allSettled([...running.values()]);
      }
    },
  };
}
