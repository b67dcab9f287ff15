import { HttpAuthService } from '@backstage/backend-plugin-api';
import { MetricsService } from '../services/metrics';
import type { ApiRouter } from './apiRouter';

/**
 * GET /entities/:kind/:namespace/:name/metrics?range=1h[&stage=]. Only the spec's named ranges: an
 * open-ended range or step would let one request ask Prometheus for anything.
 */
export function addMetricsRoutes(
  router: ApiRouter,
  options: { httpAuth: HttpAuthService; metrics: MetricsService },
) {
  router.get('/entities/:kind/:namespace/:name/metrics', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { stage, range } = req.query;
    res.json(
      await options.metrics.getMetrics(
        {
          entity: req.params,
          range: range ?? '1h',
          stages: stage ? [stage] : undefined,
        },
        { credentials },
      ),
    );
  });
}
