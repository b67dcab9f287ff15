import type { JsonObject } from '@backstage/types';
import { Lease, StoredPromotion } from '../../database/PromotionStore';
import { PromotionAudit } from './audit';
import type { PromotionNotifier } from './notifications';
import { promotionSummary } from './summary';
import { PromotionServiceDeps } from './types';

/**
 * Ends a promotion this replica owns as failed, for a reason found before (or instead of) running
 * it: stored with its release-note summary, audited for whoever asked, and the requester told.
 */
export async function failPromotion(
  deps: Pick<PromotionServiceDeps, 'store'>,
  run: { lease: Lease; audit: PromotionAudit; notifier: PromotionNotifier },
  promotion: StoredPromotion,
  error: string,
  meta?: JsonObject,
): Promise<StoredPromotion> {
  const failed = await deps.store.finish(
    promotion.id,
    {
      state: 'failed',
      error,
      summary: promotionSummary({
        ...promotion,
        riskLevel: promotion.risk.level,
        state: 'failed',
        durationMs: Date.now() - Date.parse(promotion.createdAt),
        error,
      }),
    },
    run.lease,
  );
  await run.audit.record(
    'failed',
    { ...failed },
    {
      actor: promotion.requestedBy,
      error,
      meta,
    },
  );
  await run.notifier.finished(failed);
  return failed;
}
