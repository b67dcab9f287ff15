import type { Entity } from '@backstage/catalog-model';
import {
  CHECKLIST,
  CheckResult,
  HealthEndpointResult,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_ID_LABEL,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
} from '@envportal/plugin-environments-common';
import { CachedKind, CachedObject, NamespaceCache, RESOURCES } from '../cache';
import { workloadSelectorFor, WorkloadSelector } from '../entities';
import { takeWorkloadSnapshot } from '../status';
import { CHECKS, CheckInput } from './checks';
import { LogSignal, StageSignals } from './types';

// One stage of one service, "orders" in namespace shop-dev, as the cache and the signal readers
// hand it to the checks. Each test starts from a compliant stage and breaks one thing.

const NAMESPACE = 'shop-dev';
const ENTITY_LABELS = { [KUBERNETES_ID_LABEL]: 'orders' };
const POD_LABELS = { app: 'orders', [KUBERNETES_ID_LABEL]: 'orders' };
const DEPLOYMENT_UID = '0d5f5a52-6f1c-4a53-9b55-3d1b3f7f2a10';
const REVISION = '3';
const CURRENT_RS = 'orders-7d9f8b6c5';
const IMAGE = 'ghcr.io/acme/orders:1.4.2';

const ordersEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders',
    annotations: { [KUBERNETES_ID_ANNOTATION]: 'orders' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-shop' },
};
const SELECTOR: WorkloadSelector = workloadSelectorFor(ordersEntity)!;

type Deployment = CachedObject<'Deployment'>;
type PodSpec = NonNullable<NonNullable<Deployment['spec']>['template']['spec']>;
type Container = PodSpec['containers'][number];
type StageObjects = { [K in CachedKind]?: Array<CachedObject<K>> };
type PrometheusSignal = StageSignals['prometheus'];

// ---- Kubernetes objects ------------------------------------------------------------------------

function appContainer(overrides: Partial<Container> = {}): Container {
  return {
    name: 'orders',
    image: IMAGE,
    ports: [{ name: 'http', containerPort: 7007 }],
    resources: {
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    },
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    },
    ...overrides,
  };
}

function appPodSpec(overrides: Partial<PodSpec> = {}): PodSpec {
  return {
    serviceAccountName: 'orders',
    automountServiceAccountToken: false,
    securityContext: { fsGroup: 10001 },
    containers: [appContainer()],
    ...overrides,
  };
}

function rolledOutStatus(replicas: number): Deployment['status'] {
  return {
    observedGeneration: 3,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${CURRENT_RS}" has successfully progressed.`,
      },
    ],
  };
}

function deployment(
  options: {
    replicas?: number;
    generation?: number;
    podSpec?: PodSpec;
    status?: Deployment['status'];
  } = {},
): Deployment {
  const replicas = options.replicas ?? 2;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'orders',
      namespace: NAMESPACE,
      uid: DEPLOYMENT_UID,
      generation: options.generation ?? 3,
      labels: ENTITY_LABELS,
      annotations: { 'deployment.kubernetes.io/revision': REVISION },
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'orders' } },
      template: {
        metadata: { labels: POD_LABELS },
        spec: options.podSpec ?? appPodSpec(),
      },
    },
    status: options.status ?? rolledOutStatus(replicas),
  };
}

function currentReplicaSet(readyReplicas: number): CachedObject<'ReplicaSet'> {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: CURRENT_RS,
      namespace: NAMESPACE,
      labels: { ...POD_LABELS, 'pod-template-hash': '7d9f8b6c5' },
      annotations: { 'deployment.kubernetes.io/revision': REVISION },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'orders',
          uid: DEPLOYMENT_UID,
          controller: true,
        },
      ],
    },
    spec: {
      replicas: 2,
      selector: {
        matchLabels: { app: 'orders', 'pod-template-hash': '7d9f8b6c5' },
      },
    },
    status: { replicas: 2, readyReplicas, availableReplicas: readyReplicas },
  };
}

function pod(
  suffix: string,
  options: { ready?: boolean; restarts?: number } = {},
): CachedObject<'Pod'> {
  const ready = options.ready ?? true;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${CURRENT_RS}-${suffix}`,
      namespace: NAMESPACE,
      labels: { ...POD_LABELS, 'pod-template-hash': '7d9f8b6c5' },
    },
    spec: { containers: [appContainer()] },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: ready ? 'True' : 'False' },
      ],
      containerStatuses: [
        {
          name: 'orders',
          image: IMAGE,
          imageID: `ghcr.io/acme/orders@sha256:${'4f'.repeat(32)}`,
          ready,
          started: true,
          restartCount: options.restarts ?? 0,
        },
      ],
    },
  };
}

function service(name: string): CachedObject<'Service'> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NAMESPACE, labels: ENTITY_LABELS },
    spec: {
      selector: { app: 'orders' },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    },
  };
}

function endpointSlice(
  serviceName: string,
  endpointsReady: Array<boolean | undefined>,
): CachedObject<'EndpointSlice'> {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${serviceName}-x7k2q`,
      namespace: NAMESPACE,
      labels: { 'kubernetes.io/service-name': serviceName },
    },
    addressType: 'IPv4',
    endpoints: endpointsReady.map((ready, i) => ({
      addresses: [`10.42.0.${17 + i}`],
      conditions: ready === undefined ? {} : { ready },
    })),
  };
}

function configMap(
  name: string,
  labels: Record<string, string>,
): CachedObject<'ConfigMap'> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: NAMESPACE, labels },
    contentHash: 'e3b0c442',
  };
}

function serviceAccount(
  name: string,
  automountServiceAccountToken?: boolean,
): CachedObject<'ServiceAccount'> {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace: NAMESPACE, labels: ENTITY_LABELS },
    automountServiceAccountToken,
  };
}

function role(name: string): CachedObject<'Role'> {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace: NAMESPACE, labels: ENTITY_LABELS },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
  };
}

function roleBinding(
  name: string,
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string },
  subject: { name: string; namespace?: string },
): CachedObject<'RoleBinding'> {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: NAMESPACE, labels: ENTITY_LABELS },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects: [
      {
        kind: 'ServiceAccount',
        name: subject.name,
        namespace: subject.namespace ?? NAMESPACE,
      },
    ],
  };
}

function networkPolicy(
  name: string,
  matchLabels: Record<string, string>,
): CachedObject<'NetworkPolicy'> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: NAMESPACE },
    spec: { podSelector: { matchLabels }, policyTypes: ['Ingress'] },
  };
}

function prometheusRule(
  name: string,
  labels: Record<string, string>,
): CachedObject<'PrometheusRule'> {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name, namespace: NAMESPACE, labels },
    spec: { groups: [{ name: 'orders', rules: [] }] },
  };
}

