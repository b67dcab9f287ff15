import express, { type ErrorRequestHandler, type Express } from 'express';
import helmet from 'helmet';
import { HttpError } from './errors.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { requestObservability } from './observability.js';
import type { Readiness } from './readiness.js';
import { apiRouter } from './routes/api.js';
import { healthRouter } from './routes/health.js';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  readiness: Readiness;
  appVersion: string;
  startedAt?: Date;
}

/** Builds the Express app; it never listens (see index.ts), so tests drive it with supertest. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', false);

  app.use(requestObservability(deps));
  // The headers a JSON API needs (OWASP REST cheat sheet): no framing, no content loading, no sniffing,
  // HTTPS only. Helmet's HTML-page extras (legacy IE, Flash, DNS prefetch) are left out: each header is
  // written on every response.
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      xFrameOptions: { action: 'deny' },
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    }),
  );

  // The API first: it takes nearly all requests, and Express tries routes in order.
  app.use(apiRouter({ appVersion: deps.appVersion, startedAt: deps.startedAt ?? new Date() }));
  app.use(healthRouter(deps));

  app.use((_req, _res, next) => {
    next(new HttpError(404, 'not_found', 'no such route'));
  });
  app.use(errorHandler);
  return app;
}

/** JSON errors, never a stack trace: client errors say what was wrong, server errors say only that. */
const errorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  let status = 500;
  let code = 'internal_error';
  let message = 'internal server error';
  if (err instanceof HttpError) {
    ({ status, code, message } = err);
  } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500 && err.expose) {
    // Errors from body-parser (too large, malformed JSON) carry a client status and a safe message.
    status = err.status;
    code = typeof err.type === 'string' ? err.type.replace(/\./g, '_') : 'bad_request';
    message = err.message;
  }
  if (status >= 500) res.locals.error = err;
  res.status(status).json({ error: { code, message, requestId: res.locals.requestId } });
};
