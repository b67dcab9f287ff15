import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import { MetricsService, RANGES } from '../services/metrics';
import { parseEntityParams, parseQuery, stageNameSchema } from './entityParams';

const rangeNames = Object.keys(RANGES) as [string, ...string[]];

const metricsQuery = z
  .object({
    // Only named ranges: an open-ended range or step would let one request ask Prometheus for anything.
    range: z.enum(rangeNames).default('1h'),
    stage: stageNameSchema.optional(),
  })
  .strict();

/** GET /entities/:kind/:namespace/:name/metrics?range=1h[&stage=] */
export function createMetricsRoutes(options: {
  httpAuth: HttpAuthService;
  metrics: MetricsService;
}) {
  const router = Router();
  router.get('/entities/:kind/:namespace/:name/metrics', async (req, res) => {
    const entity = parseEntityParams(req.params);
    const query = parseQuery(metricsQuery, req.query);
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(
      await options.metrics.getMetrics(
        {
          entity,
          range: query.range,
          stages: query.stage ? [query.stage] : undefined,
        },
        { credentials },
      ),
    );
  });
  return router;
}
