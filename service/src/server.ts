import type { Server } from 'node:http';
import type { Logger } from './logger.js';
import type { Readiness } from './readiness.js';

export interface ShutdownOptions {
  server: Server;
  readiness: Readiness;
  logger: Logger;
  /** Readiness is false this long before the server stops accepting (endpoints drain meanwhile). */
  delayMs: number;
  /** Hard cap from the signal to exit. */
  timeoutMs: number;
  exit: (code: number) => void;
}

/**
 * Graceful shutdown in the order Kubernetes needs: readiness false at once; keep serving for delayMs
 * while the endpoint is removed; stop accepting; let in-flight requests finish while idle keep-alive
 * sockets are closed; exit. If anything hangs, exit(1) at timeoutMs.
 * Returns the function to call on a signal (idempotent).
 */
export function gracefulShutdown(opts: ShutdownOptions): (signal: string) => Promise<void> {
  const { server, readiness, logger, delayMs, timeoutMs, exit } = opts;
  let started: Promise<void> | undefined;

  const run = async (signal: string) => {
    const t0 = Date.now();
    readiness.markShuttingDown();
    logger.info({ signal, delayMs, timeoutMs }, 'shutdown started: readiness is now false');
    const hardStop = setTimeout(() => {
      logger.error({ elapsedMs: Date.now() - t0 }, 'shutdown timed out; exiting with open connections');
      logger.flush();
      exit(1);
    }, timeoutMs);
    hardStop.unref();

    await new Promise((r) => setTimeout(r, delayMs));
    logger.info('no longer accepting connections; draining in-flight requests');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive sockets that go idle after their last response are closed as they appear.
    server.closeIdleConnections();
    const sweeper = setInterval(() => server.closeIdleConnections(), 100);
    await closed;
    clearInterval(sweeper);
    clearTimeout(hardStop);
    logger.info({ elapsedMs: Date.now() - t0 }, 'shutdown complete');
    logger.flush();
    exit(0);
  };

  return (signal: string) => (started ??= run(signal));
}
