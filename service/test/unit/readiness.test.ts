import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { createHttpDependencyCheck } from '../../src/readiness.js';
import { buildTestApp, startStub } from '../helpers.js';

const stubs: Array<{ close: () => Promise<void> }> = [];
after(() => Promise.all(stubs.map((s) => s.close())));

async function stub(handler: Parameters<typeof startStub>[0]) {
  const s = await startStub(handler);
  stubs.push(s);
  return s;
}

describe('/health/ready', () => {
  it('is 503 with a reason once shutdown has started', async () => {
    const { app, readiness } = buildTestApp();
    await request(app).get('/health/ready').expect(200);
    readiness.markShuttingDown();
    const res = await request(app).get('/health/ready').expect(503);
    assert.equal(res.body.status, 'unavailable');
    assert.deepEqual(res.body.reasons, ['shutting down']);
    // Liveness stays up: a draining pod must not be restarted.
    await request(app).get('/health/live').expect(200);
  });

  it('is ok while API_BASE_URL answers, and sends the bearer token', async () => {
    let auth: string | undefined;
    const api = await stub((req, res) => {
      auth = req.headers.authorization;
      res.writeHead(404).end();
    });
    const check = createHttpDependencyCheck({ name: 'api', url: new URL(api.url), token: 'tkn', timeoutMs: 500, cacheMs: 0 });
    const { app } = buildTestApp([check]);
    const res = await request(app).get('/health/ready').expect(200);
    assert.equal(res.body.checks[0].name, 'api');
    assert.equal(res.body.checks[0].ok, true);
    assert.equal(auth, 'Bearer tkn');
    assert.doesNotMatch(JSON.stringify(res.body), /tkn/);
  });

  it('is 503 when the dependency answers 5xx', async () => {
    const api = await stub((_req, res) => res.writeHead(502).end());
    const check = createHttpDependencyCheck({ name: 'api', url: new URL(api.url), timeoutMs: 500, cacheMs: 0 });
    const { app } = buildTestApp([check]);
    const res = await request(app).get('/health/ready').expect(503);
    assert.deepEqual(res.body.reasons, [`api: ${api.url} answered 502`]);
  });

  it('is 503 when the dependency is unreachable, without leaking credentials', async () => {
    let auth: string | undefined;
    const api = await stub((req, res) => {
      auth = req.headers.authorization;
      res.writeHead(200).end();
    });
    const url = new URL(api.url);
    url.username = 'user';
    url.password = 'hunter2';
    const check = createHttpDependencyCheck({ name: 'api', url, timeoutMs: 500, cacheMs: 0 });
    const { app } = buildTestApp([check]);
    await request(app).get('/health/ready').expect(200);
    assert.equal(auth, `Basic ${Buffer.from('user:hunter2').toString('base64')}`, 'URL credentials sent as Basic auth');
    await api.close();
    const res = await request(app).get('/health/ready').expect(503);
    assert.match(res.body.reasons[0], /^api: http:\/\/127\.0\.0\.1:\d+\/ unreachable \(ECONNREFUSED\)$/);
    assert.doesNotMatch(res.text, /hunter2/);
  });

  it('gives up after the short timeout', async () => {
    const api = await stub(() => undefined); // never answers
    const check = createHttpDependencyCheck({ name: 'api', url: new URL(api.url), timeoutMs: 150, cacheMs: 0 });
    const { app } = buildTestApp([check]);
    const t0 = performance.now();
    const res = await request(app).get('/health/ready').expect(503);
    const took = performance.now() - t0;
    assert.match(res.body.reasons[0], /did not answer within 150 ms/);
    assert.ok(took < 2000, `answered in ${took} ms`);
    api.server.closeAllConnections();
  });

  it('caches the result and shares one check among concurrent probes', async () => {
    let healthy = true;
    const api = await stub((_req, res) => setTimeout(() => res.writeHead(healthy ? 200 : 500).end(), 30));
    const check = createHttpDependencyCheck({ name: 'api', url: new URL(api.url), timeoutMs: 500, cacheMs: 300 });
    const { app } = buildTestApp([check]);
    await Promise.all(Array.from({ length: 10 }, () => request(app).get('/health/ready').expect(200)));
    assert.equal(api.hits(), 1, 'ten concurrent probes, one dependency request');
    healthy = false;
    await request(app).get('/health/ready').expect(200); // still cached
    assert.equal(api.hits(), 1);
    await new Promise((r) => setTimeout(r, 350));
    await request(app).get('/health/ready').expect(503); // cache expired: fresh result
    assert.equal(api.hits(), 2);
  });
});
