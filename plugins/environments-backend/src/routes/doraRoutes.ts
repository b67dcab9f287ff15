import { HttpAuthService } from '@backstage/backend-plugin-api';
import type { DoraService } from '../services/dora';
import type { ApiRouter } from './apiRouter';

/** GET /dora and GET /entities/:kind/:namespace/:name/dora, each with ?range=7d|30d|90d. */
export function addDoraRoutes(
  router: ApiRouter,
  options: { httpAuth: HttpAuthService; dora: DoraService },
) {
  router.get('/dora', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(
      await options.dora.forFleet(req.query.range ?? '30d', { credentials }),
    );
  });
  router.get('/entities/:kind/:namespace/:name/dora', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(
      await options.dora.forEntity(req.params, req.query.range ?? '30d', {
        credentials,
      }),
    );
  });
}
