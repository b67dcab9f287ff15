import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { StoredPromotion } from '../../database/PromotionStore';

/** Who hears about a promotion, and when. */
export type PromotionNotifier = {
  /** To the stage's approvers (users or groups). */
  approvalRequested(
    promotion: StoredPromotion,
    approvers: string[],
  ): Promise<void>;
  /** To the requester: an approver approved, rejected, or the request expired. */
  decided(
    promotion: StoredPromotion,
    outcome: 'approved' | 'rejected' | 'expired',
    detail: string,
  ): Promise<void>;
  /** To the requester on every end; to the entity's owners too when it rolled back. */
  finished(promotion: StoredPromotion): Promise<void>;
};

/** The entity's Environments tab, where every notification links. */
export function environmentsTabLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(name)}/environments`;
}

const isUser = (ref: string) => ref.startsWith('user:');

/**
 * Sends through Backstage's notifications service. A notification that cannot be sent is logged,
 * never allowed to fail the promotion it is about.
 */
export function createPromotionNotifier(options: {
  notifications?: NotificationService;
  logger: LoggerService;
}): PromotionNotifier {
  const { notifications, logger } = options;

  async function send(
    entityRef: string[],
    promotion: StoredPromotion,
    payload: Omit<NotificationPayload, 'link' | 'topic'>,
  ) {
    if (!notifications || entityRef.length === 0) return;
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef },
        payload: {
          ...payload,
          link: environmentsTabLink(promotion.entityRef),
          topic: `promotion:${promotion.id}`,
        },
      });
    } catch (error) {
      logger.warn(
        `notification about promotion ${promotion.id} not sent: ${error}`,
      );
    }
  }

  const what = (p: StoredPromotion) =>
    `${parseEntityRef(p.entityRef).name} ${p.from} → ${p.to}`;
  const requester = (p: StoredPromotion) =>
    isUser(p.requestedBy) ? [p.requestedBy] : [];

  return {
    async approvalRequested(promotion, approvers) {
      await send(approvers, promotion, {
        title: `Approval requested: ${what(promotion)}`,
        description: `${promotion.requestedBy} asks to promote ${promotion.imageAfter} into ${promotion.to}. ${promotion.summary}`,
        severity: 'high',
      });
    },
    async decided(promotion, outcome, detail) {
      await send(requester(promotion), promotion, {
        title: `Promotion ${outcome}: ${what(promotion)}`,
        description: detail,
        severity: outcome === 'approved' ? 'normal' : 'high',
      });
    },
    async finished(promotion) {
      const rolledBack = promotion.state === 'rolled-back';
      const recipients = rolledBack
        ? [...requester(promotion), promotion.entityRef]
        : requester(promotion);
      await send(recipients, promotion, {
        title: `${promotion.kind === 'rollback' ? 'Rollback' : 'Promotion'} ${
          promotion.state
        }: ${what(promotion)}`,
        description: promotion.summary,
        severity: promotion.state === 'succeeded' ? 'normal' : 'high',
      });
    },
  };
}
