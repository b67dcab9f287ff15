import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  environmentsPromotionApprovePermission,
  environmentsWindowOverridePermission,
  formatStageTime,
  Promotion,
  PromotionApproval,
  StageGovernance,
} from '@envportal/plugin-environments-common';
import {
  isAllowed,
  requirePermission,
} from '@envportal/plugin-environments-node';
import type { Request } from 'express';
import {
  LeaseLostError,
  StoredDecision,
  StoredPromotion,
  WAITING_STATES,
} from '../../database/PromotionStore';
import { actorOf, AuditSubject } from './audit';
import type { ReplicaRun } from './execution';
import { failPromotion } from './failPromotion';
import { gatesPassed } from './gates';
import { buildPreview } from './preview';
import { ApprovalPolicy, stageSettings } from './settings';
import { promotionSummary } from './summary';
import { PromotionServiceDeps } from './types';

/** Minimum length of a written reason for an emergency outside the window. */
const MIN_WINDOW_OVERRIDE_REASON = 10;

/** How a new promotion starts, as the target stage's approval policy and window decide. */
export type Admission = {
  /** When it was admitted, by the engine's clock: windows and expiry are reckoned from it. */
  createdAt: Date;
  state: 'pending' | 'awaiting-approval' | 'queued';
  approvalsRequired?: number;
  approvalExpiresAt?: Date;
  runAfter?: Date;
  windowOverrideReason?: string;
};

/** Who acts when the clock does: expiry. */
const PLUGIN_ACTOR = 'plugin:environments';

const principalType = (credentials: BackstageCredentials) =>
  (credentials.principal as { type?: string }).type;

/**
 * Approvals and deploy windows: what a new promotion waits for, who may approve or reject it, and
 * starting it (gates evaluated again) when its approvals are in and its stage is open. Every step
 * is a conditional write, so replicas that race over one promotion change it once.
 */
