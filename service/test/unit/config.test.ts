import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, redactUrl } from '../../src/config.js';

function failure(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    assert.ok(!err.message.includes('\n'), 'the message is one line');
    return err.message;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    assert.equal(c.logLevel, 'info');
    assert.equal(c.port, 8080);
    assert.equal(c.apiBaseUrl, undefined);
    assert.equal(c.shutdownDelayMs, 5000);
    assert.equal(c.shutdownTimeoutMs, 20000);
    assert.equal(c.readinessTimeoutMs, 1000);
    assert.equal(c.readinessCacheMs, 5000);
    assert.equal(c.appVersion, '0.0.0-dev');
  });

  it('treats empty values as unset', () => {
    assert.equal(loadConfig({ APP_PORT: '', API_BASE_URL: ' ' }).port, 8080);
  });

  it("accepts the seed's upper-case and Python level names", () => {
    assert.equal(loadConfig({ LOG_LEVEL: 'INFO' }).logLevel, 'info');
    assert.equal(loadConfig({ LOG_LEVEL: 'Debug' }).logLevel, 'debug');
    assert.equal(loadConfig({ LOG_LEVEL: 'WARNING' }).logLevel, 'warn');
    assert.equal(loadConfig({ LOG_LEVEL: 'CRITICAL' }).logLevel, 'fatal');
  });

  it('reads every variable', () => {
    const c = loadConfig({
      APP_PORT: '9090',
      API_BASE_URL: 'https://api.example.test/v1',
      APP_VERSION: '1.4.2',
      SHUTDOWN_DELAY_SECONDS: '2.5',
      SHUTDOWN_TIMEOUT_SECONDS: '25',
      READINESS_TIMEOUT_MS: '300',
      READINESS_CACHE_MS: '0',
      API_TOKEN: 's3cret',
    });
    assert.equal(c.port, 9090);
    assert.equal(c.apiBaseUrl?.href, 'https://api.example.test/v1');
    assert.equal(c.appVersion, '1.4.2');
    assert.equal(c.shutdownDelayMs, 2500);
    assert.equal(c.shutdownTimeoutMs, 25000);
    assert.equal(c.readinessTimeoutMs, 300);
    assert.equal(c.readinessCacheMs, 0);
    assert.equal(c.apiToken, 's3cret');
  });

  it('binds every interface unless APP_HOST names one', () => {
    assert.equal(loadConfig({}).host, undefined);
    assert.equal(loadConfig({ APP_HOST: '127.0.0.1' }).host, '127.0.0.1');
    assert.equal(
      failure({ APP_HOST: 'example.com' }),
      'invalid configuration: APP_HOST must be an IP address or localhost, or unset for every interface (got "example.com")',
    );
  });

  it('names the variable and the allowed values on bad input', () => {
    assert.equal(
      failure({ APP_PORT: 'eighty' }),
      'invalid configuration: APP_PORT must be an integer from 0 to 65535 (got "eighty")',
    );
    assert.match(failure({ APP_PORT: '70000' }), /^invalid configuration: APP_PORT must be an integer from 0 to 65535/);
    assert.match(failure({ APP_PORT: '80.5' }), /^invalid configuration: APP_PORT must be an integer/);
    assert.equal(
      failure({ LOG_LEVEL: 'verbose' }),
      'invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (case-insensitive) (got "verbose")',
    );
    assert.match(failure({ API_BASE_URL: 'ftp://x' }), /^invalid configuration: API_BASE_URL must be an absolute http:\/\/ or https:\/\/ URL/);
    assert.match(failure({ API_BASE_URL: 'not a url' }), /^invalid configuration: API_BASE_URL /);
    assert.match(failure({ SHUTDOWN_DELAY_SECONDS: '-1' }), /^invalid configuration: SHUTDOWN_DELAY_SECONDS must be a number of seconds >= 0/);
    assert.match(failure({ SHUTDOWN_TIMEOUT_SECONDS: 'soon' }), /^invalid configuration: SHUTDOWN_TIMEOUT_SECONDS must be a number of seconds/);
    assert.match(
      failure({ SHUTDOWN_DELAY_SECONDS: '30', SHUTDOWN_TIMEOUT_SECONDS: '20' }),
      /^invalid configuration: SHUTDOWN_TIMEOUT_SECONDS must be greater than SHUTDOWN_DELAY_SECONDS/,
    );
    assert.match(failure({ APP_VERSION: 'a b' }), /^invalid configuration: APP_VERSION must contain only/);
    assert.match(failure({ READINESS_TIMEOUT_MS: '5' }), /^invalid configuration: READINESS_TIMEOUT_MS must be an integer from 50 to 30000/);
  });

  it('never echoes a secret value in the error line', () => {
    const msg = failure({ API_BASE_URL: 'https://user:hunter2@' });
    assert.doesNotMatch(msg, /hunter2/);
    const both = failure({ API_TOKEN: 'hunter2', API_TOKEN_FILE: '/nope' });
    assert.doesNotMatch(both, /hunter2/);
  });

  it('reads the token from a mounted file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svc-config-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'from-file\n');
    assert.equal(loadConfig({ API_TOKEN_FILE: file }).apiToken, 'from-file');
    assert.match(failure({ API_TOKEN_FILE: join(dir, 'missing') }), /API_TOKEN_FILE must name a readable file \(ENOENT\)/);
  });

  it('redacts credentials and query from URLs it logs', () => {
    assert.equal(redactUrl(new URL('https://u:p@api.test:8443/base?token=x#f')), 'https://api.test:8443/base');
  });
});
