import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { STRICT, startService, type RunningService } from '../helpers.js';

const PROMETHEUS = process.env.PROMETHEUS_BIN ?? 'prometheus';
const available = spawnSync(PROMETHEUS, ['--version'], { encoding: 'utf8' }).status === 0;
if (!available && STRICT) throw new Error(`${PROMETHEUS} not found: install the Debian package prometheus`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}

describe('real Prometheus scrapes the service', { skip: available ? false : `${PROMETHEUS} not installed` }, () => {
  let svc: RunningService | undefined;
  let prom: ChildProcess | undefined;
  let promLog = '';
  const dir = mkdtempSync(join(tmpdir(), 'svc-prom-'));
  after(async () => {
    if (prom && prom.exitCode === null) {
      prom.kill('SIGTERM');
      await new Promise((r) => prom!.once('exit', r));
    }
    await svc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds http_requests_total for the example route through the HTTP API', async () => {
    svc = await startService({ APP_VERSION: '2.0.0-prom' });
    const promPort = await freePort();
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 900ms',
        'scrape_configs:',
        '  - job_name: express-service',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${svc.port}']`,
        '',
      ].join('\n'),
    );
    prom = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--storage.tsdb.retention.time=1h',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prom.stderr!.on('data', (d) => (promLog = (promLog + d).slice(-4000)));
    const api = `http://127.0.0.1:${promPort}/api/v1`;
    const query = async (q: string) => {
      const res = await fetch(`${api}/query?query=${encodeURIComponent(q)}`);
      const body = (await res.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      assert.equal(body.status, 'success');
      return body.data.result;
    };

    await poll('Prometheus ready', async () => ((await fetch(`http://127.0.0.1:${promPort}/-/ready`)).ok ? true : undefined));
    for (let i = 0; i < 7; i++) await fetch(`${svc.url}/api/items`);
    for (let i = 0; i < 3; i++) await fetch(`${svc.url}/api/items/${1000 + i}`);

    const target = await poll('the target to be up', async () => {
      const r = await query('up{job="express-service"}');
      return r[0]?.value[1] === '1' ? r[0] : undefined;
    });
    assert.equal(target.metric.instance, `127.0.0.1:${svc.port}`);

    const counter = await poll('the request counter', async () => {
      const r = await query('sum by (route, status_code) (http_requests_total{job="express-service", method="GET"})');
      const items = r.find((s) => s.metric.route === '/api/items' && s.metric.status_code === '200');
      return items && Number(items.value[1]) === 7 ? r : undefined;
    }, 20000).catch((err) => {
      throw new Error(`${err.message}\nprometheus log tail:\n${promLog}`);
    });
    const notFound = counter.find((s) => s.metric.route === '/api/items/:id' && s.metric.status_code === '404');
    assert.equal(Number(notFound?.value[1]), 3, 'the 404s are under the route template');

    const info = await query('app_info{job="express-service"}');
    assert.equal(info[0]?.metric.version, '2.0.0-prom');
    // The p95 the promotion gate reads: needs traffic across two scrapes, so keep some flowing.
    const p95 = await poll('a p95 from the histogram', async () => {
      await fetch(`${svc!.url}/api/info`);
      const r = await query(
        'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="express-service"}[1m])))',
      );
      const v = Number(r[0]?.value[1]);
      return Number.isFinite(v) ? v : undefined;
    }, 20000);
    assert.ok(p95 > 0 && p95 < 0.5, `p95 ${p95}s is under the 500 ms gate`);
  });
});
