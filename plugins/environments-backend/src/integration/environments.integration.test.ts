/*
 * Against the REAL local clusters, Helm releases and Prometheus prepared by
 * scripts/test.d/70-backend-integration.sh. Without them it fails under CI and is skipped, loudly,
 * elsewhere (describeWhenAvailable).
 */
import { describeWhenAvailable } from '@envportal/test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import request from 'supertest';
import yaml from 'yaml';
import { environmentsPlugin } from '../plugin';

const env = process.env;
const REQUIRED = [
  'ENVPORTAL_IT_CONFIG',
  'ENVPORTAL_IT_KUBECONFIG',
  'ENVPORTAL_IT_KUBECONFIG_PROD',
  'ENVPORTAL_IT_SECOND_CLUSTER',
  'ENVPORTAL_IT_RELEASE',
  'ENVPORTAL_IT_SERVICE_URL',
  'ENVPORTAL_IT_PROMETHEUS_URL',
  'ENVPORTAL_IT_PROMETHEUS_PID',
  'ENVPORTAL_IT_TARGETS_DIR',
  'KWOK_WORKDIR',
];
const missing = REQUIRED.filter(name => !env[name]);
const RELEASE = env.ENVPORTAL_IT_RELEASE ?? 'it-express-service';
const BASE = '/api/environments/entities/component/default/orders';