export function createGovernance(deps: PromotionServiceDeps, run: ReplicaRun) {
  const now = () => deps.now?.() ?? new Date();
  const { lease, audit, notifier } = run;

  async function admit(input: {
    entityRef: string;
    to: string;
    windowOverrideReason?: string;
    credentials: BackstageCredentials;
  }): Promise<Admission> {
    const stage = stageSettings(deps.settings, input.to);
    const at = now();
    let admission: Admission = { createdAt: at, state: 'pending' };
    const window = stage.window?.state(at);
    if (window && !window.open) {
      const until = window.changesAt
        ? `until ${formatStageTime(
            window.changesAt,
            stage.window!.settings.timeZone,
          )}`
        : 'with no opening in the next year';
      if (input.windowOverrideReason !== undefined) {
        const reason = input.windowOverrideReason.trim();
        if (reason.length < MIN_WINDOW_OVERRIDE_REASON) {
          throw new InputError(
            `A window override reason needs at least ${MIN_WINDOW_OVERRIDE_REASON} characters`,
          );
        }
        await requirePermission(
          deps.permissions,
          environmentsWindowOverridePermission,
          { entityRef: input.entityRef, targetStage: input.to },
          input.credentials,
        );
        admission.windowOverrideReason = reason;
      } else if (
        stage.window!.settings.outside === 'queue' &&
        window.changesAt
      ) {
        admission = {
          ...admission,
          state: 'queued',
          runAfter: window.changesAt,
        };
      } else {
        throw new InputError(
          `${input.to} is closed for promotions ${until}. An emergency needs the window-override permission and a written reason.`,
        );
      }
    }
    if (stage.approval) {
      admission = {
        ...admission,
        state: 'awaiting-approval',
        approvalsRequired: stage.approval.required,
        approvalExpiresAt: new Date(
          at.getTime() + stage.approval.validForSeconds * 1000,
        ),
      };
    }
    return admission;
  }

  /** Why `credentials` may not decide on `promotion` now; undefined when they may. */
  async function cannotDecide(
    promotion: StoredPromotion,
    policy: ApprovalPolicy | undefined,
    decisions: StoredDecision[],
    credentials: BackstageCredentials,
  ): Promise<string | undefined> {
    if (promotion.state !== 'awaiting-approval') {
      return `It is ${promotion.state}, not awaiting approval`;
    }
    if (!policy) return `${promotion.to} has no approvers configured`;
    if (principalType(credentials) !== 'user') {
      return 'Tools and agents may request promotions but never approve them';
    }
    const actor = actorOf(credentials);
    if (actor === promotion.requestedBy && !policy.allowRequester) {
      return 'You requested it; someone else must approve it';
    }
    const earlier = decisions.find(d => d.actor === actor);
    if (earlier) {
      return `You already ${
        earlier.decision === 'approve' ? 'approved' : 'rejected'
      } it`;
    }
    if (!deps.userInfo) return 'Approvers cannot be looked up here';
    const info = await deps.userInfo.getUserInfo(credentials);
    const own = new Set([info.userEntityRef, ...info.ownershipEntityRefs]);
    if (!policy.approvers.some(ref => own.has(ref))) {
      return `Only ${policy.approvers.join(', ')} may approve promotions into ${
        promotion.to
      }`;
    }
    const allowed = await isAllowed(
      deps.permissions,
      environmentsPromotionApprovePermission,
      { entityRef: promotion.entityRef, targetStage: promotion.to },
      credentials,
    );
    return allowed
      ? undefined
      : `You may not approve promotions of ${promotion.entityRef} into ${promotion.to}`;
  }

  /** The approval part of a promotion as the API shows it, with what the caller may do. */
  async function approvalView(
    promotion: StoredPromotion,
    credentials?: BackstageCredentials,
  ): Promise<PromotionApproval | undefined> {
    if (!promotion.approvalsRequired) return undefined;
    const policy = stageSettings(deps.settings, promotion.to).approval;
    const decisions = await deps.store.decisions(promotion.id);
    const view: PromotionApproval = {
      required: promotion.approvalsRequired,
      approvers: policy?.approvers ?? [],
      expiresAt: promotion.approvalExpiresAt!,
      decisions: decisions.map(d => ({
        actor: d.actor,
        decision: d.decision,
        ...(d.comment ? { comment: d.comment } : {}),
        at: d.at,
      })),
    };
    if (!credentials || promotion.state !== 'awaiting-approval') return view;
    const reason = await cannotDecide(
      promotion,
      policy,
      decisions,
      credentials,
    ).catch(() => 'Your permissions could not be checked');
    return reason
      ? { ...view, canDecide: false, cannotDecideReason: reason }
      : { ...view, canDecide: true };
  }

  const subjectOf = (p: StoredPromotion): AuditSubject => ({ ...p });

  /** Ends a request nobody decided on in time (the clock acts, not a caller): expired, slot freed. */
  async function expire(promotion: StoredPromotion) {
    const error = `no decision before ${promotion.approvalExpiresAt}`;
    const ended = await deps.store.endWaiting(
      promotion.id,
      {
        state: 'expired',
        error,
        summary: promotionSummary({
          ...promotion,
          riskLevel: promotion.risk.level,
          state: 'expired',
          error,
        }),
      },
      now(),
    );
    if (!ended) return;
    await audit.record('expired', subjectOf(ended), {
      actor: PLUGIN_ACTOR,
      meta: { requestedBy: ended.requestedBy },
    });
    await notifier.decided(ended, 'expired', error);
  }

  /**
   * An emergency override covers the closed period it was asked in: once the window has opened
   * since, a promotion still waiting at the next closing waits for the window like any other.
   */
  function overrideHolds(promotion: StoredPromotion, at: Date): boolean {
    if (!promotion.windowOverrideReason) return false;
    const window = stageSettings(deps.settings, promotion.to).window;
    const asked = window?.state(new Date(promotion.createdAt));
    return Boolean(
      asked && !asked.open && (!asked.changesAt || at < asked.changesAt),
    );
  }

  const failClaimed = (promotion: StoredPromotion, error: string) =>
    failPromotion(deps, run, promotion, error);

  /**
   * Runs a promotion whose approvals are in: queued while its stage is closed (unless its window was
   * overridden), else claimed by this replica and started, after its gates pass again now.
   */
  async function proceed(promotion: StoredPromotion): Promise<void> {
    const stage = stageSettings(deps.settings, promotion.to);
    const at = now();
    const window = stage.window?.state(at);
    if (window && !window.open && !overrideHolds(promotion, at)) {
      const runAfter = window.changesAt?.toISOString();
      if (promotion.state === 'queued' && promotion.runAfter === runAfter) {
        return;
      }
      if (await deps.store.queue(promotion.id, window.changesAt)) {
        await audit.record('queued', subjectOf(promotion), {
          actor: promotion.requestedBy,
          meta: { runAfter: runAfter ?? null },
        });
      }
      return;
    }
    // A stopping replica leaves it waiting for another replica's sweep.
    if (run.stopping()) return;
    if (!(await deps.store.claimWaiting(promotion.id, lease, now()))) return;
    const claimed = (await deps.store.get(promotion.id))!;
    try {
      const credentials = await deps.auth.getOwnServiceCredentials();
      const entity = await deps.entities.resolveAsService(
        parseEntityRef(claimed.entityRef),
      );
      const { preview, source, target, selector } = await buildPreview(
        deps,
        entity,
        claimed.from,
        claimed.to,
        credentials,
      );
      let problem: string | undefined;
      if (source.exactImage !== claimed.imageAfter) {
        problem = `${claimed.from} now runs ${source.exactImage}, not the approved ${claimed.imageAfter}; request it again`;
      } else if (!target || target.image !== claimed.imageBefore) {
        problem = `${claimed.to} changed since the request (now ${
          target?.image ?? 'nothing'
        }); request it again`;
      } else if (!gatesPassed(preview.gates) && !claimed.overrideReason) {
        problem = `gates no longer pass: ${preview.gates
          .filter(g => g.result !== 'pass' && g.result !== 'warn')
          .map(g => `${g.id}: ${g.result} (${g.detail})`)
          .join('; ')}`;
      }
      if (problem) {
        await failClaimed(claimed, problem);
        return;
      }
      await deps.store.update(claimed.id, { gates: preview.gates }, lease);
      run.start({
        promotion: { ...claimed, gates: preview.gates },
        entity,
        selector,
        credentials,
      });
    } catch (error) {
      if (error instanceof LeaseLostError) return;
      await failClaimed(
        claimed,
        `it could not be started: ${(error as Error).message}`,
      ).catch(e =>
        deps.logger.error(
          `could not mark promotion ${claimed.id} failed: ${e}`,
        ),
      );
    }
  }

  return {
    admit,
    approvalView,

    /**
     * A rollback is recovery: it never waits behind a promotion that waits for approval or for the
     * window. Such a promotion of the stage (or of its Deployment) ends as failed, with the reason.
     */
    async supersedeWaiting(
      entityRef: string,
      stage: string,
      workload: string | undefined,
      actor: string,
    ) {
      const holders = [
        await deps.store.findInFlight(entityRef, stage),
        workload && (await deps.store.findInFlightOnWorkload(workload)),
      ];
      for (const holder of holders) {
        if (!holder || !WAITING_STATES.includes(holder.state)) continue;
        const error = `superseded by a rollback of ${stage} by ${actor} while it waited`;
        const ended = await deps.store.endWaiting(holder.id, {
          state: 'failed',
          error,
          summary: promotionSummary({
            ...holder,
            riskLevel: holder.risk.level,
            state: 'failed',
            error,
          }),
        });
        if (!ended) continue;
        await audit.record('failed', subjectOf(ended), { actor, error });
        await notifier.finished(ended);
      }
    },

    /** Told once the new promotion is stored: its approvers hear of it. */
    async requested(promotion: StoredPromotion) {
      const policy = stageSettings(deps.settings, promotion.to).approval;
      if (promotion.state === 'awaiting-approval' && policy) {
        await notifier.approvalRequested(promotion, policy.approvers);
      }
    },

    /** An approver approves or rejects. */
    async decide(
      input: { id: string; decision: 'approve' | 'reject'; comment?: string },
      options: { credentials: BackstageCredentials; request?: Request },
    ): Promise<StoredPromotion> {
      const { credentials, request } = options;
      const promotion = await deps.store.get(input.id);
      if (!promotion) throw new NotFoundError(`No promotion ${input.id}`);
      // Only someone who may read the entity learns that the promotion exists.
      await deps.entities.resolve(parseEntityRef(promotion.entityRef), {
        credentials,
      });
      const actor = actorOf(credentials);
      const subject = subjectOf(promotion);
      const refuse = async (error: Error): Promise<never> => {
        await audit.record('denied', subject, { actor, request, error });
        throw error;
      };
      if (promotion.state !== 'awaiting-approval') {
        throw new ConflictError(
          `Promotion ${promotion.id} is ${promotion.state}, not awaiting approval`,
        );
      }
      if (Date.parse(promotion.approvalExpiresAt!) <= now().getTime()) {
        await expire(promotion);
        throw new ConflictError(
          `Promotion ${promotion.id} expired at ${promotion.approvalExpiresAt}`,
        );
      }
      const policy = stageSettings(deps.settings, promotion.to).approval;
      const reason = await cannotDecide(
        promotion,
        policy,
        await deps.store.decisions(promotion.id),
        credentials,
      );
      if (reason) return refuse(new NotAllowedError(reason));
      const comment = input.comment?.trim();
      const rejectedBecause = `rejected by ${actor}${
        comment ? `: ${comment}` : ''
      }`;
      // A rejection ends the promotion in the same transaction that records it.
      const after = await deps.store.recordDecision(
        promotion.id,
        { actor, decision: input.decision, comment },
        input.decision === 'reject'
          ? {
              error: rejectedBecause,
              summary: promotionSummary({
                ...promotion,
                riskLevel: promotion.risk.level,
                state: 'rejected',
                error: rejectedBecause,
              }),
            }
          : undefined,
        now(),
      );
      await audit.record(
        input.decision === 'approve' ? 'approved' : 'rejected',
        subject,
        { actor, request, meta: { comment: comment ?? null } },
      );
      if (input.decision === 'reject') {
        await notifier.decided(after, 'rejected', rejectedBecause);
      } else {
        const approvals = (await deps.store.decisions(promotion.id)).filter(
          d => d.decision === 'approve',
        ).length;
        if (approvals >= promotion.approvalsRequired!) {
          await notifier.decided(
            promotion,
            'approved',
            `approved by ${actor}; it runs ${
              stageSettings(deps.settings, promotion.to).window?.state(now())
                .open === false && !overrideHolds(promotion, now())
                ? `when ${promotion.to} opens`
                : 'now'
            }`,
          );
          await proceed(promotion);
        }
      }
      return (await deps.store.get(promotion.id))!;
    },

    /**
     * Expires requests past their validity, and starts promotions whose approvals are all in or
     * whose window opened (also those a replica left between the last approval and the start).
     */
    async sweep(): Promise<void> {
      const at = now().getTime();
      for (const promotion of await deps.store.listWaiting()) {
        try {
          if (promotion.state === 'awaiting-approval') {
            if (Date.parse(promotion.approvalExpiresAt!) <= at) {
              await expire(promotion);
              continue;
            }
            const approvals = (await deps.store.decisions(promotion.id)).filter(
              d => d.decision === 'approve',
            ).length;
            if (approvals < promotion.approvalsRequired!) continue;
          }
          await proceed(promotion);
        } catch (error) {
          deps.logger.error(
            `waiting promotion ${promotion.id} not handled: ${error}`,
          );
        }
      }
    },

    /** Each stage's approval policy and window state, in promotion order. */
    stages(): StageGovernance[] {
      const at = now();
      return deps.environments.stages.map(({ name }) => {
        const { approval, window } = stageSettings(deps.settings, name);
        const state = window?.state(at);
        return {
          stage: name,
          ...(approval ? { approval } : {}),
          ...(window && state
            ? {
                window: {
                  open: state.open,
                  ...(state.changesAt
                    ? { changesAt: state.changesAt.toISOString() }
                    : {}),
                  timeZone: window.settings.timeZone,
                  outside: window.settings.outside,
                },
              }
            : {}),
        };
      });
    },
  };
}

export type Governance = ReturnType<typeof createGovernance>;

/** What the API shows of a promotion: the stored fields it may see, and its approvals. */
export async function promotionView(
  governance: Governance,
  p: StoredPromotion,
  credentials?: BackstageCredentials,
): Promise<Promotion> {
  const {
    kind: _kind,
    idempotencyKey: _key,
    rolloutCompletedAt: _done,
    ownerId: _owner,
    leaseExpiresAt: _lease,
    approvalsRequired: _required,
    approvalExpiresAt: _expires,
    ...rest
  } = p;
  const approval = await governance.approvalView(p, credentials);
  return approval ? { ...rest, approval } : rest;
}
