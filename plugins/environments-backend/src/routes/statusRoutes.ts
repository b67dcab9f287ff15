import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import { EnvironmentStatusService } from '../services/status';
import { parseEntityParams, parseQuery, stageNameSchema } from './entityParams';

const statusQuery = z.object({ stage: stageNameSchema.optional() }).strict();

/** GET /entities/:kind/:namespace/:name/status */
export function createStatusRoutes(options: {
  httpAuth: HttpAuthService;
  status: EnvironmentStatusService;
}) {
  const router = Router();
  router.get('/entities/:kind/:namespace/:name/status', async (req, res) => {
    const entity = parseEntityParams(req.params);
    const query = parseQuery(statusQuery, req.query);
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(
      await options.status.getStatus(
        { entity, stages: query.stage ? [query.stage] : undefined },
        { credentials },
      ),
    );
  });
  return router;
}