/** Everything a compliant stage of the service has in its namespace. */
function compliantStage(): StageObjects {
  return {
    Deployment: [deployment()],
    ReplicaSet: [currentReplicaSet(2)],
    Pod: [pod('h2x9v'), pod('q8wzt', { restarts: 1 })],
    Service: [service('orders')],
    EndpointSlice: [endpointSlice('orders', [true, true])],
    ConfigMap: [
      configMap('orders-config', ENTITY_LABELS),
      configMap('orders-dashboard', {
        ...ENTITY_LABELS,
        grafana_dashboard: '1',
      }),
    ],
    ServiceAccount: [serviceAccount('orders', false)],
    HorizontalPodAutoscaler: [
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: {
          name: 'orders',
          namespace: NAMESPACE,
          labels: ENTITY_LABELS,
        },
        spec: {
          minReplicas: 2,
          maxReplicas: 6,
          scaleTargetRef: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'orders',
          },
        },
      },
    ],
    PodDisruptionBudget: [
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: {
          name: 'orders',
          namespace: NAMESPACE,
          labels: ENTITY_LABELS,
        },
        spec: { minAvailable: 1, selector: { matchLabels: { app: 'orders' } } },
      },
    ],
    Role: [role('orders')],
    RoleBinding: [
      roleBinding(
        'orders',
        { kind: 'Role', name: 'orders' },
        { name: 'orders' },
      ),
    ],
    NetworkPolicy: [networkPolicy('orders', { app: 'orders' })],
    PrometheusRule: [prometheusRule('orders', ENTITY_LABELS)],
  };
}

/** An in-memory namespace cache holding exactly the given objects, fully synced. */
function namespaceCacheOf(
  objects: StageObjects,
  options: { prometheusRuleCrdInstalled: boolean },
): NamespaceCache {
  const list = <K extends CachedKind>(kind: K) =>
    (objects[kind] ?? []) as Array<CachedObject<K>>;
  return {
    clusterName: 'dev-cluster',
    namespace: NAMESPACE,
    list,
    get: (kind, name) => list(kind).find(o => o.metadata?.name === name),
    has: kind =>
      RESOURCES.some(r => r.kind === kind) &&
      (kind !== 'PrometheusRule' || options.prometheusRuleCrdInstalled),
    waitForSync: async () => true,
    health: () => ({ synced: true, stale: false, errors: [], kinds: [] }),
    listCalls: () => 0,
    version: () => 1,
  };
}

// ---- Signals gathered outside the cache, as the prober, Prometheus client and log reader shape them

function healthProbeResult(
  live: CheckResult,
  ready: CheckResult,
  detail: string,
): HealthEndpointResult {
  return { live, ready, detail };
}

function upSample(instance: string, value: number, job = 'orders') {
  return {
    labels: {
      __name__: 'up',
      job,
      instance,
      endpoint: 'http',
      namespace: NAMESPACE,
      service: 'orders',
    },
    value,
  };
}

function prometheusAnswering(
  overrides: Partial<Extract<PrometheusSignal, { configured: true }>> = {},
): PrometheusSignal {
  return {
    configured: true,
    ready: true,
    readyDetail: 'Prometheus is ready',
    service: 'orders',
    up: [upSample('10.42.0.17:7007', 1), upSample('10.42.0.18:7007', 1)],
    alertRules: ['OrdersHighErrorRate', 'OrdersHighLatency'],
    ...overrides,
  };
}

/** Prometheus did not answer /-/ready, so nothing else was asked. */
function prometheusNotReady(readyDetail: string): PrometheusSignal {
  return { configured: true, ready: false, readyDetail, service: 'orders' };
}

/** Prometheus was ready but the `up` / rules queries failed. */
function prometheusQueryFailed(error: string): PrometheusSignal {
  return {
    configured: true,
    ready: true,
    readyDetail: 'Prometheus is ready',
    service: 'orders',
    error,
  };
}

const PROMETHEUS_NOT_CONFIGURED: PrometheusSignal = { configured: false };

function logsRead(
  counts: { pods?: number; lines?: number; errorLines?: number } = {},
  firstErrorPod?: string,
  recentErrors: string[] = [],
): LogSignal {
  return {
    readable: true,
    pods: counts.pods ?? 2,
    lines: counts.lines ?? 400,
    errorLines: counts.errorLines ?? 0,
    firstErrorPod,
    recentErrors,
  };
}

function logsUnreadable(reason: string): LogSignal {
  return { readable: false, reason };
}

function healthySignals(): StageSignals {
  return {
    health: healthProbeResult(
      'pass',
      'pass',
      '/health/live 200; /health/ready 200',
    ),
    prometheus: prometheusAnswering(),
    logs: logsRead(),
  };
}

function checkInput(
  objects: StageObjects = compliantStage(),
  options: {
    signals?: Partial<StageSignals>;
    prometheusRuleCrdInstalled?: boolean;
    maxRestarts?: number;
    selector?: WorkloadSelector;
  } = {},
): CheckInput {
  const cache = namespaceCacheOf(objects, {
    prometheusRuleCrdInstalled: options.prometheusRuleCrdInstalled ?? true,
  });
  const selector = options.selector ?? SELECTOR;
  return {
    namespace: NAMESPACE,
    cache,
    snapshot: takeWorkloadSnapshot(cache, selector),
    selector,
    signals: { ...healthySignals(), ...options.signals },
    maxRestarts: options.maxRestarts ?? 5,
  };
}

const withSignals = (signals: Partial<StageSignals>) =>
  checkInput(compliantStage(), { signals });

const NO_DEPLOYMENT =
  'no Deployment labelled backstage.io/kubernetes-id=orders in namespace shop-dev';

const pass = (evidence: string) => ({ result: 'pass', evidence });
const fail = (evidence: string) => ({ result: 'fail', evidence });
const warn = (evidence: string) => ({ result: 'warn', evidence });
const unknown = (evidence: string) => ({ result: 'unknown', evidence });

// ---- The items -----------------------------------------------------------------------------------

describe('CHECKS', () => {
  it('has exactly one check per checklist item', () => {
    expect(Object.keys(CHECKS).sort()).toEqual(
      CHECKLIST.map(item => item.id).sort(),
    );
  });

  it('passes every item on a compliant, healthy stage', () => {
    const input = checkInput();
    const results = Object.fromEntries(
      CHECKLIST.map(item => [item.id, CHECKS[item.id](input).result]),
    );
    expect(results).toEqual(
      Object.fromEntries(CHECKLIST.map(item => [item.id, 'pass'])),
    );
  });

  it.each([
    'pods-ready',
    'resources-created',
    'services-accessible',
    'resource-limits',
    'rbac',
    'secrets-managed',
    'network-policies',
    'non-root',
    'grafana-dashboards',
  ])(
    'fails %s, never passes it, in a namespace where nothing is deployed',
    id => {
      expect(CHECKS[id](checkInput({})).result).toBe('fail');
    },
  );
});

