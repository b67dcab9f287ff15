import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { describe, it } from 'node:test';
import { startService } from '../helpers.js';

interface Outcome {
  path: string;
  startedAt: number;
  endedAt: number;
  status?: number;
  error?: string;
}

function send(agent: Agent, port: number, path: string): Promise<Outcome> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent, timeout: 10000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ path, startedAt, endedAt: performance.now(), status: res.statusCode }));
      res.on('error', (err) => resolve({ path, startedAt, endedAt: performance.now(), error: (err as NodeJS.ErrnoException).code ?? err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (err) => resolve({ path, startedAt, endedAt: performance.now(), error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end();
  });
}

describe('SIGTERM under load', () => {
  it('fails none of the requests accepted before the signal, and exits 0 before the grace period', async () => {
    const delaySeconds = 1;
    const svc = await startService({ SHUTDOWN_DELAY_SECONDS: String(delaySeconds), SHUTDOWN_TIMEOUT_SECONDS: '10' });
    const agent = new Agent({ keepAlive: true, maxSockets: 32 });
    const outcomes: Outcome[] = [];
    const hardDeadline = performance.now() + 15000; // the load stops by itself whatever happens
    let stop = false;

    const worker = async (n: number) => {
      for (let i = 0; !stop && performance.now() < hardDeadline; i++) {
        // Mostly fast requests, some held in flight long enough to straddle the close.
        const path = (i + n) % 8 === 0 ? '/api/work?ms=300' : '/api/items';
        const o = await send(agent, svc.port, path);
        outcomes.push(o);
        if (o.error === 'ECONNREFUSED') return; // the listener is gone: this client is done
      }
    };
    const workers = Array.from({ length: 16 }, (_, n) => worker(n));

    await new Promise((r) => setTimeout(r, 1000));
    const sigtermAt = performance.now();
    svc.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    const ready = await send(new Agent(), svc.port, '/health/ready');
    assert.equal(ready.status, 503, 'readiness is false right after SIGTERM');

    const code = await svc.exited;
    const exitedAt = performance.now();
    stop = true;
    await Promise.all(workers);
    agent.destroy();

    const before = outcomes.filter((o) => o.startedAt < sigtermAt);
    const beforeFailed = before.filter((o) => o.error || o.status !== 200);
    const duringDelay = outcomes.filter((o) => o.startedAt >= sigtermAt && o.startedAt < sigtermAt + delaySeconds * 1000 - 50);
    const refused = outcomes.filter((o) => o.error === 'ECONNREFUSED');
    const firstRefusedAt = Math.min(...refused.map((o) => o.startedAt));
    const drained = outcomes.filter((o) => !o.error && o.startedAt < firstRefusedAt && o.endedAt > firstRefusedAt);
    const summary = {
      total: outcomes.length,
      beforeSignal: before.length,
      beforeSignalFailed: beforeFailed.length,
      duringDelay: duringDelay.length,
      duringDelayFailed: duringDelay.filter((o) => o.error || o.status !== 200).length,
      refusedAfterClose: refused.length,
      drainedAcrossClose: drained.length,
      exitMsAfterSignal: Math.round(exitedAt - sigtermAt),
      // Connections opened in the instant the listener closes can be reset by the kernel: these were
      // never accepted by the service. Their start times (ms after SIGTERM) show that.
      otherErrors: outcomes
        .filter((o) => o.error && o.error !== 'ECONNREFUSED')
        .map((o) => `${o.error}@${Math.round(o.startedAt - sigtermAt)}`),
    };
    console.log(`shutdown under load: ${JSON.stringify(summary)}`);

    assert.equal(code, 0, `exit code; stderr: ${svc.stderr()}`);
    assert.ok(before.length > 100, `real load before the signal (${before.length} requests)`);
    assert.deepEqual(beforeFailed, [], 'no request accepted before SIGTERM failed');
    assert.equal(summary.duringDelayFailed, 0, 'requests during the readiness delay are still served');
    assert.ok(duringDelay.length > 50, 'the service kept serving during the delay');
    assert.ok(drained.length > 0, 'some in-flight requests completed after the listener closed');
    for (const o of outcomes.filter((x) => x.error)) {
      assert.ok(o.startedAt >= sigtermAt + delaySeconds * 1000 - 50, `${o.error} only once the listener closes`);
    }
    assert.ok(summary.exitMsAfterSignal < 10000 && summary.exitMsAfterSignal >= delaySeconds * 1000, `exit timing ${summary.exitMsAfterSignal} ms`);
  });
});
