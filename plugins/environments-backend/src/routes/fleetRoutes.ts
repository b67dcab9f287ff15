import { HttpAuthService } from '@backstage/backend-plugin-api';
import type { FleetService } from '../services/fleet';
import type { ApiRouter } from './apiRouter';
import { sendJson } from './sendJson';

/** GET /fleet: one row per component the caller can read, one cell per stage. */
export function addFleetRoutes(
  router: ApiRouter,
  options: { httpAuth: HttpAuthService; fleet: FleetService },
) {
  router.get('/fleet', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    sendJson(res, await options.fleet.getFleet({ credentials }));
  });
}
