import {
  escapePromqlString,
  METRIC_TEMPLATES,
  stepFor,
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

  it('keeps about 120 points per series and never steps below 15 s', () => {
    expect(stepFor(900)).toBe(15);
    expect(stepFor(3600)).toBe(30);
    expect(stepFor(7 * 24 * 3600)).toBe(5040);
    expect(windowFor(15)).toBe('60s');
    expect(windowFor(5040)).toBe('10080s');
  });
});
