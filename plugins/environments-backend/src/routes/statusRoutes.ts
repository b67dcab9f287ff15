import { HttpAuthService } from '@backstage/backend-plugin-api';
import { EnvironmentStatusService } from '../services/status';
import type { ApiRouter } from './apiRouter';
import { sendJson } from './sendJson';

/** GET /entities/:kind/:namespace/:name/status[?stage=] */
export function addStatusRoutes(
  router: ApiRouter,
  options: { httpAuth: HttpAuthService; status: EnvironmentStatusService },
) {
  router.get('/entities/:kind/:namespace/:name/status', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { stage } = req.query;
    sendJson(
      res,
      await options.status.getStatus(
        { entity: req.params, stages: stage ? [stage] : undefined },
        { credentials },
      ),
    );
  });
}
