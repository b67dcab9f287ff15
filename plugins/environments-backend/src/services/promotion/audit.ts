import {
  AuditorService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import type { Request } from 'express';

/**
 * The state changes of a promotion or rollback, each audited as one event:
 * `requested` (accepted or refused), `denied` (by permission), `started` (the change is applied),
 * `rolled-out`, `soak-passed`, `soak-failed`, `rolled-back`, `recovered` (taken up again after a
 * restart), `failed` and `succeeded`; and before it runs: `approved` and `rejected` (by an approver),
 * `expired` (no decision in time) and `queued` (waiting for the stage's window to open). A recorded
 * deploy (kind `deploy`) is `recorded`, or `denied` or `requested` with the error when refused.
 */
export type PromotionStep =
  | 'requested'
  | 'denied'
  | 'started'
  | 'rolled-out'
  | 'soak-passed'
  | 'soak-failed'
  | 'rolled-back'
  | 'recovered'
  | 'failed'
  | 'succeeded'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'queued'
  | 'recorded';

/** Steps that record something going wrong; they are audited as failures. */
const FAILURE_STEPS = new Set<PromotionStep>([
  'denied',
  'soak-failed',
  'rolled-back',
  'failed',
]);

/** Who acted, as a string: a user's entity ref, or `service:<subject>` for tools and agents. */
export function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  if (principal.type === 'service' && principal.subject) {
    return `service:${principal.subject}`;
  }
  return 'unknown';
}

export type AuditSubject = {
  id?: string;
  kind: 'promotion' | 'rollback' | 'deploy';
  entityRef: string;
  from: string;
  to: string;
};

export type PromotionAudit = {
  record(
    step: PromotionStep,
    subject: AuditSubject,
    options: {
      /** The user or service principal the change is done for. */
      actor: string;
      /** The HTTP request that caused it, when there is one. */
      request?: Request;
      error?: Error | string;
      meta?: JsonObject;
    },
  ): Promise<void>;
};

/**
 * Writes promotion audit events (`promotion-<step>`, `rollback-<step>` or `deploy-<step>`), high severity when the
 * stage is production. Every event names the actor in `meta.actor`: background steps run as the
 * plugin, but are done for the user or tool that asked.
 */
export function createPromotionAudit(
  auditor: AuditorService,
  isProduction: (stage: string) => boolean,
): PromotionAudit {
  return {
    async record(step, subject, { actor, request, error, meta }) {
      const event = await auditor.createEvent({
        eventId: `${subject.kind}-${step}`,
        severityLevel: isProduction(subject.to) ? 'high' : 'medium',
        request,
        meta: {
          actor,
          ...(subject.id ? { promotionId: subject.id } : {}),
          entityRef: subject.entityRef,
          from: subject.from,
          to: subject.to,
          ...meta,
        },
      });
      if (FAILURE_STEPS.has(step) || error) {
        await event.fail({
          error: error instanceof Error ? error : new Error(error ?? `${step}`),
        });
      } else {
        await event.success();
      }
    },
  };
}

/**
 * Audits a refused request: `denied` when the permission policy said no, `requested` (failed)
 * for any other reason. Rethrows.
 */
export async function auditRefusal(
  audit: PromotionAudit,
  subject: AuditSubject,
  actor: string,
  request: Request | undefined,
  error: unknown,
): Promise<never> {
  await audit.record(
    error instanceof NotAllowedError ? 'denied' : 'requested',
    subject,
    { actor, request, error: error as Error },
  );
  throw error;
}
