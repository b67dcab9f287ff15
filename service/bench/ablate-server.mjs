// One server per variant, built from dist/ pieces, so bench/ablate.mjs can price each middleware.
import express from 'express';
import helmet from 'helmet';
import pino from 'pino';
import { createLogger } from '../dist/logger.js';
import { createMetrics } from '../dist/metrics.js';
import { requestObservability } from '../dist/observability.js';
import { createReadiness } from '../dist/readiness.js';
import { apiRouter } from '../dist/routes/api.js';

const variant = process.env.VARIANT;
const app = express();
const metrics = createMetrics({ appVersion: 'bench' });
const level = variant === 'obs-silent' ? 'silent' : 'info';
const logger =
  variant === 'obs-sync'
    ? pino({ level }, pino.destination({ dest: 1, sync: true }))
    : createLogger(level);
if (variant !== 'router') app.use(requestObservability({ logger, metrics, readiness: createReadiness([]) }));
if (variant === 'obs+helmet') app.use(helmet());
if (variant === 'obs+helmet-lean')
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    }),
  );
app.use(apiRouter({ appVersion: 'bench', startedAt: new Date() }));
const server = app.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