describe('pods-ready', () => {
  const check = CHECKS['pods-ready'];

  it('passes when every desired pod is ready and the rollout is complete', () => {
    expect(check(checkInput())).toEqual(
      pass('2/2 pods ready, rollout complete, at most 1 restarts per pod'),
    );
  });

  it('passes with restarts exactly at the limit', () => {
    const objects = {
      ...compliantStage(),
      Pod: [pod('h2x9v', { restarts: 5 }), pod('q8wzt')],
    };
    expect(check(checkInput(objects, { maxRestarts: 5 }))).toEqual(
      pass('2/2 pods ready, rollout complete, at most 5 restarts per pod'),
    );
  });

  it('fails and names the pods that are not ready', () => {
    const objects = {
      ...compliantStage(),
      Deployment: [
        deployment({
          status: {
            ...rolledOutStatus(2),
            readyReplicas: 1,
            availableReplicas: 1,
          },
        }),
      ],
      ReplicaSet: [currentReplicaSet(1)],
      Pod: [pod('h2x9v'), pod('q8wzt', { ready: false })],
    };
    expect(check(checkInput(objects))).toEqual(
      fail(
        '1/2 pods ready, rollout progressing; not ready: orders-7d9f8b6c5-q8wzt',
      ),
    );
  });

  it('names at most five of the pods that are not ready', () => {
    const objects = {
      ...compliantStage(),
      Deployment: [
        deployment({
          replicas: 6,
          status: {
            ...rolledOutStatus(6),
            readyReplicas: 0,
            availableReplicas: 0,
          },
        }),
      ],
      ReplicaSet: [currentReplicaSet(0)],
      Pod: ['a', 'b', 'c', 'd', 'e', 'f'].map(suffix =>
        pod(suffix, { ready: false }),
      ),
    };
    expect(check(checkInput(objects))).toEqual(
      fail(
        `0/6 pods ready, rollout progressing; not ready: ${[
          'a',
          'b',
          'c',
          'd',
          'e',
        ]
          .map(suffix => `${CURRENT_RS}-${suffix}`)
          .join(', ')}`,
      ),
    );
  });

  it('fails with "pods missing" when the Deployment has no pods at all', () => {
    const objects = {
      ...compliantStage(),
      Deployment: [
        deployment({
          status: {
            ...rolledOutStatus(2),
            readyReplicas: 0,
            availableReplicas: 0,
          },
        }),
      ],
      ReplicaSet: [currentReplicaSet(0)],
      Pod: [],
    };
    expect(check(checkInput(objects))).toEqual(
      fail('0/2 pods ready, rollout progressing; not ready: pods missing'),
    );
  });

  it('fails with the controller message when the rollout exceeded its progress deadline', () => {
    const deadline = `ReplicaSet "${CURRENT_RS}" has timed out progressing.`;
    const objects = {
      ...compliantStage(),
      Deployment: [
        deployment({
          status: {
            ...rolledOutStatus(2),
            readyReplicas: 1,
            availableReplicas: 1,
            conditions: [
              {
                type: 'Progressing',
                status: 'False',
                reason: 'ProgressDeadlineExceeded',
                message: deadline,
              },
            ],
          },
        }),
      ],
      ReplicaSet: [currentReplicaSet(1)],
      Pod: [pod('h2x9v'), pod('q8wzt', { ready: false })],
    };
    expect(check(checkInput(objects))).toEqual(
      fail(
        `1/2 pods ready, rollout failed: progress deadline exceeded: ${deadline}`,
      ),
    );
  });

  it('fails when a pod restarted more often than the configured limit', () => {
    const objects = {
      ...compliantStage(),
      Pod: [pod('h2x9v'), pod('q8wzt', { restarts: 6 })],
    };
    expect(check(checkInput(objects, { maxRestarts: 5 }))).toEqual(
      fail(
        '2/2 pods ready, rollout complete, but a pod restarted 6 times (limit 5)',
      ),
    );
  });

  it('warns while the controller has not yet observed a new spec, although the pods are ready', () => {
    const objects = {
      ...compliantStage(),
      Deployment: [deployment({ generation: 4 })],
    };
    expect(check(checkInput(objects))).toEqual(
      warn(
        '2/2 pods ready, rollout progressing: waiting for the controller to observe the change',
      ),
    );
  });

  it('fails, never passes, when the Deployment is scaled to zero', () => {
    const objects = {
      ...compliantStage(),
      Deployment: [deployment({ replicas: 0 })],
      ReplicaSet: [currentReplicaSet(0)],
      Pod: [],
    };
    expect(check(checkInput(objects))).toEqual(
      fail(
        '0/0 pods ready, rollout complete: the Deployment is scaled to 0 replicas',
      ),
    );
  });

  it('fails when no Deployment carries the entity label', () => {
    expect(check(checkInput({ ...compliantStage(), Deployment: [] }))).toEqual(
      fail(NO_DEPLOYMENT),
    );
  });
});

describe('health-endpoints', () => {
  const check = CHECKS['health-endpoints'];

  it('passes when /health/live and /health/ready both answer 2xx', () => {
    expect(check(checkInput())).toEqual(
      pass("the stage's health endpoints: /health/live 200; /health/ready 200"),
    );
  });

  it('fails when the service is alive but not ready', () => {
    const health = healthProbeResult(
      'pass',
      'fail',
      '/health/live 200; /health/ready answered 503',
    );
    expect(check(withSignals({ health }))).toEqual(
      fail(
        "the stage's health endpoints: /health/live 200; /health/ready answered 503",
      ),
    );
  });

  it('fails when the service is ready but its liveness endpoint fails', () => {
    const health = healthProbeResult(
      'fail',
      'pass',
      '/health/live answered 500; /health/ready 200',
    );
    expect(check(withSignals({ health }))).toEqual(
      fail(
        "the stage's health endpoints: /health/live answered 500; /health/ready 200",
      ),
    );
  });

  it('fails when neither endpoint is reachable', () => {
    const health = healthProbeResult(
      'fail',
      'fail',
      '/health/live unreachable (ECONNREFUSED); /health/ready no answer within 1000 ms',
    );
    expect(check(withSignals({ health }))).toEqual(
      fail(
        "the stage's health endpoints: /health/live unreachable (ECONNREFUSED); /health/ready no answer within 1000 ms",
      ),
    );
  });

  it('is unknown, with the reason, when the stage has no healthUrl to probe', () => {
    const reason =
      'no healthUrl is configured for this stage; the backend does not reach pod IPs, so the endpoints were not probed';
    const health = healthProbeResult('unknown', 'unknown', reason);
    expect(check(withSignals({ health }))).toEqual(unknown(reason));
  });

  it('is unknown when no probe result reached the checklist', () => {
    expect(check(withSignals({ health: undefined }))).toEqual(
      unknown('health endpoints not probed'),
    );
  });
});

