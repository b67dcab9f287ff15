import { BackstageCredentials } from '@backstage/backend-plugin-api';
import type {
  MetricName,
  MetricSeries,
  MetricsResponse,
  StageMetrics,
} from '@envportal/plugin-environments-common';
import { GateThresholds } from '../../config';
import { EntityRefParts } from '../entities';
import { EnvironmentStatusService, StageView } from '../status';
import { PrometheusClient } from './prometheusClient';
import {
  METRIC_NAMES,
  METRIC_TEMPLATES,
  RANGES,
  SeriesSelector,
  stepFor,
  windowFor,
} from './promql';

export interface MetricsService {
  getMetrics(
    input: {
      entity: EntityRefParts;
      range: keyof typeof RANGES;
      stages?: string[];
    },
    options: { credentials: BackstageCredentials },
  ): Promise<MetricsResponse>;
}

/**
 * The Prometheus `service` label of a stage's workload: the name of its Kubernetes Service (what a
 * ServiceMonitor scrape puts there), else the entity's kubernetes-id.
 */
export function seriesSelectorFor(
  view: StageView,
  id?: string,
): SeriesSelector | undefined {
  const service =
    view.snapshot?.services[0]?.metadata?.name ??
    view.snapshot?.deployment?.metadata?.name ??
    id;
  return service ? { namespace: view.stage.namespace, service } : undefined;
}

function thresholdFor(
  metric: MetricName,
  gates: GateThresholds,
): number | undefined {
  switch (metric) {
    case 'errorRate':
      return gates.errorRate;
    case 'latencyP95':
      return gates.latencyP95Seconds;
    case 'restarts':
      return gates.maxRestarts;
    default:
      return undefined;
  }
}

export function createMetricsService(options: {
  status: EnvironmentStatusService;
  prometheus?: PrometheusClient;
  gates: GateThresholds;
}): MetricsService {
  const { status, prometheus, gates } = options;

  async function stageMetrics(
    view: StageView,
    id: string | undefined,
    range: { start: number; end: number; step: number },
  ): Promise<StageMetrics> {
    const base = { stage: view.stage.name, series: [] as MetricSeries[] };
    if (!prometheus) {
      return {
        ...base,
        available: false,
        error: 'environments.prometheus.url is not configured',
      };
    }
    const selector = seriesSelectorFor(view, id);
    if (!selector) {
      return {
        ...base,
        available: false,
        error: 'no Service or Deployment found to query metrics for',
      };
    }
    const window = windowFor(range.step);
    try {
      const series = await Promise.all(
        METRIC_NAMES.map(async (metric): Promise<MetricSeries> => {
          const template = METRIC_TEMPLATES[metric];
          const result = await prometheus.queryRange(
            template.build(selector, window),
            range.start,
            range.end,
            range.step,
          );
          return {
            metric,
            unit: template.unit,
            points: result[0]?.points ?? [],
            threshold: thresholdFor(metric, gates),
          };
        }),
      );
      return { ...base, available: true, series };
    } catch (error) {
      return { ...base, available: false, error: (error as Error).message };
    }
  }

  return {
    async getMetrics(input, { credentials }) {
      const rangeSeconds = RANGES[input.range];
      const step = stepFor(rangeSeconds);
      // Align to the step so repeated views of the same range ask Prometheus the same question.
      const end = Math.floor(Date.now() / 1000 / step) * step;
      const range = { start: end - rangeSeconds, end, step };
      const { entityRef, selector, views } = await status.getStageViews(
        { entity: input.entity, stages: input.stages },
        { credentials },
      );
      return {
        entityRef,
        range,
        stages: await Promise.all(
          views.map(v => stageMetrics(v, selector?.id, range)),
        ),
      };
    },
  };
}
