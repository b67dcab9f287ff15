import {
  GateResult,
  StageChecklist,
} from '@envportal/plugin-environments-common';

/** Source-stage metrics over the gate window; undefined means Prometheus had no answer. */
export type GateMetrics = {
  requests?: number;
  errors?: number;
  latencyP95Seconds?: number;
};

export type GateThresholdsInput = {
  errorRate: number;
  latencyP95Seconds: number;
  successRate: number;
  maxRestarts: number;
};

function pct(ratio: number) {
  return `${(ratio * 100).toFixed(2)} %`;
}

/**
 * Gate results from the source stage's checklist, metrics and pod restarts. Missing data is `unknown`;
 * too little traffic is `insufficient-data`; neither counts as passed.
 */
export function evaluateGates(input: {
  checklist?: StageChecklist;
  checklistError?: string;
  requiredChecklistItems: string[];
  metrics?: GateMetrics;
  metricsError?: string;
  maxRestarts: number;
  thresholds: GateThresholdsInput;
  minRequests: number;
  windowSeconds: number;
}): GateResult[] {
  const gates: GateResult[] = [];
  const window = `${Math.round(input.windowSeconds / 60)} min`;

  // Checklist: any failing item fails; a required item that is not `pass` makes it unknown.
  if (!input.checklist) {
    gates.push({
      id: 'checklist',
      title: 'Source checklist passes',
      result: 'unknown',
      detail: input.checklistError ?? 'checklist not available',
    });
  } else {
    const failing = input.checklist.items.filter(i => i.result === 'fail');
    const requiredMissing = input.checklist.items.filter(
      i => input.requiredChecklistItems.includes(i.id) && i.result !== 'pass',
    );
    const unknown = input.checklist.items.filter(i => i.result === 'unknown');
    let result: GateResult['result'] = 'pass';
    let detail = `${input.checklist.summary.pass} of ${input.checklist.items.length} items pass`;
    if (failing.length) {
      result = 'fail';
      detail = `failing: ${failing.map(i => i.title).join('; ')}`;
    } else if (requiredMissing.length) {
      result = 'unknown';
      detail = `required items not confirmed: ${requiredMissing
        .map(i => i.title)
        .join('; ')}`;
    } else if (unknown.length) {
      result = 'warn';
      detail += `; not verifiable here: ${unknown
        .map(i => i.title)
        .join('; ')}`;
    }
    gates.push({
      id: 'checklist',
      title: 'Source checklist passes',
      result,
      detail,
    });
  }

  const t = input.thresholds;
  const m = input.metrics;
  const requests = m?.requests;
  const noMetrics = !m || requests === undefined;
  const tooLittle = !noMetrics && requests! < input.minRequests;
  const dataProblem = (): Pick<GateResult, 'result' | 'detail'> | undefined => {
    if (noMetrics) {
      return {
        result: 'unknown',
        detail: input.metricsError ?? 'no request metrics in Prometheus',
      };
    }
    if (tooLittle) {
      return {
        result: 'insufficient-data',
        detail: `${Math.round(
          requests!,
        )} requests in ${window}, fewer than the ${input.minRequests} needed`,
      };
    }
    return undefined;
  };
  const errorRatio =
    !noMetrics && requests! > 0 ? (m!.errors ?? 0) / requests! : undefined;

  gates.push({
    id: 'error-rate',
    title: `Error rate below ${pct(t.errorRate)}`,
    ...(dataProblem() ?? {
      result: errorRatio! < t.errorRate ? 'pass' : 'fail',
      detail: `${pct(errorRatio!)} of ${Math.round(
        requests!,
      )} requests failed (5xx) in ${window}`,
    }),
  });
  gates.push({
    id: 'success-rate',
    title: `Success rate at or above ${pct(t.successRate)}`,
    ...(dataProblem() ?? {
      result: 1 - errorRatio! >= t.successRate ? 'pass' : 'fail',
      detail: `${pct(1 - errorRatio!)} of requests succeeded in ${window}`,
    }),
  });
  const p95 = m?.latencyP95Seconds;
  gates.push({
    id: 'latency-p95',
    title: `p95 latency below ${Math.round(t.latencyP95Seconds * 1000)} ms`,
    ...(dataProblem() ??
      (p95 === undefined || Number.isNaN(p95)
        ? {
            result: 'unknown' as const,
            detail: 'no latency histogram in Prometheus',
          }
        : {
            result:
              p95 < t.latencyP95Seconds ? ('pass' as const) : ('fail' as const),
            detail: `p95 ${Math.round(p95 * 1000)} ms over ${window}`,
          })),
  });
  gates.push({
    id: 'restarts',
    title: `No pod restarted more than ${t.maxRestarts} times`,
    result: input.maxRestarts > t.maxRestarts ? 'fail' : 'pass',
    detail: `highest restart count ${input.maxRestarts}`,
  });
  return gates;
}

/** Passed means every gate is `pass` or `warn`; unknown and insufficient data block like failures. */
export function gatesPassed(gates: GateResult[]): boolean {
  return gates.every(g => g.result === 'pass' || g.result === 'warn');
}
