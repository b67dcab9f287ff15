import { createServer } from 'node:http';
import { createApp } from './app.js';
import { ConfigError, loadConfig, redactUrl, type Config } from './config.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createHttpDependencyCheck, createReadiness } from './readiness.js';
import { gracefulShutdown } from './server.js';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

const config = readConfig();
const logger = createLogger(config.logLevel);
const metrics = createMetrics({ appVersion: config.appVersion });
const readiness = createReadiness(
  config.apiBaseUrl
    ? [
        createHttpDependencyCheck({
          name: 'api',
          url: config.apiBaseUrl,
          token: config.apiToken,
          timeoutMs: config.readinessTimeoutMs,
          cacheMs: config.readinessCacheMs,
        }),
      ]
    : [],
);
const app = createApp({ logger, metrics, readiness, appVersion: config.appVersion });

const server = createServer(app);
// Longer than a load balancer's idle timeout (AWS ALB: 60 s), so the proxy closes idle sockets first.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.requestTimeout = 30_000;

const shutdown = gracefulShutdown({
  server,
  readiness,
  logger,
  delayMs: config.shutdownDelayMs,
  timeoutMs: config.shutdownTimeoutMs,
  exit: (code) => process.exit(code),
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => void shutdown(signal));
}
process.on('unhandledRejection', (reason) => {
  logger.error({ err: reason }, 'unhandled promise rejection');
});

server.listen(config.port, config.host, () => {
  const address = server.address();
  logger.info(
    {
      port: typeof address === 'object' && address ? address.port : config.port,
      version: config.appVersion,
      logLevel: config.logLevel,
      apiBaseUrl: config.apiBaseUrl ? redactUrl(config.apiBaseUrl) : null,
      shutdownDelayMs: config.shutdownDelayMs,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
    },
    'listening',
  );
});
server.on('error', (err) => {
  process.stderr.write(`cannot listen on port ${config.port}: ${err.message}\n`);
  process.exit(1);
});
