import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { DURATION_BUCKETS, UNMATCHED_ROUTE } from '../../src/metrics.js';
import { buildTestApp, parseExposition, type Sample } from '../helpers.js';

const pick = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe('/metrics exposition', () => {
  it('counts requests by method, route template and status code', async () => {
    const { app } = buildTestApp();
    for (const id of [1, 2, 12345, 67890]) await request(app).get(`/api/items/${id}`);
    await request(app).post('/api/items').send({ name: 'n' });
    await request(app).get('/random/path/42');
    await request(app).get('/another-unknown');
    const text = (await request(app).get('/metrics').expect(200)).text;
    const { samples, types } = parseExposition(text);

    assert.equal(types.get('http_requests_total'), 'counter');
    assert.equal(types.get('http_request_duration_seconds'), 'histogram');
    const count = (labels: Record<string, string>) => pick(samples, 'http_requests_total', labels)[0]?.value;
    assert.equal(count({ method: 'GET', route: '/api/items/:id', status_code: '200' }), 2);
    assert.equal(count({ method: 'GET', route: '/api/items/:id', status_code: '404' }), 2);
    assert.equal(count({ method: 'POST', route: '/api/items', status_code: '201' }), 1);
    assert.equal(count({ method: 'GET', route: UNMATCHED_ROUTE, status_code: '404' }), 2);

    // Raw paths never become label values.
    const routes = new Set(pick(samples, 'http_requests_total').map((s) => s.labels.route));
    assert.deepEqual([...routes].sort(), ['/api/items', '/api/items/:id', UNMATCHED_ROUTE].sort());
    // Only label values could carry a path; sample values are numbers that may contain any digits.
    const labelValues = samples.flatMap((s) => Object.values(s.labels));
    assert.deepEqual(
      labelValues.filter((v) => /12345|67890|random|another-unknown/.test(v)),
      [],
    );
  });

  it('keeps probes and scrapes out of the HTTP metrics', async () => {
    const { app } = buildTestApp();
    await request(app).get('/health/live');
    await request(app).get('/health/ready');
    await request(app).get('/metrics');
    const { samples } = parseExposition((await request(app).get('/metrics')).text);
    assert.equal(pick(samples, 'http_requests_total').length, 0);
  });

  it('has a duration histogram with cumulative buckets up to 2.5 s, including 0.5 s', async () => {
    const { app } = buildTestApp();
    await request(app).get('/api/info');
    await request(app).get('/api/work?ms=30');
    const { samples } = parseExposition((await request(app).get('/metrics')).text);
    const labels = { method: 'GET', route: '/api/work', status_code: '200' };
    const buckets = pick(samples, 'http_request_duration_seconds_bucket', labels);
    assert.deepEqual(
      buckets.map((b) => b.labels.le),
      [...DURATION_BUCKETS.map(String), '+Inf'],
    );
    assert.ok(DURATION_BUCKETS.includes(0.5));
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]!.value >= buckets[i - 1]!.value, 'cumulative');
    assert.equal(pick(samples, 'http_request_duration_seconds_bucket', { ...labels, le: '0.025' })[0]?.value, 0);
    assert.equal(pick(samples, 'http_request_duration_seconds_bucket', { ...labels, le: '0.05' })[0]?.value, 1);
    assert.equal(pick(samples, 'http_request_duration_seconds_count', labels)[0]?.value, 1);
    const sum = pick(samples, 'http_request_duration_seconds_sum', labels)[0]!.value;
    assert.ok(sum >= 0.029 && sum < 0.5, `sum ${sum}`);
  });

  it('exports default Node metrics and app_info with the version', async () => {
    const { app } = buildTestApp();
    const { samples, types } = parseExposition((await request(app).get('/metrics')).text);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      assert.ok(types.has(name), `${name} exported`);
    }
    const info = pick(samples, 'app_info');
    assert.equal(info.length, 1);
    assert.equal(info[0]!.value, 1);
    assert.equal(info[0]!.labels.version, '1.2.3-test');
    assert.equal(info[0]!.labels.node_version, process.version);
  });
});
