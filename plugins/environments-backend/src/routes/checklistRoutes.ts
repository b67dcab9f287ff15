import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ChecklistService } from '../services/checklist';
import type { ApiRouter } from './apiRouter';
import { sendJson } from './sendJson';

/** GET /entities/:kind/:namespace/:name/checklist[?stage=] */
export function addChecklistRoutes(
  router: ApiRouter,
  options: { httpAuth: HttpAuthService; checklist: ChecklistService },
) {
  router.get('/entities/:kind/:namespace/:name/checklist', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { stage } = req.query;
    sendJson(
      res,
      await options.checklist.getChecklist(
        { entity: req.params, stages: stage ? [stage] : undefined },
        { credentials },
      ),
    );
  });
}
