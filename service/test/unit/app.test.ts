import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { buildTestApp, settle } from '../helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('endpoints', () => {
  it('GET /health/live answers ok', async () => {
    const { app } = buildTestApp();
    const res = await request(app).get('/health/live').expect(200).expect('content-type', /json/);
    assert.deepEqual(res.body, { status: 'ok' });
  });

  it('GET /health/ready answers ok with no dependency configured', async () => {
    const { app } = buildTestApp();
    const res = await request(app).get('/health/ready').expect(200);
    assert.deepEqual(res.body, { status: 'ok', checks: [] });
  });

  it('GET /metrics serves the Prometheus text format', async () => {
    const { app } = buildTestApp();
    const res = await request(app).get('/metrics').expect(200);
    assert.match(res.headers['content-type']!, /^text\/plain; version=0\.0\.4/);
    assert.match(res.text, /^# HELP /m);
  });

  it('GET /api/info shows name and APP_VERSION', async () => {
    const { app } = buildTestApp();
    const res = await request(app).get('/api/info').expect(200);
    assert.equal(res.body.name, 'express-service');
    assert.equal(res.body.version, '1.2.3-test');
    assert.equal(res.body.node, process.version);
    assert.equal(typeof res.body.uptimeSeconds, 'number');
  });

  it('lists, reads and creates items', async () => {
    const { app } = buildTestApp();
    const list = await request(app).get('/api/items').expect(200);
    assert.equal(list.body.total, 2);
    assert.equal((await request(app).get('/api/items?limit=1').expect(200)).body.items.length, 1);
    await request(app).get('/api/items?limit=0').expect(400);
    assert.equal((await request(app).get('/api/items/1').expect(200)).body.name, 'first');
    await request(app).get('/api/items/999').expect(404);
    await request(app).get('/api/items/abc').expect(404);
    const created = await request(app).post('/api/items').send({ name: 'third' }).expect(201);
    assert.equal(created.body.name, 'third');
    assert.equal(created.headers.location, `/api/items/${created.body.id}`);
    await request(app).get(`/api/items/${created.body.id}`).expect(200);
    await request(app).post('/api/items').send({ name: '' }).expect(400);
    await request(app).post('/api/items').send({ name: 'x', extra: 1 }).expect(400);
  });

  it('GET /api/work waits the asked time, bounded', async () => {
    const { app } = buildTestApp();
    const t0 = performance.now();
    assert.deepEqual((await request(app).get('/api/work?ms=50').expect(200)).body, { workedMs: 50 });
    assert.ok(performance.now() - t0 >= 45);
    await request(app).get('/api/work?ms=999999').expect(400);
  });
});

describe('errors', () => {
  it('unknown routes get a JSON 404', async () => {
    const { app } = buildTestApp();
    const res = await request(app).get('/no/such/thing').expect(404).expect('content-type', /json/);
    assert.equal(res.body.error.code, 'not_found');
    assert.match(res.body.error.requestId, UUID);
  });

  it('malformed JSON is a 400 with no stack trace', async () => {
    const { app } = buildTestApp();
    const res = await request(app).post('/api/items').set('content-type', 'application/json').send('{"name":').expect(400);
    assert.equal(res.body.error.code, 'entity_parse_failed');
    assert.doesNotMatch(res.text, /\bat \S+ \(|node_modules|\.ts:\d+/);
  });

  it('bodies over the limit are refused with 413', async () => {
    const { app } = buildTestApp();
    const res = await request(app).post('/api/items').send({ name: 'x'.repeat(20 * 1024) }).expect(413);
    assert.equal(res.body.error.code, 'entity_too_large');
  });

  it('unexpected errors are a bare 500: no message, no stack; the log line has the stack', async () => {
    const { app, readiness, logs } = buildTestApp();
    readiness.check = async () => {
      throw new Error('secret internal detail');
    };
    const res = await request(app).get('/health/ready').expect(500);
    assert.deepEqual(Object.keys(res.body.error).sort(), ['code', 'message', 'requestId']);
    assert.equal(res.body.error.message, 'internal server error');
    assert.doesNotMatch(res.text, /secret internal detail|at /);
    await settle();
    const line = logs.find((l) => l.status === 500);
    assert.equal(line?.level, 'error');
    assert.match(String((line?.err as { stack?: string })?.stack), /secret internal detail/);
  });
});

describe('security headers', () => {
  it('sets helmet headers and hides the framework', async () => {
    const { app } = buildTestApp();
    const res = await request(app).get('/api/info');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'");
    assert.match(res.headers['strict-transport-security']!, /max-age=\d+/);
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.equal(res.headers['cross-origin-resource-policy'], 'same-origin');
    assert.equal(res.headers['x-powered-by'], undefined);
  });
});

describe('request id and logging', () => {
  it('echoes a valid X-Request-Id and logs it', async () => {
    const { app, logs } = buildTestApp();
    const res = await request(app).get('/api/items/2?secret=1').set('X-Request-Id', 'trace-abc.123').expect(200);
    assert.equal(res.headers['x-request-id'], 'trace-abc.123');
    await settle();
    const line = logs.find((l) => l.reqId === 'trace-abc.123');
    assert.ok(line, 'one log line carries the request id');
    assert.equal(line.msg, 'request completed');
    assert.equal(line.level, 'info');
    assert.equal(line.method, 'GET');
    assert.equal(line.route, '/api/items/:id');
    assert.equal(line.path, '/api/items/2', 'path without the query string');
    assert.equal(line.status, 200);
    assert.equal(typeof line.durationMs, 'number');
    assert.equal(logs.filter((l) => l.reqId === 'trace-abc.123').length, 1);
  });

  it('generates an id when none or an unsafe one is sent', async () => {
    const { app } = buildTestApp();
    const none = await request(app).get('/api/info');
    assert.match(none.headers['x-request-id']!, UUID);
    const unsafe = await request(app).get('/api/info').set('X-Request-Id', 'a b{"x":1}');
    assert.match(unsafe.headers['x-request-id']!, UUID);
    const tooLong = await request(app).get('/api/info').set('X-Request-Id', 'x'.repeat(200));
    assert.match(tooLong.headers['x-request-id']!, UUID);
    const ids = new Set([none, unsafe, tooLong].map((r) => r.headers['x-request-id']));
    assert.equal(ids.size, 3);
  });

  it('logs client errors at warn and probes at debug', async () => {
    const { app, logs } = buildTestApp();
    await request(app).get('/nope');
    await request(app).get('/health/live');
    await settle();
    assert.equal(logs.find((l) => l.path === '/nope')?.level, 'warn');
    assert.equal(logs.find((l) => l.path === '/health/live')?.level, 'debug');
  });
});