describe('logs-no-errors', () => {
  const check = CHECKS['logs-no-errors'];

  it('passes when none of the recent lines is at level error or above', () => {
    expect(
      check(withSignals({ logs: logsRead({ pods: 2, lines: 400 }) })),
    ).toEqual(
      pass(
        'none of the last 400 log lines of 2 pod(s) is at level error or above',
      ),
    );
  });

  it('fails with the error count and the first pod that logged one', () => {
    const logs = logsRead(
      { pods: 2, lines: 400, errorLines: 3 },
      'orders-7d9f8b6c5-q8wzt',
    );
    expect(check(withSignals({ logs }))).toEqual(
      fail(
        '3 of the last 400 log lines of 2 pod(s) are at level error or above (first in orders-7d9f8b6c5-q8wzt)',
      ),
    );
  });

  it('lists the summaries of the most recent error lines behind a failure', () => {
    const recent = [
      '2026-11-30T05:01:02Z orders-1: request failed (status 500)',
    ];
    const logs = logsRead(
      { pods: 1, lines: 10, errorLines: 1 },
      'orders-1',
      recent,
    );
    expect(check(withSignals({ logs }))).toMatchObject({
      result: 'fail',
      details: recent,
    });
  });

  it('fails on a single error line', () => {
    const logs = logsRead(
      { pods: 3, lines: 600, errorLines: 1 },
      'orders-7d9f8b6c5-h2x9v',
    );
    expect(check(withSignals({ logs }))).toEqual(
      fail(
        '1 of the last 600 log lines of 3 pod(s) are at level error or above (first in orders-7d9f8b6c5-h2x9v)',
      ),
    );
  });

  it('is unknown when the API server refuses the logs', () => {
    const reason =
      'the API server could not return logs of pod orders-7d9f8b6c5-h2x9v: 403 Forbidden';
    expect(check(withSignals({ logs: logsUnreadable(reason) }))).toEqual(
      unknown(`logs not readable: ${reason}`),
    );
  });

  it('is unknown when there is no pod to read logs from', () => {
    const logs = logsUnreadable('no pods to read logs from');
    expect(check(withSignals({ logs }))).toEqual(
      unknown('logs not readable: no pods to read logs from'),
    );
  });

  it('is unknown, not pass, when the pods wrote no log line', () => {
    expect(
      check(withSignals({ logs: logsRead({ pods: 2, lines: 0 }) })),
    ).toEqual(unknown('no log lines in the last lines of 2 pod(s)'));
  });
});

describe('metrics-collected', () => {
  const check = CHECKS['metrics-collected'];

  it('passes when every scrape target of the service reports up == 1', () => {
    expect(check(checkInput())).toEqual(
      pass('2 scrape target(s) of "orders" report up == 1'),
    );
  });

  it('warns when only some scrape targets are up', () => {
    const prometheus = prometheusAnswering({
      up: [upSample('10.42.0.17:7007', 1), upSample('10.42.0.18:7007', 0)],
    });
    expect(check(withSignals({ prometheus }))).toEqual(
      warn('1 of 2 scrape targets of "orders" are up'),
    );
  });

  it('fails when every scrape target is down', () => {
    const prometheus = prometheusAnswering({
      up: [upSample('10.42.0.17:7007', 0), upSample('10.42.0.18:7007', 0)],
    });
    expect(check(withSignals({ prometheus }))).toEqual(
      fail('all 2 scrape target(s) of "orders" are down (up == 0)'),
    );
  });

  it('fails when Prometheus has no scrape target for the service', () => {
    const prometheus = prometheusAnswering({ up: [] });
    expect(check(withSignals({ prometheus }))).toEqual(
      fail(
        'Prometheus has no scrape target for service "orders" in namespace shop-dev',
      ),
    );
  });

  it('is unknown when no Prometheus is configured', () => {
    expect(
      check(withSignals({ prometheus: PROMETHEUS_NOT_CONFIGURED })),
    ).toEqual(unknown('environments.prometheus.url is not configured'));
  });

  it('is unknown when Prometheus is not ready', () => {
    const prometheus = prometheusNotReady(
      'Prometheus is unreachable: ECONNREFUSED',
    );
    expect(check(withSignals({ prometheus }))).toEqual(
      unknown(
        'Prometheus not queried: Prometheus is unreachable: ECONNREFUSED',
      ),
    );
  });

  it('is unknown when the up query fails', () => {
    const prometheus = prometheusQueryFailed(
      'Prometheus /api/v1/query answered 503: query timed out',
    );
    expect(check(withSignals({ prometheus }))).toEqual(
      unknown(
        'Prometheus not queried: Prometheus /api/v1/query answered 503: query timed out',
      ),
    );
  });
});

describe('resources-created', () => {
  const check = CHECKS['resources-created'];

  it('passes and names one object of each of the six kinds', () => {
    expect(check(checkInput())).toEqual(
      pass(
        'present: Deployment/orders, Service/orders, ConfigMap/orders-config, ServiceAccount/orders, HorizontalPodAutoscaler/orders, PodDisruptionBudget/orders',
      ),
    );
  });

  it('fails and lists the missing kinds beside the present ones', () => {
    const objects = {
      ...compliantStage(),
      HorizontalPodAutoscaler: [],
      PodDisruptionBudget: [],
    };
    expect(check(checkInput(objects))).toEqual(
      fail(
        'missing: HorizontalPodAutoscaler, PodDisruptionBudget; present: Deployment/orders, Service/orders, ConfigMap/orders-config, ServiceAccount/orders',
      ),
    );
  });

  it('does not count objects that lack the entity label', () => {
    const objects = {
      ...compliantStage(),
      ServiceAccount: [
        { ...serviceAccount('orders', false), metadata: { name: 'orders' } },
      ],
    };
    expect(check(checkInput(objects))).toEqual(
      fail(
        'missing: ServiceAccount; present: Deployment/orders, Service/orders, ConfigMap/orders-config, HorizontalPodAutoscaler/orders, PodDisruptionBudget/orders',
      ),
    );
  });

  it('fails listing all six kinds when nothing is deployed', () => {
    expect(check(checkInput({}))).toEqual(
      fail(
        'missing: Deployment, Service, ConfigMap, ServiceAccount, HorizontalPodAutoscaler, PodDisruptionBudget',
      ),
    );
  });
});

describe('services-accessible', () => {
  const check = CHECKS['services-accessible'];

  it('passes with the ready endpoint count of the Service', () => {
    expect(check(checkInput())).toEqual(
      pass('Service/orders has 2 ready endpoint(s)'),
    );
  });

  it('counts an endpoint whose readiness is unset as ready, as kube-proxy does', () => {
    const objects = {
      ...compliantStage(),
      EndpointSlice: [endpointSlice('orders', [undefined, false])],
    };
    expect(check(checkInput(objects))).toEqual(
      pass('Service/orders has 1 ready endpoint(s)'),
    );
  });

  it('fails when every endpoint of the Service is not ready', () => {
    const objects = {
      ...compliantStage(),
      EndpointSlice: [endpointSlice('orders', [false, false])],
    };
    expect(check(checkInput(objects))).toEqual(
      fail('Service/orders has 0 ready endpoint(s)'),
    );
  });

  it("fails when only another Service's EndpointSlice exists", () => {
    const objects = {
      ...compliantStage(),
      EndpointSlice: [endpointSlice('payments', [true, true])],
    };
    expect(check(checkInput(objects))).toEqual(
      fail('Service/orders has 0 ready endpoint(s)'),
    );
  });

  it('counts no endpoint in a slice that has none, as the API server sends it (endpoints: null)', () => {
    const empty = {
      ...endpointSlice('orders', []),
      endpoints: null as unknown as [],
    };
    const objects = { ...compliantStage(), EndpointSlice: [empty] };
    expect(check(checkInput(objects))).toEqual(
      fail('Service/orders has 0 ready endpoint(s)'),
    );
  });

  it('skips an EndpointSlice without labels, as a hand-made one may be', () => {
    const objects = {
      ...compliantStage(),
      EndpointSlice: [
        {
          ...endpointSlice('orders', [true]),
          metadata: { name: 'orders-manual', namespace: NAMESPACE },
        },
        endpointSlice('orders', [true, true]),
      ],
    };
    expect(check(checkInput(objects))).toEqual(
      pass('Service/orders has 2 ready endpoint(s)'),
    );
  });

  it('fails when one of several Services has no ready endpoint, naming each', () => {
    const objects = {
      ...compliantStage(),
      Service: [service('orders'), service('orders-grpc')],
    };
    expect(check(checkInput(objects))).toEqual(
      fail(
        'Service/orders has 2 ready endpoint(s); Service/orders-grpc has 0 ready endpoint(s)',
      ),
    );
  });

  it('fails when no Service carries the entity label', () => {
    expect(check(checkInput({ ...compliantStage(), Service: [] }))).toEqual(
      fail('no Service labelled backstage.io/kubernetes-id=orders'),
    );
  });
});

