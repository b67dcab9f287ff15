import {
  CHECKLIST,
  StageChecklist,
} from '@envportal/plugin-environments-common';
import { evaluateGates, gatesPassed } from './gates';

const thresholds = {
  errorRate: 0.01,
  latencyP95Seconds: 0.5,
  successRate: 0.999,
  maxRestarts: 5,
};

function checklist(
  results: Record<string, 'pass' | 'fail' | 'unknown'> = {},
): StageChecklist {
  const items = CHECKLIST.map(i => ({
    id: i.id,
    group: i.group,
    title: i.title,
    result: results[i.id] ?? 'pass',
    evidence: '',
  }));
  const summary = { pass: 0, fail: 0, warn: 0, unknown: 0 };
  items.forEach(i => summary[i.result]++);
  return { stage: 'dev', items, summary };
}

function gates(overrides: Partial<Parameters<typeof evaluateGates>[0]> = {}) {
  return evaluateGates({
    checklist: checklist(),
    requiredChecklistItems: ['pods-ready'],
    metrics: { requests: 1000, errors: 0, latencyP95Seconds: 0.12 },
    maxRestarts: 0,
    thresholds,
    minRequests: 100,
    windowSeconds: 600,
    ...overrides,
  });
}
const byId = (list: ReturnType<typeof gates>, id: string) =>
  list.find(g => g.id === id)!;

