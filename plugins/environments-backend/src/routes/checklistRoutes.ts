import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ChecklistService } from '../services/checklist';
import { parseEntityParams, parseQuery, stageNameSchema } from './entityParams';

const checklistQuery = z.object({ stage: stageNameSchema.optional() }).strict();

/** GET /entities/:kind/:namespace/:name/checklist[?stage=] */
export function createChecklistRoutes(options: {
  httpAuth: HttpAuthService;
  checklist: ChecklistService;
}) {
  const router = Router();
  router.get('/entities/:kind/:namespace/:name/checklist', async (req, res) => {
    const entity = parseEntityParams(req.params);
    const query = parseQuery(checklistQuery, req.query);
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(
      await options.checklist.getChecklist(
        { entity, stages: query.stage ? [query.stage] : undefined },
        { credentials },
      ),
    );
  });
  return router;
}
