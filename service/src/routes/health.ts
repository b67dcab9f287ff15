import { Router } from 'express';
import type { Metrics } from '../metrics.js';
import type { Readiness } from '../readiness.js';

export function healthRouter(deps: { readiness: Readiness; metrics: Metrics }): Router {
  const router = Router();

  // Liveness says only that the event loop answers; it stays 200 during shutdown so the pod is not restarted.
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/health/ready', async (_req, res) => {
    const report = await deps.readiness.check();
    res.status(report.ready ? 200 : 503).json({
      status: report.ready ? 'ok' : 'unavailable',
      ...(report.reasons.length ? { reasons: report.reasons } : {}),
      checks: report.checks,
    });
  });

  router.get('/metrics', async (_req, res) => {
    const body = await deps.metrics.registry.metrics();
    res.type(deps.metrics.registry.contentType).send(body);
  });

  return router;
}
