import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { gracefulShutdown } from '../../src/server.js';
import { buildTestApp } from '../helpers.js';

function fetchVia(agent: Agent, port: number, path: string): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    }).on('error', reject);
  });
}

describe('graceful shutdown', () => {
  it('flips readiness at once, keeps serving for the delay, drains in-flight requests, then exits 0', async () => {
    const { app, readiness, logger } = buildTestApp();
    const server = createServer(app);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });

    let exitCode: number | undefined;
    let exitedAt = 0;
    const exited = new Promise<void>((resolve) => {
      const shutdown = gracefulShutdown({
        server,
        readiness,
        logger,
        delayMs: 300,
        timeoutMs: 5000,
        exit: (code) => {
          exitCode = code;
          exitedAt = performance.now();
          resolve();
        },
      });
      (server as unknown as { shutdown: typeof shutdown }).shutdown = shutdown;
    });
    const shutdown = (server as unknown as { shutdown: (s: string) => Promise<void> }).shutdown;

    // A keep-alive connection is open and idle before the signal.
    assert.equal((await fetchVia(agent, port, '/health/ready')).status, 200);
    // A slow request is in flight when the signal arrives.
    const inFlight = fetchVia(agent, port, '/api/work?ms=600');
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    void shutdown('SIGTERM');
    void shutdown('SIGTERM'); // a second signal changes nothing

    const ready = await fetchVia(agent, port, '/health/ready');
    assert.equal(ready.status, 503, 'readiness is false at once');
    assert.equal(ready.headers.connection, 'close', 'keep-alive clients are told to go');
    const during = await fetchVia(agent, port, '/api/info');
    assert.equal(during.status, 200, 'still serving during the delay');

    await exited;
    const inFlightRes = await inFlight;
    assert.equal(inFlightRes.status, 200, 'the in-flight request completed');
    assert.equal(exitCode, 0);
    const took = exitedAt - t0;
    assert.ok(took >= 290, `waited the delay before closing (${took} ms)`);
    assert.ok(took < 2500, `exited soon after the last request (${took} ms)`);
    assert.equal(server.listening, false);
    agent.destroy();
  });

  it('exits 1 at the hard timeout when a connection never finishes', async () => {
    const { app, readiness, logger } = buildTestApp();
    const server = createServer(app);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const stuck = fetchVia(new Agent(), port, '/api/work?ms=2000').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    const code = await new Promise<number>((resolve) => {
      void gracefulShutdown({ server, readiness, logger, delayMs: 50, timeoutMs: 400, exit: resolve })('SIGTERM');
    });
    const took = performance.now() - t0;
    assert.equal(code, 1);
    assert.ok(took >= 390 && took < 2000, `hard stop at the timeout (${took} ms)`);
    server.closeAllConnections();
    await stuck;
  });
});
