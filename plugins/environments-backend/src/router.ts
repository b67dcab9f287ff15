import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import { createApiRouter } from './routes/apiRouter';
import { addChecklistRoutes } from './routes/checklistRoutes';
import { addFleetRoutes } from './routes/fleetRoutes';
import { addDoraRoutes } from './routes/doraRoutes';
import { addDriftRoutes } from './routes/driftRoutes';
import { addMetricsRoutes } from './routes/metricsRoutes';
import { addPromotionRoutes } from './routes/promotions';
import { addStatusRoutes } from './routes/statusRoutes';
import { ChecklistService } from './services/checklist';
import type { FleetService } from './services/fleet';
import type { DoraService } from './services/dora';
import type { DriftService } from './services/drift';
import { MetricsService } from './services/metrics';
import type { PromotionService } from './services/promotion';
import { EnvironmentStatusService } from './services/status';

/** The plugin's REST API: the routes of src/schema/openapi.yaml on the router generated from it. */
export async function createRouter(options: {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  status: EnvironmentStatusService;
  checklist: ChecklistService;
  metrics: MetricsService;
  /** Promotion, rollback and history routes. */
  promotions?: PromotionService;
  /** The fleet page's data. */
  fleet?: FleetService;
  /** Delivery metrics from the promotion history. */
  dora?: DoraService;
  /** What runs against what was promoted. */
  drift?: DriftService;
}): Promise<express.Router> {
  const router = await createApiRouter();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Reads: status, checklist, metrics (catalog read permission applies through the entity lookup).
  addStatusRoutes(router, options);
  addChecklistRoutes(router, options);
  addMetricsRoutes(router, options);
  if (options.fleet) {
    addFleetRoutes(router, {
      httpAuth: options.httpAuth,
      fleet: options.fleet,
    });
  }
  if (options.drift) {
    addDriftRoutes(router, {
      httpAuth: options.httpAuth,
      drift: options.drift,
    });
  }
  if (options.dora) {
    addDoraRoutes(router, { httpAuth: options.httpAuth, dora: options.dora });
  }
  if (options.promotions) {
    addPromotionRoutes(router, {
      httpAuth: options.httpAuth,
      promotions: options.promotions,
    });
  }

  options.logger.debug('environments router ready');
  return router;
}
