import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { createChecklistRoutes } from './routes/checklistRoutes';
import { createMetricsRoutes } from './routes/metricsRoutes';
import { createStatusRoutes } from './routes/statusRoutes';
import { ChecklistService } from './services/checklist';
import { MetricsService } from './services/metrics';
import { EnvironmentStatusService } from './services/status';
import { createPromotionRoutes } from './routes/promotions';
import type { PromotionService } from './services/promotion';

export async function createRouter(options: {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  status: EnvironmentStatusService;
  checklist: ChecklistService;
  metrics: MetricsService;
  /** Promotion, rollback and history routes. */
  promotions?: PromotionService;
}): Promise<express.Router> {
  const { logger } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Reads: status, checklist, metrics (catalog read permission applies through the entity lookup).
  router.use(createStatusRoutes(options));
  router.use(createChecklistRoutes(options));
  router.use(createMetricsRoutes(options));

  if (options.promotions) {
    router.use(
      createPromotionRoutes({
        httpAuth: options.httpAuth,
        promotions: options.promotions,
      }),
    );
  }

  logger.debug('environments router ready');
  return router;
}