describe('evaluateGates', () => {
  it('passes a healthy source stage', () => {
    const result = gates();
    expect(result.map(g => [g.id, g.result])).toEqual([
      ['checklist', 'pass'],
      ['error-rate', 'pass'],
      ['success-rate', 'pass'],
      ['latency-p95', 'pass'],
      ['restarts', 'pass'],
    ]);
    expect(gatesPassed(result)).toBe(true);
  });

  it('calls too little traffic insufficient-data, and that blocks', () => {
    const result = gates({
      metrics: { requests: 40, errors: 0, latencyP95Seconds: 0.1 },
    });
    expect(byId(result, 'error-rate')).toMatchObject({
      result: 'insufficient-data',
      detail: expect.stringMatching(
        /40 requests in 10 min, fewer than the 100/,
      ),
    });
    expect(byId(result, 'latency-p95').result).toBe('insufficient-data');
    expect(gatesPassed(result)).toBe(false);
  });

  it('is unknown, never pass, when Prometheus has no data or fails', () => {
    expect(
      byId(
        gates({ metrics: undefined, metricsError: 'Prometheus unreachable' }),
        'error-rate',
      ),
    ).toMatchObject({ result: 'unknown', detail: 'Prometheus unreachable' });
    expect(
      byId(
        gates({
          metrics: { requests: 500, errors: 0, latencyP95Seconds: undefined },
        }),
        'latency-p95',
      ).result,
    ).toBe('unknown');
    expect(
      byId(
        gates({ checklist: undefined, checklistError: 'no checklist' }),
        'checklist',
      ).result,
    ).toBe('unknown');
  });

  it('fails on the seed thresholds: 1 % errors, 99.9 % success, 500 ms p95, 5 restarts', () => {
    const errors = gates({
      metrics: { requests: 1000, errors: 10, latencyP95Seconds: 0.1 },
    });
    expect(byId(errors, 'error-rate').result).toBe('fail'); // exactly 1 % is not below 1 %
    expect(byId(errors, 'success-rate').result).toBe('fail');
    expect(
      byId(
        gates({
          metrics: { requests: 1000, errors: 1, latencyP95Seconds: 0.1 },
        }),
        'success-rate',
      ).result,
    ).toBe('pass');
    expect(
      byId(
        gates({
          metrics: { requests: 1000, errors: 0, latencyP95Seconds: 0.5 },
        }),
        'latency-p95',
      ).result,
    ).toBe('fail');
    expect(byId(gates({ maxRestarts: 6 }), 'restarts').result).toBe('fail');
    expect(byId(gates({ maxRestarts: 5 }), 'restarts').result).toBe('pass');
  });

  it('fails the checklist gate on a failing item, is unknown on an unconfirmed required one, warns on other unknowns', () => {
    expect(
      byId(gates({ checklist: checklist({ 'non-root': 'fail' }) }), 'checklist')
        .result,
    ).toBe('fail');
    expect(
      byId(
        gates({ checklist: checklist({ 'pods-ready': 'unknown' }) }),
        'checklist',
      ).result,
    ).toBe('unknown');
    const warned = gates({
      checklist: checklist({ 'logs-no-errors': 'unknown' }),
    });
    expect(byId(warned, 'checklist').result).toBe('warn');
    expect(gatesPassed(warned)).toBe(true);
  });

  it("shows each gate's threshold in its title and what was measured in its detail", () => {
    expect(
      gates({
        metrics: { requests: 1000, errors: 1, latencyP95Seconds: 0.12 },
        maxRestarts: 6,
      }),
    ).toEqual([
      {
        id: 'checklist',
        title: 'Source checklist passes',
        result: 'pass',
        detail: `${CHECKLIST.length} of ${CHECKLIST.length} items pass`,
      },
      {
        id: 'error-rate',
        title: 'Error rate below 1.00 %',
        result: 'pass',
        detail: '0.10 % of 1000 requests failed (5xx) in 10 min',
      },
      {
        id: 'success-rate',
        title: 'Success rate at or above 99.90 %',
        result: 'pass',
        detail: '99.90 % of requests succeeded in 10 min',
      },
      {
        id: 'latency-p95',
        title: 'p95 latency below 500 ms',
        result: 'pass',
        detail: 'p95 120 ms over 10 min',
      },
      {
        id: 'restarts',
        title: 'No pod restarted more than 5 times',
        result: 'fail',
        detail: 'highest restart count 6',
      },
    ]);
  });

  it('names the checklist items behind its verdict', () => {
    const detail = (overrides: Parameters<typeof gates>[0]) =>
      byId(gates(overrides), 'checklist').detail;
    expect(
      detail({ checklist: checklist({ rbac: 'fail', 'non-root': 'fail' }) }),
    ).toBe('failing: RBAC policies applied; Container running as non-root');
    expect(
      detail({
        checklist: checklist({ 'pods-ready': 'unknown', rbac: 'unknown' }),
        requiredChecklistItems: ['pods-ready', 'rbac'],
      }),
    ).toBe(
      'required items not confirmed: Pods are running and ready; RBAC policies applied',
    );
    expect(
      detail({
        checklist: checklist({
          'logs-no-errors': 'unknown',
          'grafana-dashboards': 'unknown',
        }),
      }),
    ).toBe(
      `${CHECKLIST.length - 2} of ${
        CHECKLIST.length
      } items pass; not verifiable here: Logs show no errors; Grafana dashboards loaded`,
    );
  });

  it('says why the checklist is unknown when there is none', () => {
    expect(
      byId(
        gates({
          checklist: undefined,
          checklistError: 'checklist could not be computed: catalog timeout',
        }),
        'checklist',
      ),
    ).toEqual({
      id: 'checklist',
      title: 'Source checklist passes',
      result: 'unknown',
      detail: 'checklist could not be computed: catalog timeout',
    });
    expect(byId(gates({ checklist: undefined }), 'checklist').detail).toBe(
      'checklist not available',
    );
  });

  it('is unknown without a request series, and judges traffic of exactly the minimum', () => {
    const noRequests = gates({ metrics: { latencyP95Seconds: 0.1 } });
    for (const id of ['error-rate', 'success-rate', 'latency-p95']) {
      expect(byId(noRequests, id)).toMatchObject({
        result: 'unknown',
        detail: 'no request metrics in Prometheus',
      });
    }
    expect(
      byId(gates({ metrics: { requests: 100, errors: 0 } }), 'error-rate'),
    ).toMatchObject({
      result: 'pass',
      detail: '0.00 % of 100 requests failed (5xx) in 10 min',
    });
    expect(
      byId(gates({ metrics: { requests: 100, errors: 0 } }), 'latency-p95'),
    ).toMatchObject({
      result: 'unknown',
      detail: 'no latency histogram in Prometheus',
    });
  });
});
