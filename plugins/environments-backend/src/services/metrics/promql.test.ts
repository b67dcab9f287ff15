import {
  escapePromqlString,
  METRIC_TEMPLATES,
  RANGES,
  stepFor,
  upQuery,
  windowFor,
} from './promql';

describe('PromQL templates', () => {
  it('keeps a hostile label value inside its string literal', () => {
    const q = METRIC_TEMPLATES.requestRate.build(
      { namespace: 'dev', service: 'x"} or vector(1) or up{a="\\' },
      '60s',
    );
    expect(q).toBe(
      'sum(rate(http_requests_total{namespace="dev", service="x\\"} or vector(1) or up{a=\\"\\\\"}[60s]))',
    );
  });

  it('escapes backslashes before quotes and new lines', () => {
    expect(escapePromqlString('a\\"b\nc')).toBe('a\\\\\\"b\\nc');
  });

  it('escapes carriage returns', () => {
    expect(escapePromqlString('a\rb')).toBe('a\\rb');
  });

  const sel = { namespace: 'staging', service: 'orders' };
  const m = '{namespace="staging", service="orders"}';
  it.each([
    ['requestRate', 'req/s', `sum(rate(http_requests_total${m}[5m]))`],
    [
      'errorRate',
      'ratio',
      `(sum(rate(http_requests_total{namespace="staging", service="orders", status_code=~"5.."}[5m])) or 0 * sum(rate(http_requests_total${m}[5m]))) / sum(rate(http_requests_total${m}[5m]))`,
    ],
    [
      'latencyP95',
      'seconds',
      `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket${m}[5m])))`,
    ],
    ['cpu', 'cores', `sum(rate(process_cpu_seconds_total${m}[5m]))`],
    ['memory', 'bytes', `sum(process_resident_memory_bytes${m})`],
    ['restarts', 'count', `sum(changes(process_start_time_seconds${m}[5m]))`],
  ] as const)('%s is measured in %s', (name, unit, query) => {
    expect(METRIC_TEMPLATES[name].unit).toBe(unit);
    expect(METRIC_TEMPLATES[name].build(sel, '5m')).toBe(query);
  });

  it('asks for scrape health with the same matchers', () => {
    expect(upQuery(sel)).toBe(`up${m}`);
  });

  it('offers ranges from 15 minutes to 7 days, in seconds', () => {
    expect(RANGES).toEqual({
      '15m': 900,
      '1h': 3600,
      '6h': 21600,
      '24h': 86400,
      '7d': 604800,
    });
  });

  it('keeps about 120 points per series and never steps below 15 s', () => {
    expect(stepFor(900)).toBe(15);
    expect(stepFor(3600)).toBe(30);
    expect(stepFor(7 * 24 * 3600)).toBe(5040);
    expect(windowFor(15)).toBe('60s');
    expect(windowFor(5040)).toBe('10080s');
  });
});
