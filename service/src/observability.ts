import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from './logger.js';
import { UNMATCHED_ROUTE, type Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

// An incoming id is kept only if it is short and plain, so it cannot inject into logs or headers.
const ACCEPTABLE_REQUEST_ID = /^[\w.:@-]{1,128}$/;

/**
 * Route templates left out of the HTTP metrics and logged at debug only: probes and scrapes run every
 * few seconds and would otherwise dilute request rate, error rate and latency.
 */
export const UNOBSERVED_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

declare module 'express-serve-static-core' {
  interface Locals {
    requestId?: string;
    /** Set by the error handler so the request's log line carries it. */
    error?: unknown;
  }
}

/** The route template that matched, never the raw path. Routers must be mounted at static paths. */
export function routeTemplate(req: Request): string {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : UNMATCHED_ROUTE;
}

/**
 * Request id in/out, one JSON log line per request, the HTTP metrics, and, while draining,
 * `Connection: close` so keep-alive clients reconnect elsewhere (one middleware: each layer costs).
 */
export function requestObservability(deps: { logger: Logger; metrics: Metrics; readiness: Readiness }): RequestHandler {
  const { logger, metrics, readiness } = deps;
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const requestId =
      typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    if (readiness.shuttingDown) res.setHeader('Connection', 'close');

    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(req);
      // 499: the client went away before the response was complete (nginx's convention).
      const status = res.writableFinished ? res.statusCode : 499;
      const unobserved = UNOBSERVED_ROUTES.has(route);
      if (!unobserved) metrics.observe(req.method, route, status, seconds);

      const level = status >= 500 && status !== 503 ? 'error' : unobserved ? 'debug' : status >= 400 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const q = req.originalUrl.indexOf('?');
      logger[level](
        {
          reqId: requestId,
          method: req.method,
          route,
          path: q === -1 ? req.originalUrl : req.originalUrl.slice(0, q),
          status,
          durationMs: Math.round(seconds * 1e6) / 1e3,
          ...(res.locals.error ? { err: res.locals.error } : {}),
        },
        'request completed',
      );
    });
    next();
  };
}
