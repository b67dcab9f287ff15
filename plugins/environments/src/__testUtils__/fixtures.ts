import { Entity } from '@backstage/catalog-model';
import {
  ChecklistResponse,
  CHECKLIST,
  EnvironmentsStatusResponse,
  MetricsResponse,
  Promotion,
  PromotionApproval,
  PromotionPreview,
  StageGovernance,
  StageGovernanceList,
  StageStatus,
} from '@envportal/plugin-environments-common';

/** Test data shaped as environments-backend answers, for the unit tests of the tab. */

export const entity = (
  annotations: Record<string, string> = {
    'backstage.io/kubernetes-id': 'payments',
  },
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default', annotations },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

export function stage(
  name: string,
  version: string,
  overrides: Partial<StageStatus> = {},
): StageStatus {
  return {
    stage: name,
    cluster: 'local',
    namespace: name,
    state: 'ok',
    workload: {
      kind: 'Deployment',
      name: 'payments',
      image: `registry.local/payments:${version}`,
      version,
      replicas: { desired: 3, ready: 3, updated: 3, available: 3 },
      rollout: { state: 'complete', revision: '4' },
    },
    pods: [
      {
        name: `payments-${name}-a`,
        phase: 'Running',
        ready: true,
        restarts: 0,
      },
    ],
    events: [],
    health: { live: 'pass', ready: 'pass', detail: '200 from both' },
    observedAt: '2026-11-26T04:00:00Z',
    dataAgeSeconds: 2,
    stale: false,
    ...overrides,
  };
}

export const statusResponse = (
  stages: StageStatus[] = [
    stage('dev', '1.4.2'),
    stage('staging', '1.1.0'),
    stage('prod', '1.0.0'),
  ],
): EnvironmentsStatusResponse => ({
  entityRef: 'component:default/payments',
  configured: true,
  stages,
  generatedAt: '2026-11-26T04:00:02Z',
});

export const checklistResponse = (stageName = 'dev'): ChecklistResponse => ({
  entityRef: 'component:default/payments',
  generatedAt: '2026-11-26T04:00:02Z',
  stages: [
    {
      stage: stageName,
      items: CHECKLIST.map((item, i) => ({
        id: item.id,
        group: item.group,
        title: item.title,
        // one of each result, so every state shows up
        result: (['pass', 'fail', 'warn', 'unknown'] as const)[i % 4],
        evidence: `evidence for ${item.id}`,
      })),
      summary: { pass: 4, fail: 4, warn: 4, unknown: 4 },
    },
  ],
});

export const metricsResponse = (
  stageName = 'dev',
  overrides: Partial<MetricsResponse['stages'][number]> = {},
): MetricsResponse => ({
  entityRef: 'component:default/payments',
  range: { start: 1_000, end: 4_600, step: 60 },
  stages: [
    {
      stage: stageName,
      available: true,
      series: [
        {
          metric: 'errorRate',
          unit: 'ratio',
          points: [
            [1_000, 0.001],
            [1_060, 0.004],
          ],
          threshold: 0.01,
        },
        {
          metric: 'latencyP95',
          unit: 'seconds',
          points: [[1_000, 0.12]],
          threshold: 0.5,
        },
        { metric: 'requestRate', unit: 'req/s', points: [] },
      ],
      ...overrides,
    },
  ],
});

export const preview = (
  overrides: Partial<PromotionPreview> = {},
): PromotionPreview => ({
  entityRef: 'component:default/payments',
  from: 'dev',
  to: 'staging',
  source: { image: 'registry.local/payments:1.4.2', version: '1.4.2' },
  target: { image: 'registry.local/payments:1.1.0', version: '1.1.0' },
  diff: [
    {
      field: 'image',
      from: 'registry.local/payments:1.1.0',
      to: 'registry.local/payments:1.4.2',
    },
  ],
  gates: [
    { id: 'checklist', title: 'Checklist', result: 'pass', detail: 'all pass' },
    {
      id: 'error-rate',
      title: 'Error rate below 1 %',
      result: 'pass',
      detail: '0.4 % over 15 min',
    },
  ],
  gatesPassed: true,
  risk: { level: 'low', reasons: ['3 minor versions ahead'] },
  allowed: true,
  canOverride: false,
  ...overrides,
});

export const promotion = (overrides: Partial<Promotion> = {}): Promotion => ({
  id: 'p-1',
  entityRef: 'component:default/payments',
  from: 'dev',
  to: 'staging',
  strategy: 'image',
  state: 'running',
  imageBefore: 'registry.local/payments:1.1.0',
  imageAfter: 'registry.local/payments:1.4.2',
  progress: { desired: 3, updated: 1, ready: 0 },
  gates: [],
  risk: { level: 'low', reasons: [] },
  requestedBy: 'user:default/alice',
  createdAt: '2026-11-26T04:00:00Z',
  summary: 'payments 1.4.2 to staging',
  ...overrides,
});

/** staging has a deploy window (open), prod needs two approvals and its window is closed (queueing). */
export const stageGovernance = (
  items: StageGovernance[] = [
    { stage: 'dev' },
    {
      stage: 'staging',
      window: {
        open: true,
        changesAt: '2026-12-04T16:00:00Z',
        timeZone: 'Europe/Berlin',
        outside: 'refuse',
      },
    },
    {
      stage: 'prod',
      approval: {
        required: 2,
        approvers: ['group:default/release-managers'],
        allowRequester: false,
        validForSeconds: 86_400,
      },
      window: {
        open: false,
        changesAt: '2026-12-07T08:00:00Z',
        timeZone: 'Europe/Berlin',
        outside: 'queue',
      },
    },
  ],
): StageGovernanceList => ({ items });

/** A promotion of 1.1.0 from staging into prod that waits for two approvals. */
export const awaitingApproval = (
  approval: Partial<PromotionApproval> = {},
  overrides: Partial<Promotion> = {},
): Promotion =>
  promotion({
    id: 'p-2',
    from: 'staging',
    to: 'prod',
    state: 'awaiting-approval',
    imageBefore: 'registry.local/payments:1.0.0',
    imageAfter: 'registry.local/payments:1.1.0',
    progress: { desired: 3, updated: 0, ready: 0 },
    summary: 'payments 1.1.0 to prod',
    approval: {
      required: 2,
      approvers: ['group:default/release-managers'],
      expiresAt: '2026-11-27T04:00:00Z',
      decisions: [],
      canDecide: true,
      ...approval,
    },
    ...overrides,
  });

/** The body Backstage's error middleware answers with, as the backend sends it for a refusal. */
export const errorBody = (
  status: number,
  name: string,
  message: string,
  url: string,
) => ({
  error: { name, message },
  request: { method: 'POST', url },
  response: { statusCode: status },
});
