import { HttpAuthService } from '@backstage/backend-plugin-api';
import type { DriftService } from '../services/drift';
import type { ApiRouter } from './apiRouter';

/** GET /entities/:kind/:namespace/:name/drift */
export function addDriftRoutes(
  router: ApiRouter,
  options: { httpAuth: HttpAuthService; drift: DriftService },
) {
  router.get('/entities/:kind/:namespace/:name/drift', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await options.drift.getDrift(req.params, { credentials }));
  });
}
