import { LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';

export async function createRouter(options: {
  logger: LoggerService;
}): Promise<express.Router> {
  const { logger } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  logger.debug('environments router ready');
  return router;
}