describe('monitoring-operational', () => {
  const check = CHECKS['monitoring-operational'];

  it('passes when Prometheus reports ready', () => {
    expect(check(checkInput())).toEqual(pass('Prometheus is ready'));
  });

  it('fails with the answer of /-/ready when Prometheus is not ready', () => {
    const prometheus = prometheusNotReady(
      'Prometheus answered 503 on /-/ready',
    );
    expect(check(withSignals({ prometheus }))).toEqual(
      fail('Prometheus answered 503 on /-/ready'),
    );
  });

  it('fails when Prometheus is unreachable', () => {
    const prometheus = prometheusNotReady(
      'Prometheus is unreachable: ECONNREFUSED',
    );
    expect(check(withSignals({ prometheus }))).toEqual(
      fail('Prometheus is unreachable: ECONNREFUSED'),
    );
  });

  it('is unknown when no Prometheus is configured', () => {
    expect(
      check(withSignals({ prometheus: PROMETHEUS_NOT_CONFIGURED })),
    ).toEqual(unknown('environments.prometheus.url is not configured'));
  });
});

describe('resource-limits', () => {
  const check = CHECKS['resource-limits'];

  it('passes when every container, init containers included, sets cpu and memory requests and limits', () => {
    const podSpec = appPodSpec({
      initContainers: [appContainer({ name: 'migrate' })],
    });
    const objects = {
      ...compliantStage(),
      Deployment: [deployment({ podSpec })],
    };
    expect(check(checkInput(objects))).toEqual(
      pass('2 container(s) set cpu and memory requests and limits'),
    );
  });

  it('fails naming each container and each missing value', () => {
    const podSpec = appPodSpec({
      initContainers: [appContainer({ name: 'migrate', resources: {} })],
      containers: [
        appContainer({
          resources: {
            requests: { cpu: '100m', memory: '128Mi' },
            limits: { cpu: '500m' },
          },
        }),
      ],
    });
    const objects = {
      ...compliantStage(),
      Deployment: [deployment({ podSpec })],
    };
    expect(check(checkInput(objects))).toEqual(
      fail(
        'migrate: no requests.cpu, requests.memory, limits.cpu, limits.memory; orders: no limits.memory',
      ),
    );
  });

  it('fails when no Deployment carries the entity label', () => {
    expect(check(checkInput({ ...compliantStage(), Deployment: [] }))).toEqual(
      fail(NO_DEPLOYMENT),
    );
  });
});

