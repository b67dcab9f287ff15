import {
  CHECKLIST,
  ChecklistResponse,
  ChecklistItemResult,
  CheckResult,
  StageChecklist,
} from '@envportal/plugin-environments-common';
import { EnvironmentsConfig } from '../../config';
import { ClusterRegistry } from '../clusters';
import { WorkloadSelector } from '../entities';
import { PrometheusClient, seriesSelectorFor, upQuery } from '../metrics';
import { EnvironmentStatusService, healthKey, StageView } from '../status';
import { createInputMemo } from '../inputMemo';
import { CHECKS } from './checks';
import { LogReader } from './logReader';
import { ChecklistService, StageSignals, Verdict } from './types';

/** Without Prometheus: the same signal object every time (checklists are remembered by it). */
const PROMETHEUS_NOT_CONFIGURED = Object.freeze({ configured: false as const });

/** Stage checklists remembered, one per stage and entity. */
const MEMO_ENTRIES = 1000;
/** Whole answers kept (with their serialized form): those of the entities being watched right now. */
const ANSWERS_KEPT = 256;

/** Prometheus answers are shared by concurrent viewers for this long. */
const PROMETHEUS_TTL_MS = 5000;

function summarize(items: ChecklistItemResult[]): Record<CheckResult, number> {
  const summary: Record<CheckResult, number> = {
    pass: 0,
    fail: 0,
    warn: 0,
    unknown: 0,
  };
  for (const item of items) summary[item.result]++;
  return summary;
}

function toItems(verdict: (id: string) => Verdict): ChecklistItemResult[] {
  return CHECKLIST.map(def => {
    const v = verdict(def.id);
    return { id: def.id, group: def.group, title: def.title, ...v };
  });
}

export function createChecklistService(options: {
  config: EnvironmentsConfig;
  clusters: ClusterRegistry;
  status: EnvironmentStatusService;
  prometheus?: PrometheusClient;
  logs: LogReader;
}): ChecklistService {
  const { config, clusters, status, prometheus, logs } = options;
  const memo = new Map<string, { at: number; value: Promise<unknown> }>();
  function remember<T>(
    key: string,
    ttl: number,
    make: () => Promise<T>,
  ): Promise<T> {
    const hit = memo.get(key);
    if (hit && Date.now() - hit.at < ttl) return hit.value as Promise<T>;
    const value = make();
    memo.set(key, { at: Date.now(), value });
    if (memo.size > 1000) memo.delete(memo.keys().next().value!);
    return value;
  }

  async function prometheusSignals(
    view: StageView,
    selector: WorkloadSelector,
  ): Promise<StageSignals['prometheus']> {
    if (!prometheus) return PROMETHEUS_NOT_CONFIGURED;
    const series = seriesSelectorFor(view, selector.id);
    return remember(
      `prom:${view.stage.name}:${series?.service}`,
      PROMETHEUS_TTL_MS,
      async () => {
        const readiness = await prometheus.ready();
        const base = {
          configured: true as const,
          ready: readiness.ready,
          readyDetail: readiness.detail,
          service: series?.service,
        };
        if (!readiness.ready || !series) return base;
        try {
          const [up, rules] = await Promise.all([
            prometheus.query(upQuery(series)),
            prometheus.alertRules(),
          ]);
          return {
            ...base,
            up,
            alertRules: rules
              .filter(
                r =>
                  r.labels.namespace === series.namespace &&
                  r.labels.service === series.service,
              )
              .map(r => r.name),
          };
        } catch (error) {
          return { ...base, error: (error as Error).message };
        }
      },
    );
  }

  const rememberAnswer = createInputMemo<ChecklistResponse>(ANSWERS_KEPT);
  const rememberStage = createInputMemo<StageChecklist>(MEMO_ENTRIES);

  /** The stage's checklist as last computed, unless one of `inputs` changed since. */
  function remembered(
    stage: string,
    key: string,
    inputs: unknown[],
    items: () => ChecklistItemResult[],
  ): StageChecklist {
    return rememberStage(key, inputs, () => {
      const computed = items();
      return { stage, items: computed, summary: summarize(computed) };
    });
  }

  async function stageChecklist(
    view: StageView,
    selector: WorkloadSelector,
  ): Promise<StageChecklist> {
    const memoKey = `${view.stage.name}\u0000${view.clusterName}\u0000${
      view.stage.namespace
    }\u0000${selector.description}\u0000${selector.id ?? ''}`;
    if (!view.cache || !view.snapshot) {
      const reason = `stage data unavailable: ${
        view.status.error ?? 'cluster not read'
      }`;
      return remembered(view.stage.name, memoKey, [reason], () =>
        toItems(() => ({ result: 'unknown', evidence: reason })),
      );
    }
    const { cache, snapshot } = view;
    const container =
      snapshot.deployment?.spec?.template?.spec?.containers?.[0]?.name;
    const [prom, logSignal] = await Promise.all([
      prometheusSignals(view, selector),
      logs.read(
        clusters.forStage(view.stage.name).kubeConfig,
        `${view.clusterName}/${view.stage.namespace}/${snapshot.deployment?.metadata?.name}`,
        view.stage.namespace,
        () =>
          snapshot.pods.flatMap(p =>
            p.metadata?.name ? [{ name: p.metadata.name, container }] : [],
          ),
      ),
    ]);
    // Same cache contents and the same remembered signals give the same items: thousands of pods
    // made recomputing them the dominant cost of a checklist answer.
    const inputs = [
      cache.version(),
      healthKey(view.status.health),
      prom,
      logSignal,
    ];
    return remembered(view.stage.name, memoKey, inputs, () => {
      const signals: StageSignals = {
        health: view.status.health,
        prometheus: prom,
        logs: logSignal,
      };
      const input = {
        namespace: view.stage.namespace,
        cache,
        snapshot,
        selector,
        signals,
        maxRestarts: config.gates.maxRestarts,
      };
      return toItems(id => {
        try {
          return CHECKS[id](input);
        } catch (error) {
          return {
            result: 'unknown',
            evidence: `check failed: ${(error as Error).message}`,
          };
        }
      });
    });
  }

  return {
    async getChecklist(input, { credentials }) {
      const { entityRef, selector, views } = await status.getStageViews(input, {
        credentials,
      });
      const stages = selector
        ? await Promise.all(views.map(v => stageChecklist(v, selector)))
        : [];
      // The same answer object while every stage's items are the same, so it is serialized once.
      return rememberAnswer(
        `${entityRef}\u0000${(input.stages ?? []).join(',')}`,
        stages,
        () => ({ entityRef, stages, generatedAt: new Date().toISOString() }),
      );
    },
  };
}
