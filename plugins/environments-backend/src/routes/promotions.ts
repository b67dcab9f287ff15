import { HttpAuthService } from '@backstage/backend-plugin-api';
import { PromotionInFlightError } from '../database/PromotionStore';
import { PromotionService } from '../services/promotion';
import type { ApiRouter } from './apiRouter';

/**
 * Promotion routes under /api/environments. The generated router has validated every request
 * against the spec (400 before anything runs); the service checks permissions (403).
 */
export function addPromotionRoutes(
  router: ApiRouter,
  options: { httpAuth: HttpAuthService; promotions: PromotionService },
) {
  const { httpAuth, promotions } = options;
  const credentialsOf = (req: Parameters<HttpAuthService['credentials']>[0]) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });
  // 409 carries the running promotion's id so the client can follow it instead.
  const conflict = (error: PromotionInFlightError) => ({
    error: { name: 'ConflictError', message: error.message },
    runningPromotionId: error.runningId,
  });

  router.post(
    '/entities/:kind/:namespace/:name/promotions/preview',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      res.json(
        await promotions.preview(
          { entity: req.params, ...req.body },
          { credentials },
        ),
      );
    },
  );

  router.post(
    '/entities/:kind/:namespace/:name/promotions',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      // The standard header works too, so a retried click or tool call can carry it.
      const idempotencyKey =
        req.header('Idempotency-Key') ?? req.body.idempotencyKey;
      try {
        const { promotion, created } = await promotions.create(
          {
            entity: req.params,
            ...req.body,
            overrideReason: req.body.overrideReason?.trim(),
            windowOverrideReason: req.body.windowOverrideReason?.trim(),
            idempotencyKey,
          },
          { credentials, request: req },
        );
        res.status(created ? 201 : 200).json(promotion);
      } catch (error) {
        if (!(error instanceof PromotionInFlightError)) throw error;
        res.status(409).json(conflict(error));
      }
    },
  );

  router.get(
    '/entities/:kind/:namespace/:name/promotions',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      res.json(
        await promotions.list(
          {
            entity: req.params,
            limit: req.query.limit ?? 20,
            offset: req.query.offset ?? 0,
          },
          { credentials },
        ),
      );
    },
  );

  // CI and templates record a deploy the portal did not make; 200 when nothing new was recorded.
  router.post('/entities/:kind/:namespace/:name/deploys', async (req, res) => {
    const credentials = await credentialsOf(req);
    const { record, created } = await promotions.recordDeploy(
      { entity: req.params, ...req.body },
      { credentials, request: req },
    );
    res.status(created ? 201 : 200).json(record);
  });

  router.get('/promotions/:id', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(await promotions.get(req.params.id, { credentials }));
  });

  router.post('/promotions/:id/approvals', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(
      await promotions.decide(
        {
          id: req.params.id,
          decision: req.body.decision,
          comment: req.body.comment?.trim(),
        },
        { credentials, request: req },
      ),
    );
  });

  router.get('/stages', async (req, res) => {
    await credentialsOf(req);
    res.json({ items: promotions.stages() });
  });

  router.post(
    '/entities/:kind/:namespace/:name/rollbacks',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      try {
        const { promotion, created } = await promotions.rollback(
          {
            entity: req.params,
            stage: req.body.stage,
            reason: req.body.reason?.trim(),
            idempotencyKey:
              req.header('Idempotency-Key') ?? req.body.idempotencyKey,
          },
          { credentials, request: req },
        );
        res.status(created ? 201 : 200).json(promotion);
      } catch (error) {
        if (!(error instanceof PromotionInFlightError)) throw error;
        res.status(409).json(conflict(error));
      }
    },
  );
}
