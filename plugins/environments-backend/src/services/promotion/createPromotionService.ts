import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  environmentsPromotionCreatePermission,
  environmentsPromotionOverridePermission,
  environmentsRollbackCreatePermission,
  Promotion,
} from '@envportal/plugin-environments-common';
import { randomUUID } from 'node:crypto';
import {
  PromotionInFlightError,
  StoredPromotion,
} from '../../database/PromotionStore';
import { executePromotion, ExecutionContext } from './executePromotion';
import { gatesPassed } from './gates';
import {
  buildPreview,
  isProductionStage,
  readStageWorkload,
  selectorOf,
} from './preview';
import { requirePermission } from './permissions';
import { stageSettings } from './settings';
import { promotionSummary } from './summary';
import { PromotionService, PromotionServiceDeps } from './types';

/** What the API shows of a stored promotion. */
function toApi(p: StoredPromotion): Promotion {
  const {
    kind: _kind,
    idempotencyKey: _key,
    rolloutCompletedAt: _done,
    ...rest
  } = p;
  return rest;
}

/** Minimum length of a written override reason: a word or two is not a reason. */
const MIN_OVERRIDE_REASON = 10;

export function createPromotionService(
  deps: PromotionServiceDeps,
): PromotionService {
  const running = new Map<string, Promise<unknown>>();
  const userOf = (credentials: any): string =>
    credentials?.principal?.userEntityRef ??
    (credentials?.principal?.subject
      ? `service:${credentials.principal.subject}`
      : 'unknown');

  /** Runs in the background; the HTTP answer does not wait for the rollout. */
  function start(ctx: ExecutionContext) {
    const task = executePromotion(deps, ctx)
      .catch(error =>
        deps.logger.error(`promotion ${ctx.promotion.id} crashed: ${error}`),
      )
      .finally(() => running.delete(ctx.promotion.id));
    running.set(ctx.promotion.id, task);
  }

  async function recordConflictOr<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof PromotionInFlightError) throw error;
      throw error;
    }
  }

  return {
    async preview(input, { credentials }) {
      const entity = await deps.entities.resolve(input.entity, { credentials });
      return (
        await buildPreview(deps, entity, input.from, input.to, credentials)
      ).preview;
    },

    async create(input, { credentials, request }) {
      const entity = await deps.entities.resolve(input.entity, { credentials });
      const entityRef = stringifyEntityRef(entity);
      const requestedBy = userOf(credentials);
      const audit = await deps.auditor.createEvent({
        eventId: 'promotion',
        severityLevel: isProductionStage(deps, input.to) ? 'high' : 'medium',
        request,
        meta: {
          actionType: 'create',
          entityRef,
          from: input.from,
          to: input.to,
          override: Boolean(input.overrideReason),
        },
      });
      try {
        // Permission first: a denied caller learns nothing more and changes nothing.
        await requirePermission(
          deps.permissions,
          environmentsPromotionCreatePermission,
          { entityRef, targetStage: input.to },
          credentials,
        );
        if (input.idempotencyKey) {
          const earlier = await deps.store.findByIdempotencyKey(
            entityRef,
            input.idempotencyKey,
          );
          if (earlier) {
            await audit.success({
              meta: { promotionId: earlier.id, replay: true },
            });
            return { promotion: toApi(earlier), created: false };
          }
        }
        const inFlight = await deps.store.findInFlight(entityRef, input.to);
        if (inFlight) throw new PromotionInFlightError(inFlight.id);

        const context = await buildPreview(
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
          );
        }
        const draft = {
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
          requestedBy,
          idempotencyKey: input.idempotencyKey,
        };
        const { promotion, created } = await recordConflictOr(() =>
          deps.store.insert({
            ...draft,
            summary: promotionSummary({
              ...draft,
              riskLevel: draft.risk.level,
              state: 'pending',
            }),
          }),
        );
        if (created) {
          start({ promotion, entity, selector: context.selector, credentials });
        }
        await audit.success({
          meta: { promotionId: promotion.id, replay: !created },
        });
        return { promotion: toApi(promotion), created };
      } catch (error) {
        await audit.fail({ error: error as Error });
        throw error;
      }
    },

    async rollback(input, { credentials, request }) {
      const entity = await deps.entities.resolve(input.entity, { credentials });
      const entityRef = stringifyEntityRef(entity);
      const audit = await deps.auditor.createEvent({
        eventId: 'rollback',
        severityLevel: isProductionStage(deps, input.stage) ? 'high' : 'medium',
        request,
        meta: { actionType: 'create', entityRef, stage: input.stage },
      });
      try {
        if (!deps.environments.stages.some(s => s.name === input.stage)) {
          throw new InputError(`Unknown stage "${input.stage}"`);
        }
        await requirePermission(
          deps.permissions,
          environmentsRollbackCreatePermission,
          { entityRef, targetStage: input.stage },
          credentials,
        );
        const selector = selectorOf(entity);
        const target = await readStageWorkload(deps, input.stage, selector);
        if (!target)
          throw new NotFoundError(
            `Nothing of ${entityRef} runs in ${input.stage}`,
          );
        const last = await deps.store.lastSucceeded(entityRef, input.stage);
        const previous = last?.imageBefore;
        if (!previous || previous === target.image) {
          throw new InputError(
            `No earlier version of ${entityRef} in ${input.stage} is recorded to roll back to`,
          );
        }
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
          requestedBy: userOf(credentials),
        };
        const { promotion } = await deps.store.insert({
          ...draft,
          summary: promotionSummary({
            ...draft,
            riskLevel: 'medium',
            state: 'pending',
          }),
        });
        start({ promotion, entity, selector, credentials });
        await audit.success({ meta: { promotionId: promotion.id } });
        return toApi(promotion);
      } catch (error) {
        await audit.fail({ error: error as Error });
        throw error;
      }
    },

    async get(id, { credentials }) {
      const promotion = await deps.store.get(id);
      if (!promotion) throw new NotFoundError(`No promotion ${id}`);
      // Readable only by whoever may read the entity: the catalog lookup applies its read permission.
      await deps.entities.resolve(parseEntityRef(promotion.entityRef), {
        credentials,
      });
      return toApi(promotion);
    },

    async list(input, { credentials }) {
      const entity = await deps.entities.resolve(input.entity, { credentials });
      const { items, total } = await deps.store.list({
        entityRef: stringifyEntityRef(entity),
        limit: input.limit,
        offset: input.offset,
      });
      return { items: items.map(toApi), total };
    },

    async recover() {
      for (const promotion of await deps.store.listActive()) {
        if (running.has(promotion.id)) continue;
        const log = deps.logger.child({ promotionId: promotion.id });
        const fail = async (error: string) => {
          const now = Date.now();
          await deps.store.finish(promotion.id, {
            state: 'failed',
            error,
            summary: promotionSummary({
              ...promotion,
              riskLevel: promotion.risk.level,
              state: 'failed',
              durationMs: now - Date.parse(promotion.createdAt),
              error,
            }),
          });
          log.warn(`interrupted promotion marked failed: ${error}`);
        };
        if (promotion.state === 'pending') {
          // Nothing was applied yet (the state turns running before any change is made).
          await fail(
            'interrupted by a backend restart before the rollout started',
          );
          continue;
        }
        try {
          const stage = deps.registry.forStage(promotion.to);
          const cache = deps.workloadCache.namespace(
            stage.clusterName,
            stage.namespace,
          );
          await cache.waitForSync(5000);
          if (!cache.get('Deployment', promotion.deployment)) {
            await fail(
              'interrupted by a backend restart; the Deployment is gone',
            );
            continue;
          }
          log.info('resuming interrupted promotion after restart');
          start({ promotion, resume: true });
        } catch (error) {
          await fail(
            `interrupted by a backend restart; could not resume: ${
              (error as Error).message
            }`,
          );
        }
      }
    },

    async idle() {
      while (running.size > 0) {
        await Promise.allSettled([...running.values()]);
      }
    },
  };
}