describe('rbac', () => {
  const check = CHECKS.rbac;
  const withPodSpec = (podSpec: PodSpec, objects = compliantStage()) => ({
    ...objects,
    Deployment: [deployment({ podSpec })],
  });

  it('passes with a dedicated ServiceAccount bound to an existing Role and no token mounted', () => {
    expect(check(checkInput())).toEqual(
      pass('ServiceAccount orders bound to Role orders; token automount off'),
    );
  });

  it('accepts automount turned off on the ServiceAccount instead of the pod', () => {
    const objects = withPodSpec(
      appPodSpec({ automountServiceAccountToken: undefined }),
    );
    expect(check(checkInput(objects))).toEqual(
      pass('ServiceAccount orders bound to Role orders; token automount off'),
    );
  });

  it('fails when the pods run as the namespace default ServiceAccount', () => {
    const objects = withPodSpec(appPodSpec({ serviceAccountName: undefined }));
    expect(check(checkInput(objects))).toEqual(
      fail(
        'pods run as the namespace default ServiceAccount; no RoleBinding names ServiceAccount default',
      ),
    );
  });

  it('fails when the named ServiceAccount does not exist', () => {
    const objects = withPodSpec(
      appPodSpec({ serviceAccountName: 'orders-runner' }),
    );
    expect(check(checkInput(objects))).toEqual(
      fail(
        'ServiceAccount orders-runner does not exist; no RoleBinding names ServiceAccount orders-runner',
      ),
    );
  });

  it('fails when no RoleBinding names the ServiceAccount', () => {
    expect(check(checkInput({ ...compliantStage(), RoleBinding: [] }))).toEqual(
      fail('no RoleBinding names ServiceAccount orders'),
    );
  });

  it('does not count a RoleBinding for a ServiceAccount of the same name in another namespace', () => {
    const objects = {
      ...compliantStage(),
      RoleBinding: [
        roleBinding(
          'orders',
          { kind: 'Role', name: 'orders' },
          { name: 'orders', namespace: 'shop-prod' },
        ),
      ],
    };
    expect(check(checkInput(objects))).toEqual(
      fail('no RoleBinding names ServiceAccount orders'),
    );
  });

  it('fails when the RoleBinding points at a Role that does not exist', () => {
    expect(check(checkInput({ ...compliantStage(), Role: [] }))).toEqual(
      fail('RoleBinding(s) orders bind no existing Role'),
    );
  });

  it('fails when the only binding grants a ClusterRole', () => {
    const objects = {
      ...compliantStage(),
      RoleBinding: [
        roleBinding(
          'orders-edit',
          { kind: 'ClusterRole', name: 'edit' },
          { name: 'orders' },
        ),
      ],
    };
    expect(check(checkInput(objects))).toEqual(
      fail('RoleBinding(s) orders-edit bind no existing Role'),
    );
  });

  it('counts a RoleBinding that names the ServiceAccount among other subjects', () => {
    const binding = roleBinding(
      'orders',
      { kind: 'Role', name: 'orders' },
      { name: 'orders' },
    );
    binding.subjects = [
      { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
      ...binding.subjects!,
    ];
    expect(
      check(checkInput({ ...compliantStage(), RoleBinding: [binding] })),
    ).toEqual(
      pass('ServiceAccount orders bound to Role orders; token automount off'),
    );
  });

  it("does not count a RoleBinding for a user who has the ServiceAccount's name", () => {
    const binding = roleBinding(
      'orders',
      { kind: 'Role', name: 'orders' },
      { name: 'orders' },
    );
    binding.subjects = [
      { kind: 'User', name: 'orders', apiGroup: 'rbac.authorization.k8s.io' },
    ];
    expect(
      check(checkInput({ ...compliantStage(), RoleBinding: [binding] })),
    ).toEqual(fail('no RoleBinding names ServiceAccount orders'));
  });

  it('does not take a ClusterRole binding for the Role of the same name', () => {
    const objects = {
      ...compliantStage(),
      RoleBinding: [
        roleBinding(
          'orders-cluster',
          { kind: 'ClusterRole', name: 'orders' },
          { name: 'orders' },
        ),
      ],
    };
    expect(check(checkInput(objects))).toEqual(
      fail('RoleBinding(s) orders-cluster bind no existing Role'),
    );
  });

  it('names every binding when none binds an existing Role', () => {
    const objects = {
      ...compliantStage(),
      Role: [],
      RoleBinding: ['orders-read', 'orders-write'].map(name =>
        roleBinding(name, { kind: 'Role', name }, { name: 'orders' }),
      ),
    };
    expect(check(checkInput(objects))).toEqual(
      fail('RoleBinding(s) orders-read, orders-write bind no existing Role'),
    );
  });

  it('names every Role the ServiceAccount is bound to', () => {
    const names = ['orders-read', 'orders-write'];
    const objects = {
      ...compliantStage(),
      Role: names.map(role),
      RoleBinding: names.map(name =>
        roleBinding(name, { kind: 'Role', name }, { name: 'orders' }),
      ),
    };
    expect(check(checkInput(objects))).toEqual(
      pass(
        'ServiceAccount orders bound to Role orders-read, orders-write; token automount off',
      ),
    );
  });

  it('lists every problem when the ServiceAccount is missing and nothing turns automount off', () => {
    const objects = withPodSpec(
      appPodSpec({
        serviceAccountName: 'orders-runner',
        automountServiceAccountToken: undefined,
      }),
    );
    expect(check(checkInput(objects))).toEqual(
      fail(
        'ServiceAccount orders-runner does not exist; no RoleBinding names ServiceAccount orders-runner; the API token is mounted into the pods (automountServiceAccountToken is not false)',
      ),
    );
  });

  it('fails when the API token is mounted into the pods', () => {
    const objects = withPodSpec(
      appPodSpec({ automountServiceAccountToken: undefined }),
      {
        ...compliantStage(),
        ServiceAccount: [serviceAccount('orders', undefined)],
      },
    );
    expect(check(checkInput(objects))).toEqual(
      fail(
        'the API token is mounted into the pods (automountServiceAccountToken is not false)',
      ),
    );
  });

  it('lets the pod spec turn automount back on over the ServiceAccount', () => {
    const objects = withPodSpec(
      appPodSpec({ automountServiceAccountToken: true }),
    );
    expect(check(checkInput(objects))).toEqual(
      fail(
        'the API token is mounted into the pods (automountServiceAccountToken is not false)',
      ),
    );
  });

  it('fails when no Deployment carries the entity label', () => {
    expect(check(checkInput({ ...compliantStage(), Deployment: [] }))).toEqual(
      fail(NO_DEPLOYMENT),
    );
  });
});

describe('secrets-managed', () => {
  const check = CHECKS['secrets-managed'];
  const withPodSpec = (podSpec: PodSpec) => ({
    ...compliantStage(),
    Deployment: [deployment({ podSpec })],
  });

  it('passes and counts secret references through secretKeyRef, envFrom and volumes', () => {
    const podSpec = appPodSpec({
      containers: [
        appContainer({
          env: [
            { name: 'LOG_LEVEL', value: 'info' },
            {
              name: 'DATABASE_PASSWORD',
              valueFrom: {
                secretKeyRef: { name: 'orders-db', key: 'password' },
              },
            },
          ],
          envFrom: [
            { secretRef: { name: 'orders-api-keys' } },
            { configMapRef: { name: 'orders-config' } },
          ],
        }),
      ],
      volumes: [
        { name: 'tls', secret: { secretName: 'orders-tls' } },
        {
          name: 'bundle',
          projected: {
            sources: [{ secret: { name: 'orders-ca' } }],
          },
        },
        { name: 'tmp', emptyDir: {} },
      ],
    });
    expect(check(checkInput(withPodSpec(podSpec)))).toEqual(
      pass(
        '4 secret reference(s) through secretKeyRef, envFrom or volumes; no secret-looking literal env values',
      ),
    );
  });

  it('passes when the pods use no secrets and set no secret-looking literal', () => {
    const podSpec = appPodSpec({
      containers: [
        appContainer({ env: [{ name: 'LOG_LEVEL', value: 'info' }] }),
      ],
    });
    expect(check(checkInput(withPodSpec(podSpec)))).toEqual(
      pass('no secrets used and no secret-looking literal env values'),
    );
  });

  it('counts a projected volume once when one of its sources is a Secret, and one without sources not at all', () => {
    const podSpec = appPodSpec({
      volumes: [
        {
          name: 'token-and-ca',
          projected: {
            sources: [
              { serviceAccountToken: { path: 'token' } },
              { secret: { name: 'orders-ca' } },
            ],
          },
        },
        { name: 'empty', projected: {} },
      ],
    });
    expect(check(checkInput(withPodSpec(podSpec)))).toEqual(
      pass(
        '1 secret reference(s) through secretKeyRef, envFrom or volumes; no secret-looking literal env values',
      ),
    );
  });

  it('does not take a secret-looking name read from a ConfigMap or the pod for a literal', () => {
    const podSpec = appPodSpec({
      containers: [
        appContainer({
          env: [
            {
              name: 'TOKEN_AUDIENCE',
              valueFrom: {
                configMapKeyRef: { name: 'orders-config', key: 'audience' },
              },
            },
            {
              name: 'SECRET_MOUNT_POD',
              valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
            },
          ],
        }),
      ],
    });
    expect(check(checkInput(withPodSpec(podSpec)))).toEqual(
      pass('no secrets used and no secret-looking literal env values'),
    );
  });

  it('recognises API and private keys with or without an underscore', () => {
    const podSpec = appPodSpec({
      containers: [
        appContainer({
          env: [
            { name: 'STRIPE_APIKEY', value: 'sk-live-51Hx' },
            { name: 'SIGNING_PRIVATEKEY', value: '-----BEGIN' },
          ],
        }),
      ],
    });
    expect(check(checkInput(withPodSpec(podSpec)))).toEqual(
      fail(
        'secret-looking environment variables set as literal values: orders.STRIPE_APIKEY, orders.SIGNING_PRIVATEKEY',
      ),
    );
  });

  it('fails naming container and variable of each secret-looking literal, never its value', () => {
    const podSpec = appPodSpec({
      initContainers: [
        appContainer({
          name: 'migrate',
          env: [{ name: 'DB_PASSWORD', value: 'hunter2-literal' }],
        }),
      ],
      containers: [
        appContainer({
          env: [
            { name: 'PAYMENTS_API_KEY', value: 'sk-live-51Hx' },
            { name: 'LOG_LEVEL', value: 'info' },
          ],
        }),
      ],
    });
    const verdict = check(checkInput(withPodSpec(podSpec)));
    expect(verdict).toEqual(
      fail(
        'secret-looking environment variables set as literal values: migrate.DB_PASSWORD, orders.PAYMENTS_API_KEY',
      ),
    );
    expect(verdict.evidence).not.toMatch(/hunter2|sk-live/);
  });

  it('fails when no Deployment carries the entity label', () => {
    expect(check(checkInput({ ...compliantStage(), Deployment: [] }))).toEqual(
      fail(NO_DEPLOYMENT),
    );
  });
});

describe('network-policies', () => {
  const check = CHECKS['network-policies'];

  it('passes and names the NetworkPolicy that selects the pods', () => {
    expect(check(checkInput())).toEqual(
      pass('NetworkPolicy orders selects the pods'),
    );
  });

  it('counts a namespace-wide policy with an empty podSelector', () => {
    const defaultDeny: CachedObject<'NetworkPolicy'> = {
      ...networkPolicy('default-deny', {}),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    };
    const objects = { ...compliantStage(), NetworkPolicy: [defaultDeny] };
    expect(check(checkInput(objects))).toEqual(
      pass('NetworkPolicy default-deny selects the pods'),
    );
  });

  it('names every NetworkPolicy that selects the pods', () => {
    const objects = {
      ...compliantStage(),
      NetworkPolicy: [
        networkPolicy('orders-egress', { app: 'orders' }),
        networkPolicy('orders-ingress', { app: 'orders' }),
      ],
    };
    expect(check(checkInput(objects))).toEqual(
      pass('NetworkPolicy orders-egress, orders-ingress selects the pods'),
    );
  });

  it("fails when the namespace's policies select other pods only", () => {
    const objects = {
      ...compliantStage(),
      NetworkPolicy: [networkPolicy('payments', { app: 'payments' })],
    };
    expect(check(checkInput(objects))).toEqual(
      fail('no NetworkPolicy in shop-dev selects the pods of orders'),
    );
  });

  it('fails when no Deployment carries the entity label', () => {
    expect(check(checkInput({ ...compliantStage(), Deployment: [] }))).toEqual(
      fail(NO_DEPLOYMENT),
    );
  });
});

describe('non-root', () => {
  const check = CHECKS['non-root'];
  const withPodSpec = (podSpec: PodSpec) => ({
    ...compliantStage(),
    Deployment: [deployment({ podSpec })],
  });

  it('passes when every container runs as non-root without privilege escalation', () => {
    expect(check(checkInput())).toEqual(
      pass('1 container(s) run as non-root without privilege escalation'),
    );
  });

  it('accepts a non-zero runAsUser inherited from the pod security context', () => {
    const podSpec = appPodSpec({
      securityContext: { runAsUser: 10001, fsGroup: 10001 },
      initContainers: [
        appContainer({
          name: 'migrate',
          securityContext: { allowPrivilegeEscalation: false },
        }),
      ],
      containers: [
        appContainer({ securityContext: { allowPrivilegeEscalation: false } }),
      ],
    });
    expect(check(checkInput(withPodSpec(podSpec)))).toEqual(
      pass('2 container(s) run as non-root without privilege escalation'),
    );
  });

  it("fails when a container overrides the pod's non-root user with user 0", () => {
    const podSpec = appPodSpec({
      securityContext: { runAsNonRoot: true, runAsUser: 10001 },
      containers: [
        appContainer({
          securityContext: { runAsUser: 0, allowPrivilegeEscalation: false },
        }),
      ],
    });
    expect(check(checkInput(withPodSpec(podSpec)))).toEqual(
      fail('orders runs as user 0'),
    );
  });

  it('fails when nothing keeps the container from running as root', () => {
    const podSpec = appPodSpec({
      containers: [
        appContainer({ securityContext: { allowPrivilegeEscalation: false } }),
      ],
    });
    expect(check(checkInput(withPodSpec(podSpec)))).toEqual(
      fail('orders sets neither runAsNonRoot nor a non-zero runAsUser'),
    );
  });

  it('fails when privilege escalation is not switched off', () => {
    const podSpec = appPodSpec({
      containers: [appContainer({ securityContext: { runAsNonRoot: true } })],
    });
    expect(check(checkInput(withPodSpec(podSpec)))).toEqual(
      fail('orders allows privilege escalation'),
    );
  });

  it('fails on a privileged container', () => {
    const podSpec = appPodSpec({
      containers: [
        appContainer({
          securityContext: { runAsNonRoot: true, privileged: true },
        }),
      ],
    });
    expect(check(checkInput(withPodSpec(podSpec)))).toEqual(
      fail('orders allows privilege escalation; orders is privileged'),
    );
  });

  it('fails when no Deployment carries the entity label', () => {
    expect(check(checkInput({ ...compliantStage(), Deployment: [] }))).toEqual(
      fail(NO_DEPLOYMENT),
    );
  });
});

describe('prometheus-targets', () => {
  const check = CHECKS['prometheus-targets'];

  it('passes with the number of targets and their scrape jobs', () => {
    expect(check(checkInput())).toEqual(
      pass('2 target(s) discovered (job orders)'),
    );
  });

  it('passes for discovered targets that are down: discovery is what it checks', () => {
    const prometheus = prometheusAnswering({
      up: [
        upSample('10.42.0.17:7007', 0, 'orders'),
        upSample('10.42.0.18:9464', 0, 'orders-sidecar'),
      ],
    });
    expect(check(withSignals({ prometheus }))).toEqual(
      pass('2 target(s) discovered (job orders, orders-sidecar)'),
    );
  });

  it('fails when Prometheus has no target for the namespace and service', () => {
    const prometheus = prometheusAnswering({ up: [] });
    expect(check(withSignals({ prometheus }))).toEqual(
      fail(
        'no target with namespace="shop-dev", service="orders" in Prometheus',
      ),
    );
  });

  it('is unknown when no Prometheus is configured', () => {
    expect(
      check(withSignals({ prometheus: PROMETHEUS_NOT_CONFIGURED })),
    ).toEqual(unknown('environments.prometheus.url is not configured'));
  });

  it('is unknown when Prometheus is not ready', () => {
    const prometheus = prometheusNotReady(
      'Prometheus answered 503 on /-/ready',
    );
    expect(check(withSignals({ prometheus }))).toEqual(
      unknown('Prometheus not queried: Prometheus answered 503 on /-/ready'),
    );
  });

  it('is unknown when the up query fails', () => {
    const prometheus = prometheusQueryFailed(
      'Prometheus is unreachable: no answer within 5000 ms',
    );
    expect(check(withSignals({ prometheus }))).toEqual(
      unknown(
        'Prometheus not queried: Prometheus is unreachable: no answer within 5000 ms',
      ),
    );
  });
});

describe('grafana-dashboards', () => {
  const check = CHECKS['grafana-dashboards'];

  it('passes and names the dashboard ConfigMap', () => {
    expect(check(checkInput())).toEqual(
      pass('dashboard ConfigMap orders-dashboard'),
    );
  });

  it('names every dashboard ConfigMap', () => {
    const objects = {
      ...compliantStage(),
      ConfigMap: ['orders-dashboard', 'orders-slo-dashboard'].map(name =>
        configMap(name, { ...ENTITY_LABELS, grafana_dashboard: '1' }),
      ),
    };
    expect(check(checkInput(objects))).toEqual(
      pass('dashboard ConfigMap orders-dashboard, orders-slo-dashboard'),
    );
  });

  it('skips unlabelled ConfigMaps that a label selector of only exclusions takes in', () => {
    const selector = workloadSelectorFor({
      ...ordersEntity,
      metadata: {
        name: 'orders',
        annotations: { [KUBERNETES_LABEL_SELECTOR_ANNOTATION]: '!legacy' },
      },
    })!;
    const objects = {
      ...compliantStage(),
      ConfigMap: [
        configMap('kube-root-ca.crt', {}),
        configMap('orders-dashboard', { grafana_dashboard: '1' }),
      ],
    };
    expect(check(checkInput(objects, { selector }))).toEqual(
      pass('dashboard ConfigMap orders-dashboard'),
    );
  });

  it('fails when no ConfigMap of the service carries the grafana_dashboard label', () => {
    const objects = {
      ...compliantStage(),
      ConfigMap: [
        configMap('orders-config', ENTITY_LABELS),
        configMap('payments-dashboard', { grafana_dashboard: '1' }),
      ],
    };
    expect(check(checkInput(objects))).toEqual(
      fail(
        'no ConfigMap labelled backstage.io/kubernetes-id=orders carries the grafana_dashboard label',
      ),
    );
  });
});

describe('alerts-configured', () => {
  const check = CHECKS['alerts-configured'];
  const noMatchingRule = {
    ...compliantStage(),
    PrometheusRule: [prometheusRule('payments', { app: 'payments' })],
  };
  const crdAbsent = (prometheus: PrometheusSignal) =>
    checkInput(
      { ...compliantStage(), PrometheusRule: [] },
      { prometheusRuleCrdInstalled: false, signals: { prometheus } },
    );

  it('passes on a PrometheusRule carrying the entity label', () => {
    expect(check(checkInput())).toEqual(pass('PrometheusRule orders'));
  });

  it('names every PrometheusRule of the service', () => {
    const objects = {
      ...compliantStage(),
      PrometheusRule: [
        prometheusRule('orders', ENTITY_LABELS),
        prometheusRule('orders-slo', ENTITY_LABELS),
      ],
    };
    expect(check(checkInput(objects))).toEqual(
      pass('PrometheusRule orders, orders-slo'),
    );
  });

  it('passes on alert rules loaded in Prometheus when no PrometheusRule matches', () => {
    expect(check(checkInput(noMatchingRule))).toEqual(
      pass(
        '2 alert rule(s) loaded in Prometheus (OrdersHighErrorRate, OrdersHighLatency)',
      ),
    );
  });

  it('passes on rules loaded as files when the CRD is not installed, listing at most three', () => {
    const prometheus = prometheusAnswering({
      alertRules: [
        'OrdersDown',
        'OrdersHighErrorRate',
        'OrdersHighLatency',
        'OrdersRestarting',
      ],
    });
    expect(check(crdAbsent(prometheus))).toEqual(
      pass(
        '4 alert rule(s) loaded in Prometheus (OrdersDown, OrdersHighErrorRate, OrdersHighLatency, ...)',
      ),
    );
  });

  it('lists exactly three loaded rules without an ellipsis', () => {
    const prometheus = prometheusAnswering({
      alertRules: ['OrdersDown', 'OrdersHighErrorRate', 'OrdersHighLatency'],
    });
    expect(check(crdAbsent(prometheus))).toEqual(
      pass(
        '3 alert rule(s) loaded in Prometheus (OrdersDown, OrdersHighErrorRate, OrdersHighLatency)',
      ),
    );
  });

  it('fails when neither a PrometheusRule nor a loaded rule covers the service', () => {
    const prometheus = prometheusAnswering({ alertRules: [] });
    expect(
      check(checkInput(noMatchingRule, { signals: { prometheus } })),
    ).toEqual(
      fail(
        'no matching PrometheusRule, and Prometheus has no alert rule labelled namespace="shop-dev", service="orders"',
      ),
    );
  });

  it('fails without the CRD when Prometheus has no rule for the service', () => {
    const prometheus = prometheusAnswering({ alertRules: [] });
    expect(check(crdAbsent(prometheus))).toEqual(
      fail(
        'the PrometheusRule CRD is not installed, and Prometheus has no alert rule labelled namespace="shop-dev", service="orders"',
      ),
    );
  });

  it('is unknown without the CRD when no Prometheus is configured', () => {
    expect(check(crdAbsent(PROMETHEUS_NOT_CONFIGURED))).toEqual(
      unknown(
        'the PrometheusRule CRD is not installed, and environments.prometheus.url is not configured',
      ),
    );
  });

  it('is unknown when no rule matches and the Prometheus rules cannot be read', () => {
    const prometheus = prometheusQueryFailed(
      'Prometheus /api/v1/rules answered 503: unavailable',
    );
    expect(
      check(checkInput(noMatchingRule, { signals: { prometheus } })),
    ).toEqual(
      unknown(
        'no matching PrometheusRule, and Prometheus rules could not be read: Prometheus /api/v1/rules answered 503: unavailable',
      ),
    );
  });

  it('is unknown without the CRD when Prometheus is not ready', () => {
    const prometheus = prometheusNotReady(
      'Prometheus is unreachable: ECONNREFUSED',
    );
    expect(check(crdAbsent(prometheus))).toEqual(
      unknown(
        'the PrometheusRule CRD is not installed, and Prometheus rules could not be read: Prometheus is unreachable: ECONNREFUSED',
      ),
    );
  });
});

describe('logs-collected', () => {
  const check = CHECKS['logs-collected'];

  it('passes with how many lines were read from how many pods', () => {
    expect(
      check(withSignals({ logs: logsRead({ pods: 2, lines: 400 }) })),
    ).toEqual(
      pass('read 400 recent log line(s) from 2 pod(s) through the API server'),
    );
  });

  it('is unknown when the API server refuses the logs', () => {
    const reason =
      'the API server could not return logs of pod orders-7d9f8b6c5-h2x9v: 403 Forbidden';
    expect(check(withSignals({ logs: logsUnreadable(reason) }))).toEqual(
      unknown(`logs not readable: ${reason}`),
    );
  });

  it('is unknown when there is no pod to read logs from', () => {
    const logs = logsUnreadable('no pods to read logs from');
    expect(check(withSignals({ logs }))).toEqual(
      unknown('logs not readable: no pods to read logs from'),
    );
  });

  it('is unknown, not pass, when the pods returned no log line', () => {
    expect(
      check(withSignals({ logs: logsRead({ pods: 2, lines: 0 }) })),
    ).toEqual(unknown('the API server returned no log line from 2 pod(s)'));
  });
});
