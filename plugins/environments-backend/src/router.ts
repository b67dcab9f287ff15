import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { createStatusRoutes } from './routes/statusRoutes';
import { EnvironmentStatusService } from './services/status';

export async function createRouter(options: {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  status: EnvironmentStatusService;
}): Promise<express.Router> {
  const { logger } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.use(createStatusRoutes(options));

  logger.debug('environments router ready');
  return router;
}
