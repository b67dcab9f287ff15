import { HttpAuthService } from '@backstage/backend-plugin-api';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { PromotionInFlightError } from '../database/PromotionStore';
import { PromotionService } from '../services/promotion';
import { parseEntityParams, parseQuery, stageNameSchema } from './entityParams';

const previewBody = z
  .object({ from: stageNameSchema, to: stageNameSchema })
  .strict();

const idempotencyKey = z
  .string()
  .regex(
    /^[A-Za-z0-9._:-]{8,128}$/,
    'must be 8-128 characters of A-Z a-z 0-9 . _ : -',
  );

export const createPromotionBody = z
  .object({
    from: stageNameSchema,
    to: stageNameSchema,
    overrideReason: z.string().trim().min(1).max(2000).optional(),
    idempotencyKey: idempotencyKey.optional(),
  })
  .strict();

const rollbackBody = z
  .object({
    stage: stageNameSchema,
    reason: z.string().trim().min(1).max(2000).optional(),
  })
  .strict();

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

const idParam = z.object({ id: z.string().uuid('invalid promotion id') });

/**
 * Promotion routes under /api/environments (see the contract in environments-common/src/types.ts).
 * Bodies are parsed with zod (InputError → 400); the service checks permissions (NotAllowedError → 403).
 */
export function createPromotionRoutes(options: {
  httpAuth: HttpAuthService;
  promotions: PromotionService;
}) {
  const { httpAuth, promotions } = options;
  const router = Router();
  // Parsed here too so the routes stand alone; body-parser skips a body that is already parsed.
  router.use(express.json({ limit: '64kb' }));
  const credentialsOf = (req: Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.post(
    '/entities/:kind/:namespace/:name/promotions/preview',
    async (req, res) => {
      const entity = parseEntityParams(req.params);
      const body = parseQuery(previewBody, req.body ?? {});
      const credentials = await credentialsOf(req);
      res.json(await promotions.preview({ entity, ...body }, { credentials }));
    },
  );

  router.post(
    '/entities/:kind/:namespace/:name/promotions',
    async (req, res) => {
      const entity = parseEntityParams(req.params);
      const body = parseQuery(createPromotionBody, {
        ...(req.body ?? {}),
        // The standard header works too, so a retried click or tool call can carry it.
        ...(req.header('Idempotency-Key')
          ? { idempotencyKey: req.header('Idempotency-Key') }
          : {}),
      });
      const credentials = await credentialsOf(req);
      try {
        const { promotion, created } = await promotions.create(
          { entity, ...body },
          { credentials, request: req },
        );
        res.status(created ? 201 : 200).json(promotion);
      } catch (error) {
        if (error instanceof PromotionInFlightError) {
          // 409 carries the running promotion's id so the client can follow it instead.
          res.status(409).json({
            error: { name: 'ConflictError', message: error.message },
            runningPromotionId: error.runningId,
          });
          return;
        }
        throw error;
      }
    },
  );

  router.get(
    '/entities/:kind/:namespace/:name/promotions',
    async (req, res) => {
      const entity = parseEntityParams(req.params);
      const query = parseQuery(listQuery, req.query);
      const credentials = await credentialsOf(req);
      res.json(await promotions.list({ entity, ...query }, { credentials }));
    },
  );

  router.get('/promotions/:id', async (req, res) => {
    const { id } = parseQuery(idParam, req.params);
    const credentials = await credentialsOf(req);
    res.json(await promotions.get(id, { credentials }));
  });

  router.post(
    '/entities/:kind/:namespace/:name/rollbacks',
    async (req, res) => {
      const entity = parseEntityParams(req.params);
      const body = parseQuery(rollbackBody, req.body ?? {});
      const credentials = await credentialsOf(req);
      try {
        res
          .status(201)
          .json(
            await promotions.rollback(
              { entity, ...body },
              { credentials, request: req },
            ),
          );
      } catch (error) {
        if (error instanceof PromotionInFlightError) {
          res.status(409).json({
            error: { name: 'ConflictError', message: error.message },
            runningPromotionId: error.runningId,
          });
          return;
        }
        throw error;
      }
    },
  );

  return router;
}