function kubectl(args: string[], cluster: 'main' | 'prod' = 'main'): string {
  return execFileSync('kubectl', args, {
    env: {
      ...env,
      KUBECONFIG:
        cluster === 'main'
          ? env.ENVPORTAL_IT_KUBECONFIG
          : env.ENVPORTAL_IT_KUBECONFIG_PROD,
    },
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function kwokctl(command: 'stop' | 'start') {
  execFileSync(
    'kwokctl',
    ['--name', env.ENVPORTAL_IT_SECOND_CLUSTER!, command, 'cluster'],
    {
      env,
      stdio: 'ignore',
      timeout: 120_000,
    },
  );
}

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs: number,
  everyMs = 100,
) {
  const started = Date.now();
  for (;;) {
    const value = await fn();
    if (value) return { value, ms: Date.now() - started };
    if (Date.now() - started > timeoutMs)
      throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise(r => setTimeout(r, everyMs));
  }
}

describeWhenAvailable(
  'environments-backend on the local clusters',
  {
    available: missing.length === 0,
    needs: `the local clusters, Helm releases and Prometheus (${missing.join(
      ', ',
    )}; scripts/test.d/70-backend-integration.sh sets them)`,
  },
  () => {
    let server: any;
    const published: Array<{ at: number; signal: SignalPayload }> = [];
    const get = (suffix: string) => request(server).get(`${BASE}${suffix}`);
    const stageOf = (body: any, stage: string) =>
      body.stages.find((s: any) => s.stage === stage);
    const item = (body: any, stage: string, id: string) =>
      stageOf(body, stage).items.find((i: any) => i.id === id);
    const checklistItem = async (stage: string, id: string) =>
      item((await get(`/checklist?stage=${stage}`)).body, stage, id);

    beforeAll(async () => {
      const portal = yaml.parse(
        fs.readFileSync(env.ENVPORTAL_IT_CONFIG!, 'utf8'),
      );
      portal.environments.prometheus = { url: env.ENVPORTAL_IT_PROMETHEUS_URL };
      portal.environments.stages.find((s: any) => s.name === 'dev').healthUrl =
        env.ENVPORTAL_IT_SERVICE_URL;
      const entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'orders',
          namespace: 'default',
          annotations: { 'backstage.io/kubernetes-id': RELEASE },
        },
        spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
      };
      const catalog = createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () =>
          ({
            getEntityByRef: async (ref: string) =>
              ref === 'component:default/orders' ? entity : undefined,
            getEntities: async () => ({ items: [entity] }),
          } as any),
      });
      // What the plugin pushes, recorded where the signals backend would send it to browsers
      // (the browser test runs the real signals backend).
      const signals = createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          publish: async (signal: SignalPayload) => {
            published.push({ at: Date.now(), signal });
          },
        }),
      });
      ({ server } = await startTestBackend({
        features: [
          environmentsPlugin,
          mockServices.rootConfig.factory({ data: portal }),
          catalog,
          signals,
        ],
      }));
    }, 60_000);

    it('shows the release in three namespaces across two clusters', async () => {
      const { value: body } = await waitFor(
        'all stages ok',
        async () => {
          const res = await get('/status');
          return (
            res.body.stages?.every(
              (s: any) => s.state === 'ok' && s.pods.length > 0,
            ) && res.body
          );
        },
        15_000,
      );
      expect(
        body.stages.map((s: any) => [s.stage, s.cluster, s.namespace]),
      ).toEqual([
        ['dev', 'local', 'dev'],
        ['staging', 'local', 'staging'],
        ['prod', 'prod', 'prod'],
      ]);
      for (const [stage, version] of [
        ['dev', '1.2.0'],
        ['staging', '1.1.0'],
        ['prod', '1.0.0'],
      ]) {
        const s = stageOf(body, stage);
        expect(s.workload).toMatchObject({
          name: RELEASE,
          version,
          rollout: { state: 'complete' },
        });
        expect(s.workload.image).toMatch(
          new RegExp(`:${version.replace(/\./g, '\\.')}$`),
        );
        expect(s.workload.replicas.ready).toBe(s.workload.replicas.desired);
        expect(s.pods.every((p: any) => p.ready && p.phase === 'Running')).toBe(
          true,
        );
        expect(s.stale).toBe(false);
        expect(s.dataAgeSeconds).toBeLessThanOrEqual(2);
      }
      expect(stageOf(body, 'dev').health).toMatchObject({
        live: 'pass',
        ready: 'pass',
      });
      expect(stageOf(body, 'staging').health).toMatchObject({
        live: 'unknown',
        ready: 'unknown',
      });
    }, 30_000);

    it('shows the component in the fleet: each stage from the caches, and how far each lags the one before', async () => {
      const res = await request(server).get('/api/environments/fleet');
      expect(res.status).toBe(200);
      expect(res.body.stages.map((s: any) => s.stage)).toEqual([
        'dev',
        'staging',
        'prod',
      ]);
      expect(res.body.rows).toHaveLength(1);
      const [row] = res.body.rows;
      expect(row).toMatchObject({
        entityRef: 'component:default/orders',
        owner: 'team-a',
      });
      expect(
        row.stages.map((s: any) => [s.stage, s.state, s.version, s.rollout]),
      ).toEqual([
        ['dev', 'ok', '1.2.0', 'complete'],
        ['staging', 'ok', '1.1.0', 'complete'],
        ['prod', 'ok', '1.0.0', 'complete'],
      ]);
      expect(row.stages[1].behind).toMatchObject({ version: '1.2.0' });
      expect(row.stages[2].behind).toMatchObject({ version: '1.1.0' });
      for (const s of row.stages) {
        expect(s.ready).toBe(s.desired);
        expect(Date.parse(s.since)).toBeLessThanOrEqual(Date.now());
        expect(s.attention).toEqual([]);
      }
    });

    it('computes the 16 items from the cluster and Prometheus, unknown where no data exists', async () => {
      // The first scrapes of the service and the rule load take a few seconds.
      const { value: dev } = await waitFor(
        'prometheus items pass',
        async () => {
          const res = await get('/checklist?stage=dev');
          const s = stageOf(res.body, 'dev');
          return (
            s.items.find((i: any) => i.id === 'metrics-collected').result ===
              'pass' && s
          );
        },
        30_000,
        1000,
      );
      const results = Object.fromEntries(
        dev.items.map((i: any) => [i.id, i.result]),
      );
      expect(results).toEqual({
        'pods-ready': 'pass',
        'health-endpoints': 'pass',
        // kwok serves the dev pods' logs from the real service's output (scripts/local-cluster).
        'logs-no-errors': 'pass',
        'metrics-collected': 'pass',
        'resources-created': 'pass',
        'services-accessible': 'pass',
        'monitoring-operational': 'pass',
        'resource-limits': 'pass',
        rbac: 'pass',
        'secrets-managed': 'pass',
        'network-policies': 'pass',
        'non-root': 'pass',
        'prometheus-targets': 'pass',
        'grafana-dashboards': 'pass',
        'alerts-configured': 'pass',
        'logs-collected': 'pass',
      });
      for (const i of dev.items) expect(i.evidence.length).toBeGreaterThan(10);
      // No scrape target for staging: those items fail with the reason instead of passing.
      expect(
        await checklistItem('staging', 'prometheus-targets'),
      ).toMatchObject({
        result: 'fail',
      });
      expect(await checklistItem('staging', 'health-endpoints')).toMatchObject({
        result: 'unknown',
      });
      // The staging pods' log holds an error line (written by the stage script): it is counted, and
      // no line of the log reaches the answer.
      const stagingLogs = await checklistItem('staging', 'logs-no-errors');
      expect(stagingLogs).toMatchObject({ result: 'fail' });
      // Every staging pod serves the same two lines: one error per pod.
      const [errors, lines, pods] = (
        stagingLogs.evidence.match(
          /^(\d+) of the last (\d+) log lines of (\d+) pod\(s\) are at level error/,
        ) ?? []
      )
        .slice(1)
        .map(Number);
      expect(pods).toBeGreaterThan(0);
      expect([errors, lines]).toEqual([pods, 2 * pods]);
      // ...and summarized, most recent first: time, pod, message, status; not the other fields.
      expect(stagingLogs.details[0]).toMatch(
        /^2026-11-30T05:01:02Z it-express-service-\S+: request failed \(status 500\)$/,
      );
      expect(JSON.stringify(stagingLogs)).not.toContain('hunter2');
      // Prod's log is empty: no line is not "no error".
      expect(await checklistItem('prod', 'logs-no-errors')).toMatchObject({
        result: 'unknown',
      });
    }, 60_000);

    it('turns "Network policies active" to fail when the NetworkPolicy is deleted, and back', async () => {
      const saved = JSON.parse(
        kubectl(['-n', 'dev', 'get', 'networkpolicy', RELEASE, '-o', 'json']),
      );
      kubectl(['-n', 'dev', 'delete', 'networkpolicy', RELEASE]);
      try {
        const { value, ms } = await waitFor(
          'network-policies fail',
          async () => {
            const i = await checklistItem('dev', 'network-policies');
            return i.result === 'fail' && i;
          },
          5_000,
        );
        expect(value.evidence).toMatch(
          /no NetworkPolicy in dev selects the pods/,
        );
        expect(ms).toBeLessThan(2000);
      } finally {
        delete saved.metadata.resourceVersion;
        delete saved.metadata.uid;
        delete saved.metadata.creationTimestamp;
        delete saved.metadata.managedFields;
        execFileSync('kubectl', ['create', '-f', '-'], {
          input: JSON.stringify(saved),
          env: { ...env, KUBECONFIG: env.ENVPORTAL_IT_KUBECONFIG },
        });
      }
      await waitFor(
        'network-policies pass',
        async () =>
          (await checklistItem('dev', 'network-policies')).result === 'pass',
        5_000,
      );
    }, 30_000);

    it('fails "Secrets properly managed" for a literal token in env, naming the variable but not its value', async () => {
      kubectl([
        '-n',
        'staging',
        'set',
        'env',
        `deployment/${RELEASE}`,
        'API_TOKEN=it-literal-value-123',
      ]);
      try {
        const { value } = await waitFor(
          'secrets-managed fail',
          async () => {
            const res = await get('/checklist?stage=staging');
            const i = item(res.body, 'staging', 'secrets-managed');
            return i.result === 'fail' && { i, raw: res.text };
          },
          5_000,
        );
        expect(value.i.evidence).toMatch(/API_TOKEN/);
        expect(value.raw).not.toContain('it-literal-value-123');
      } finally {
        kubectl([
          '-n',
          'staging',
          'set',
          'env',
          `deployment/${RELEASE}`,
          'API_TOKEN-',
        ]);
      }
      await waitFor(
        'secrets-managed pass',
        async () =>
          (await checklistItem('staging', 'secrets-managed')).result === 'pass',
        5_000,
      );
    }, 30_000);

    it('fails "Grafana dashboards loaded" without the dashboard label', async () => {
      const cm = `${RELEASE}-dashboard`;
      kubectl([
        '-n',
        'staging',
        'label',
        'configmap',
        cm,
        'grafana_dashboard-',
      ]);
      try {
        const { value } = await waitFor(
          'grafana fail',
          async () => {
            const i = await checklistItem('staging', 'grafana-dashboards');
            return i.result === 'fail' && i;
          },
          5_000,
        );
        expect(value.evidence).toMatch(/grafana_dashboard label/);
      } finally {
        kubectl([
          '-n',
          'staging',
          'label',
          'configmap',
          cm,
          'grafana_dashboard=1',
        ]);
      }
      await waitFor(
        'grafana pass',
        async () =>
          (await checklistItem('staging', 'grafana-dashboards')).result ===
          'pass',
        5_000,
      );
    }, 30_000);

    it('shows a stalled rollout as progressing and "Pods ready" as not passing, then recovers on undo', async () => {
      kubectl([
        '-n',
        'staging',
        'set',
        'image',
        `deployment/${RELEASE}`,
        `express-service=registry.example.com/platform/express-service:1.1.1-fail`,
      ]);
      try {
        const { value } = await waitFor(
          'rollout progressing',
          async () => {
            const s = stageOf(
              (await get('/status?stage=staging')).body,
              'staging',
            );
            return (
              s.workload.rollout.state === 'progressing' &&
              s.pods.some((p: any) => !p.ready) &&
              s
            );
          },
          10_000,
        );
        expect(value.workload.version).toBeDefined();
        expect((await checklistItem('staging', 'pods-ready')).result).not.toBe(
          'pass',
        );
      } finally {
        kubectl(['-n', 'staging', 'rollout', 'undo', `deployment/${RELEASE}`]);
      }
      await waitFor(
        'rollout complete again',
        async () =>
          stageOf((await get('/status?stage=staging')).body, 'staging').workload
            .rollout.state === 'complete',
        30_000,
        250,
      );
      expect((await checklistItem('staging', 'pods-ready')).result).toBe(
        'pass',
      );
    }, 60_000);

    it('makes a change in the cluster visible within 2 s (watch, not polling)', async () => {
      const desired = () =>
        get('/status?stage=dev').then(
          r => stageOf(r.body, 'dev').workload.replicas.desired,
        );
      const before = await desired();
      kubectl([
        '-n',
        'dev',
        'patch',
        'hpa',
        RELEASE,
        '--type=merge',
        '-p',
        JSON.stringify({
          spec: { minReplicas: before + 1, maxReplicas: before + 2 },
        }),
      ]);
      const started = Date.now();
      try {
        kubectl([
          '-n',
          'dev',
          'scale',
          `deployment/${RELEASE}`,
          `--replicas=${before + 1}`,
        ]);
        const { ms } = await waitFor(
          'new replica count',
          async () => (await desired()) === before + 1,
          5_000,
          50,
        );
        expect(ms).toBeLessThan(2000);
        expect(Date.now() - started).toBeLessThan(3000);
        // and pushed: the entity, read above, is followed; the signal names the stage that changed
        const { value: pushed } = await waitFor(
          'signal for the dev stage',
          async () =>
            published.find(
              p =>
                p.at >= started &&
                p.signal.channel === 'environments:component:default/orders' &&
                (p.signal.message.stages as string[]).includes('dev'),
            ),
          5_000,
          20,
        );
        expect(pushed.at - started).toBeLessThan(1000);
        // the fleet page hears of it too, coalesced to one signal a second
        await waitFor(
          'signal for the fleet',
          async () =>
            published.some(
              p => p.at >= started && p.signal.channel === 'environments:fleet',
            ),
          3_000,
          50,
        );
      } finally {
        kubectl([
          '-n',
          'dev',
          'patch',
          'hpa',
          RELEASE,
          '--type=merge',
          '-p',
          JSON.stringify({
            spec: { minReplicas: before, maxReplicas: before + 1 },
          }),
        ]);
        kubectl([
          '-n',
          'dev',
          'scale',
          `deployment/${RELEASE}`,
          `--replicas=${before}`,
        ]);
      }
    }, 30_000);

    it('serves metrics from the fixed templates', async () => {
      // Traffic between scrapes, so the rate has points above zero (a counter that grew before
      // Prometheus first scraped it shows no rate at all).
      const traffic = async () => {
        for (let i = 0; i < 10; i++)
          await fetch(`${env.ENVPORTAL_IT_SERVICE_URL}/`).catch(
            () => undefined,
          );
      };
      const { value: dev } = await waitFor(
        'request rate points',
        async () => {
          await traffic();
          const s = stageOf(
            (await get('/metrics?range=15m&stage=dev')).body,
            'dev',
          );
          const rate = s.series.find((x: any) => x.metric === 'requestRate');
          // points with traffic in them, which the error rate needs too
          return (
            s.available &&
            rate.points.some(([, v]: [number, number]) => v > 0) &&
            s
          );
        },
        50_000,
        2000,
      );
      expect(dev.series.map((s: any) => s.metric).sort()).toEqual([
        'cpu',
        'errorRate',
        'latencyP95',
        'memory',
        'requestRate',
        'restarts',
      ]);
      expect(
        dev.series.find((s: any) => s.metric === 'memory').points[0][1],
      ).toBeGreaterThan(1e6);
      const errorRate = dev.series.find((s: any) => s.metric === 'errorRate');
      expect(errorRate.threshold).toBe(0.01);
      // requests and no 5xx series at all: 0 %, not "no data"
      expect(errorRate.points.length).toBeGreaterThan(0);
      expect(errorRate.points.every(([, v]: [number, number]) => v === 0)).toBe(
        true,
      );
    }, 60_000);

    it('answers hostile input with 400 and leaves the cluster untouched', async () => {
      const before = kubectl([
        '-n',
        'dev',
        'get',
        'deploy,svc,netpol',
        '-o',
        'name',
      ]);
      for (const suffix of [
        '/metrics?range=30d',
        `/checklist?stage=${encodeURIComponent('dev,prod')}`,
        `/status?stage=${encodeURIComponent('dev"}')}`,
      ]) {
        expect((await get(suffix)).status).toBe(400);
      }
      const res = await request(server).get(
        `/api/environments/entities/component/default/${encodeURIComponent(
          'x;kubectl delete',
        )}/status`,
      );
      expect(res.status).toBe(400);
      expect(
        kubectl(['-n', 'dev', 'get', 'deploy,svc,netpol', '-o', 'name']),
      ).toBe(before);
    });

    it('answers within the deadline while the prod cluster is stopped, and its watches recover after the restart', async () => {
      const okBefore = stageOf((await get('/status?stage=prod')).body, 'prod');
      expect(okBefore.state).toBe('ok');
      kwokctl('stop');
      try {
        const { value: down } = await waitFor(
          'prod reported as failing',
          async () => {
            const started = Date.now();
            const res = await get('/status');
            const took = Date.now() - started;
            expect(took).toBeLessThan(3500);
            return stageOf(res.body, 'prod').state === 'error' && res.body;
          },
          30_000,
          500,
        );
        expect(stageOf(down, 'dev').state).toBe('ok');
        expect(stageOf(down, 'staging').state).toBe('ok');
        const prod = stageOf(down, 'prod');
        // The last known data is still there, marked stale, with the reason.
        expect(prod).toMatchObject({
          stale: true,
          workload: { name: RELEASE },
        });
        expect(prod.error).toMatch(/showing data cached/);
      } finally {
        kwokctl('start');
      }
      await waitFor(
        'prod fresh again',
        async () => {
          const s = stageOf((await get('/status?stage=prod')).body, 'prod');
          return s.state === 'ok' && !s.stale;
        },
        90_000,
        500,
      );
      // A change after the restart arrives through the resumed watch.
      kubectl(['-n', 'prod', 'delete', 'networkpolicy', RELEASE], 'prod');
      const { ms } = await waitFor(
        'prod change visible',
        async () =>
          (await checklistItem('prod', 'network-policies')).result === 'fail',
        5_000,
        50,
      );
      expect(ms).toBeLessThan(2000);
    }, 180_000);

    it('reports metrics unavailable and Prometheus items unknown once Prometheus is stopped', async () => {
      process.kill(Number(env.ENVPORTAL_IT_PROMETHEUS_PID), 'SIGTERM');
      await waitFor(
        'prometheus gone',
        async () =>
          !(await fetch(`${env.ENVPORTAL_IT_PROMETHEUS_URL}/-/ready`).then(
            () => true,
            () => false,
          )),
        15_000,
        200,
      );
      await new Promise(r => setTimeout(r, 5200)); // the checklist shares Prometheus answers for 5 s
      const metrics = stageOf(
        (await get('/metrics?range=1h&stage=dev')).body,
        'dev',
      );
      expect(metrics.available).toBe(false);
      expect(metrics.error).toMatch(/unreachable/);
      const checklist = (await get('/checklist?stage=dev')).body;
      expect(item(checklist, 'dev', 'metrics-collected').result).toBe(
        'unknown',
      );
      expect(item(checklist, 'dev', 'prometheus-targets').result).toBe(
        'unknown',
      );
      expect(item(checklist, 'dev', 'alerts-configured').result).toBe(
        'unknown',
      );
      expect(item(checklist, 'dev', 'monitoring-operational')).toMatchObject({
        result: 'fail',
      });
      expect(item(checklist, 'dev', 'monitoring-operational').evidence).toMatch(
        /unreachable/,
      );
      // Kubernetes-only items are unaffected.
      expect(item(checklist, 'dev', 'network-policies').result).toBe('pass');
    }, 60_000);
  },
);
