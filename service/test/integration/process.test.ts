import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SERVICE_DIR, startService } from '../helpers.js';

function runWithEnv(env: Record<string, string>) {
  return spawnSync(process.execPath, [join(SERVICE_DIR, 'dist/index.js')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 10000,
  });
}

describe('dist/index.js as a process', () => {
  for (const [name, value, expected] of [
    ['APP_PORT', 'http', /^invalid configuration: APP_PORT must be an integer from 0 to 65535 \(got "http"\)$/],
    ['LOG_LEVEL', 'loud', /^invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    ['API_BASE_URL', 'localhost:3000', /^invalid configuration: API_BASE_URL must be an absolute http:\/\/ or https:\/\/ URL/],
    ['SHUTDOWN_TIMEOUT_SECONDS', '1', /^invalid configuration: SHUTDOWN_TIMEOUT_SECONDS must be greater than SHUTDOWN_DELAY_SECONDS/],
  ] as const) {
    it(`exits 1 with one line on bad ${name}`, () => {
      const r = runWithEnv({ [name]: value });
      assert.equal(r.status, 1);
      assert.equal(r.stdout, '', 'nothing on stdout');
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, `exactly one line, got: ${r.stderr}`);
      assert.match(lines[0]!, expected);
    });
  }

  it('starts with the seed-style LOG_LEVEL=INFO, logs JSON, and exits 0 on SIGTERM', async () => {
    const api = createServer((_req, res) => res.writeHead(204).end());
    api.listen(0, '127.0.0.1');
    await once(api, 'listening');
    const apiPort = (api.address() as AddressInfo).port;
    const svc = await startService({
      LOG_LEVEL: 'INFO',
      APP_VERSION: '9.9.9',
      API_BASE_URL: `http://user:pw-in-url@127.0.0.1:${apiPort}/base?k=query-secret`,
      API_TOKEN: 'token-value-1234',
    });
    assert.equal((await fetch(`${svc.url}/health/ready`)).status, 200);
    api.close();
    const res = await fetch(`${svc.url}/api/info`, { headers: { 'x-request-id': 'proc-1' } });
    const info = (await res.json()) as { version: string };
    assert.equal(info.version, '9.9.9');
    const t0 = Date.now();
    const code = await svc.stop();
    assert.equal(code, 0);
    assert.ok(Date.now() - t0 < 5000);
    const lines = svc.stdout.map((l) => JSON.parse(l));
    assert.ok(lines.every((l) => typeof l.level === 'string' && typeof l.time === 'number' && l.msg));
    assert.ok(lines.some((l) => l.reqId === 'proc-1' && l.route === '/api/info' && l.status === 200));
    assert.ok(lines.some((l) => l.msg === 'shutdown complete'));
    assert.equal(svc.stderr(), '');
    const all = svc.stdout.join('\n');
    for (const secret of ['token-value-1234', 'pw-in-url', 'query-secret']) assert.ok(!all.includes(secret), `${secret} never logged`);
    assert.ok(lines.some((l) => l.msg === 'listening' && l.apiBaseUrl === `http://127.0.0.1:${apiPort}/base`));
  });
});
