/*
 * Promotion against the local cluster (real kube-apiserver + kwok nodes), real Helm, real Prometheus and
 * a real database. Run by scripts/test.d/72-promotion-integration.sh, which brings the cluster up and
 * exports PROMOTION_IT_CONFIG (the portal's cluster config with its least-privilege token),
 * PROMOTION_IT_ADMIN_KUBECONFIG, ENVPORTAL_PROMETHEUS_TARGETS_DIR and, for PostgreSQL,
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING. Skipped without them.
 *
 * The one double is the checklist source (computed and tested by the checklist module): gates here are
 * driven by real Prometheus data from a small exporter this test runs and registers as a scrape target.
 */
import { describeWhenAvailable } from '@envportal/test-utils';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CHECKLIST,
  FleetStage,
  StageChecklist,
} from '@envportal/plugin-environments-common';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import yaml from 'yaml';
import { readEnvironmentsConfig } from '../../config';
import {
  PromotionInFlightError,
  PromotionStore,
  StoredPromotion,
} from '../../database/PromotionStore';
import { CachedObject, createWorkloadCache } from '../cache';
import { readClusterAccess } from '@envportal/plugin-environments-node';
import { createClusterRegistry } from '../clusters';
import { createEntityResolver } from '../entities';
import { createDriftService, DriftService } from '../drift';
import { createFleetService } from '../fleet';
import { createHealthProber, createStatusService } from '../status';
import { createPrometheusClient } from '../metrics';
import { createPromotionService } from './createPromotionService';
import { readPromotionSettings } from './settings';
import { PromotionService } from './types';
import {
  demoPolicyPermissions,
  demoUserInfo,
  GUEST,
  RELEASE_MANAGER as MANAGER,
  SECOND_RELEASE_MANAGER,
} from './__testUtils__/policyPermissions';

const CONFIG_FILE = process.env.PROMOTION_IT_CONFIG;
const ADMIN_KUBECONFIG = process.env.PROMOTION_IT_ADMIN_KUBECONFIG;
const TARGETS_DIR = process.env.ENVPORTAL_PROMETHEUS_TARGETS_DIR;
const ENGINE = (process.env.PROMOTION_IT_DB ?? 'SQLITE_3') as
  | 'SQLITE_3'
  | 'POSTGRES_15';
const CHART = path.resolve(__dirname, '../../../../../charts/express-service');

const REPO = 'registry.local/envportal/promo';

jest.setTimeout(240_000);

function kubectl(...args: string[]): string {
  return execFileSync('kubectl', args, {
    env: { ...process.env, KUBECONFIG: ADMIN_KUBECONFIG },
    encoding: 'utf8',
  });
}
function helm(...args: string[]): string {
  return execFileSync('helm', args, {
    env: { ...process.env, KUBECONFIG: ADMIN_KUBECONFIG },
    encoding: 'utf8',
  });
}
function deployment(ns: string, name: string): any {
  return JSON.parse(kubectl('-n', ns, 'get', 'deploy', name, '-o', 'json'));
}
function imageOf(ns: string, name: string): string {
  return deployment(ns, name).spec.template.spec.containers[0].image;
}
/** `helm upgrade --install` of the chart as a stage runs it, with an image tag. */
function installArgs(release: string, ns: string, tag: string): string[] {
  return [
    'upgrade',
    '--install',
    release,
    CHART,
    '--namespace',
    ns,
    '--values',
    path.join(CHART, `values-${ns === 'prod' ? 'prod' : ns}.yaml`),
    '--set',
    `fullnameOverride=${release}`,
    '--set',
    `backstageId=${release}`,
    '--set',
    'autoscaling.enabled=false',
    '--set',
    'replicaCount=2',
    '--set-string',
    `image.repository=${REPO}`,
    '--set-string',
    `image.tag=${tag}`,
  ];
}
function install(release: string, ns: string, tag: string) {
  helm(...installArgs(release, ns, tag), '--wait', '--timeout', '120s');
}
function releaseStatus(release: string, ns: string): string {
  return JSON.parse(helm('status', release, '--namespace', ns, '-o', 'json'))
    .info.status;
}

/** Changes dev's image without waiting: pods of a failing tag never turn Ready. */
function setSourceImage(release: string, tag: string) {
  const container = deployment('dev', release).spec.template.spec.containers[0]
    .name;
  kubectl(
    '-n',
    'dev',
    'set',
    'image',
    `deploy/${release}`,
    `${container}=${REPO}:${tag}`,
  );
}

/** A scrape target with the reference service's metric names whose counters grow with time. */
async function startExporter(labels: { namespace: string; service: string }) {
  const started = Date.now();
  let errorRatio = 0;
  const server = http.createServer((_req, res) => {
    const total = Math.round(((Date.now() - started) / 1000) * 40) + 1;
    const errors = Math.round(total * errorRatio);
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end(
      [
        '# TYPE http_requests_total counter',
        `http_requests_total{method="GET",route="/",status_code="200"} ${
          total - errors
        }`,
        `http_requests_total{method="GET",route="/",status_code="500"} ${errors}`,
        '# TYPE http_request_duration_seconds histogram',
        `http_request_duration_seconds_bucket{le="0.1"} ${Math.round(
          total * 0.9,
        )}`,
        `http_request_duration_seconds_bucket{le="0.25"} ${Math.round(
          total * 0.99,
        )}`,
        `http_request_duration_seconds_bucket{le="0.5"} ${total}`,
        `http_request_duration_seconds_bucket{le="+Inf"} ${total}`,
        `http_request_duration_seconds_sum ${total * 0.05}`,
        `http_request_duration_seconds_count ${total}`,
        '',
      ].join('\n'),
    );
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const file = path.join(
    TARGETS_DIR!,
    `promotion-it-${labels.namespace}-${labels.service}.json`,
  );
  fs.writeFileSync(
    file,
    JSON.stringify([
      {
        targets: [`127.0.0.1:${port}`],
        labels: { job: `promotion-it-${labels.service}`, ...labels },
      },
    ]),
  );
  return {
    setErrorRatio(r: number) {
      errorRatio = r;
    },
    async stop() {
      fs.rmSync(file, { force: true });
      await new Promise(r => server.close(r));
    },
  };
}

const passingChecklist = (stage: string): StageChecklist => ({
  stage,
  items: CHECKLIST.map(i => ({
    id: i.id,
    group: i.group,
    title: i.title,
    result: 'pass',
    evidence: 'test',
  })),
  summary: { pass: CHECKLIST.length, fail: 0, warn: 0, unknown: 0 },
});

const entity = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': name },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});
const ref = (name: string) => ({
  kind: 'component',
  namespace: 'default',
  name,
});

/** Promotes `name` from dev to staging and waits for the run to end: the promotion's final record. */
async function promotedToStaging(
  { service, store }: { service: PromotionService; store: PromotionStore },
  name: string,
  as: { actor: string; overrideReason?: string } = { actor: GUEST },
): Promise<StoredPromotion> {
  const { promotion } = await service.create(
    {
      entity: ref(name),
      from: 'dev',
      to: 'staging',
      ...(as.overrideReason ? { overrideReason: as.overrideReason } : {}),
    },
    { credentials: mockCredentials.user(as.actor) },
  );
  await service.idle();
  return (await store.get(promotion.id))!;
}

/** What every promotion record these tests write by hand, as a stopped replica left it, has. */
const interrupted = {
  kind: 'promotion' as const,
  gates: [],
  risk: { level: 'low' as const, reasons: [] },
  requestedBy: GUEST,
};

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

/** The watch-fed cache learns of a change a moment after kubectl returns; wait for it. */
async function sourceSeen(
  service: PromotionService,
  name: string,
  version: string,
) {
  await waitFor(`dev of ${name} to show ${version}`, async () => {
    const p = await service.preview(
      { entity: ref(name), from: 'dev', to: 'staging' },
      { credentials: mockCredentials.user(MANAGER) },
    );
    return p.source.version === version;
  });
}

describeWhenAvailable(
  `promotion on the local cluster (${ENGINE})`,
  {
    available: Boolean(CONFIG_FILE && ADMIN_KUBECONFIG && TARGETS_DIR),
    needs:
      'the local cluster and Prometheus (PROMOTION_IT_CONFIG, PROMOTION_IT_ADMIN_KUBECONFIG, ENVPORTAL_PROMETHEUS_TARGETS_DIR; scripts/test.d/72-promotion-integration.sh sets them)',
  },
  () => {
    const releases = ['promo-img', 'promo-helm'];
    const databases = TestDatabases.create({
      ids: [ENGINE],
      disableDocker: true,
    });
    const caches: Array<{ stop(): void }> = [];
    // One exporter per release, in `releases` order: [0] feeds promo-img's dev metrics.
    const exporters: Array<Awaited<ReturnType<typeof startExporter>>> = [];
    let auditor: ReturnType<typeof mockServices.auditor.mock>;

    async function build(
      strategy: 'image' | 'helm',
      knex?: any,
      options: {
        extraEntities?: Entity[];
        prometheusUrl?: string;
        /** More of `environments.promotion.stages.staging`, e.g. an approval policy. */
        staging?: Record<string, unknown>;
      } = {},
    ): Promise<{
      service: PromotionService;
      store: PromotionStore;
      knex: any;
      drift: DriftService;
      fleetCell: (
        name: string,
        stage: string,
      ) => Promise<FleetStage | undefined>;
      cachedConfigMap: (
        stage: string,
        name: string,
      ) => CachedObject<'ConfigMap'> | undefined;
    }> {
      const raw = yaml.parse(fs.readFileSync(CONFIG_FILE!, 'utf8'));
      if (options.prometheusUrl)
        raw.environments.prometheus.url = options.prometheusUrl;
      raw.environments.promotion = {
        gateWindowSeconds: 60,
        minRequests: 100,
        stages: {
          staging: {
            strategy,
            soakSeconds: 2,
            rolloutTimeoutSeconds: 20,
            ...options.staging,
            ...(strategy === 'helm'
              ? {
                  helm: {
                    release: 'promo-helm',
                    chart: CHART,
                    valuesFiles: [
                      path.join(CHART, 'values-staging.yaml'),
                      path.join(
                        __dirname,
                        '__fixtures__/promo-helm-values.yaml',
                      ),
                    ],
                  },
                }
              : {}),
          },
        },
      };
      const config = new ConfigReader(raw);
      const environments = readEnvironmentsConfig(config);
      const access = readClusterAccess(config);
      const clusterList = access.clusters();
      const workloadCache = createWorkloadCache({
        clusters: clusterList,
        logger: mockServices.logger.mock(),
      });
      caches.push(workloadCache);
      const db = knex ?? (await databases.init(ENGINE));
      const store = await PromotionStore.create({
        database: mockServices.database({
          knex: db,
          migrations: { skip: false },
        }),
      });
      auditor = mockServices.auditor.mock();
      const registry = createClusterRegistry({
        stages: environments.stages,
        access,
      });
      const catalog = catalogServiceMock({
        entities: [...releases.map(entity), ...(options.extraEntities ?? [])],
      });
      const entities = createEntityResolver({
        auth: mockServices.auth(),
        catalog,
      });
      const service = createPromotionService({
        logger: mockServices.logger.mock(),
        auditor,
        auth: mockServices.auth(),
        // Backstage's permission backend with the demo's policy module decides; conditional
        // decisions come back to the promotion service, which applies them.
        permissions: await demoPolicyPermissions(),
        userInfo: demoUserInfo,
        store,
        registry,
        workloadCache,
        entities,
        environments,
        settings: readPromotionSettings(config),
        prometheus:
          environments.prometheus &&
          createPrometheusClient(environments.prometheus),
        checklist: { forStage: async (_e, stage) => passingChecklist(stage) },
      });
      // What runs against what was promoted, read as the drift route reads it.
      const drift = createDriftService({
        status: createStatusService({
          config: environments,
          clusters: registry,
          cache: workloadCache,
          entities,
          health: createHealthProber(),
          logger: mockServices.logger.mock(),
        }),
        store,
        clusters: registry,
        logger: mockServices.logger.mock(),
      });
      // The fleet page's view of the same stages, as its route reads it.
      const fleet = createFleetService({
        config: environments,
        catalog,
        clusters: registry,
        cache: workloadCache,
        promotions: service,
        store,
      });
      const fleetCell = async (name: string, stage: string) =>
        (
          await fleet.getFleet({ credentials: mockCredentials.user(GUEST) })
        ).rows
          .find(r => r.entityRef === `component:default/${name}`)
          ?.stages.find(s => s.stage === stage);
      /** What this build's cache holds of a ConfigMap in a stage. */
      const cachedConfigMap = (stage: string, name: string) => {
        const target = registry.forStage(stage);
        return workloadCache
          .namespace(target.clusterName, target.namespace)
          .get('ConfigMap', name);
      };
      return { service, store, knex: db, drift, fleetCell, cachedConfigMap };
    }

    beforeAll(async () => {
      for (const release of releases) {
        install(release, 'dev', '1.2.0');
        install(release, 'staging', '1.1.0');
      }
      for (const release of releases) {
        exporters.push(
          await startExporter({ namespace: 'dev', service: release }),
        );
      }
      // The soak checks the target's gates: staging answers with metrics too.
      for (const release of releases) {
        exporters.push(
          await startExporter({ namespace: 'staging', service: release }),
        );
      }
      // Metric gates need a few scrapes of the exporters in the source stage.
      const probe = await build('image');
      await waitFor(
        'Prometheus to see enough requests',
        async () => {
          const preview = await probe.service.preview(
            { entity: ref('promo-img'), from: 'dev', to: 'staging' },
            { credentials: mockCredentials.user(GUEST) },
          );
          return preview.gates.every(g => g.result === 'pass');
        },
        90_000,
      );
    });

    afterAll(async () => {
      caches.forEach(c => c.stop());
      await Promise.all(exporters.map(e => e.stop()));
      for (const release of releases) {
        for (const ns of ['dev', 'staging']) {
          try {
            helm('uninstall', release, '--namespace', ns, '--wait');
          } catch {
            // already gone
          }
        }
      }
    });

    it('image: previews, then promotes the exact image, records it and marks it succeeded', async () => {
      const { service, store, drift, fleetCell, cachedConfigMap } = await build(
        'image',
      );
      install('promo-img', 'staging', '1.1.0');
      // Nothing promoted into staging yet: the fleet compares nothing there.
      expect((await fleetCell('promo-img', 'staging'))?.drift).toBeUndefined();
      const preview = await service.preview(
        { entity: ref('promo-img'), from: 'dev', to: 'staging' },
        { credentials: mockCredentials.user(GUEST) },
      );
      expect(preview.allowed).toBe(true);
      expect(preview.gatesPassed).toBe(true);
      expect(preview.diff).toContainEqual({
        field: 'image',
        from: `${REPO}:1.1.0`,
        to: `${REPO}:1.2.0`,
      });
      expect(preview.risk.level).toBe('medium'); // minor version jump
      expect(preview.risk.reasons.join('\n')).toMatch(
        /minor version changes 1.1.0 → 1.2.0/,
      );

      const { promotion, created } = await service.create(
        { entity: ref('promo-img'), from: 'dev', to: 'staging' },
        { credentials: mockCredentials.user(GUEST) },
      );
      expect(created).toBe(true);
      await service.idle();
      const done = (await store.get(promotion.id))!;
      // The reason is in the failure message when it did not succeed (a rollback or an error).
      expect([done.state, done.rollback?.reason ?? done.error]).toEqual([
        'succeeded',
        undefined,
      ]);
      expect(done.imageBefore).toBe(`${REPO}:1.1.0`);
      expect(done.imageAfter).toBe(`${REPO}:1.2.0`);
      expect(done.progress).toEqual({ desired: 2, updated: 2, ready: 2 });
      expect(done.summary).toMatch(
        /promo-img 1.1.0 → 1.2.0 promoted dev → staging .* Result: succeeded/,
      );
      expect(imageOf('staging', 'promo-img')).toBe(`${REPO}:1.2.0`);
      expect(
        deployment('staging', 'promo-img').metadata.annotations[
          'kubernetes.io/change-cause'
        ],
      ).toContain(promotion.id);

      for (const step of [
        'requested',
        'started',
        'rolled-out',
        'soak-passed',
        'succeeded',
      ]) {
        expect(auditor.createEvent).toHaveBeenCalledWith(
          expect.objectContaining({
            eventId: `promotion-${step}`,
            meta: expect.objectContaining({
              actor: GUEST,
              promotionId: promotion.id,
            }),
          }),
        );
      }

      // Drift: in sync after the promotion; an image set by hand is flagged with who did it, and
      // putting the promoted image back brings the stage in sync again.
      const stagingDrift = async () =>
        (
          await drift.getDrift(ref('promo-img'), {
            credentials: mockCredentials.user(GUEST),
          })
        ).stages.find(d => d.stage === 'staging')!;
      expect(await stagingDrift()).toMatchObject({
        state: 'in-sync',
        expectedImage: `${REPO}:1.2.0`,
        promotedBy: GUEST,
      });
      // The fleet, which read the stage before, knows of the promotion as soon as it succeeded.
      expect((await fleetCell('promo-img', 'staging'))?.drift).toMatchObject({
        state: 'in-sync',
        expectedImage: `${REPO}:1.2.0`,
      });
      const container = deployment('staging', 'promo-img').spec.template.spec
        .containers[0].name;
      kubectl(
        '-n',
        'staging',
        'set',
        'image',
        'deploy/promo-img',
        `${container}=${REPO}:1.1.0`,
      );
      kubectl(
        '-n',
        'staging',
        'annotate',
        'deploy/promo-img',
        'kubernetes.io/change-cause=hand edit by ops',
        '--overwrite',
      );
      const drifted = await waitFor(
        'the hand edit to show as drift',
        async () => {
          const d = await stagingDrift();
          return d.state === 'drifted' && d.changeCause === 'hand edit by ops'
            ? d
            : undefined;
        },
      );
      expect(drifted).toMatchObject({
        actualImage: `${REPO}:1.1.0`,
        expectedImage: `${REPO}:1.2.0`,
        changedBy: { manager: 'kubectl-set', operation: 'Update' },
      });
      expect((await fleetCell('promo-img', 'staging'))?.attention).toContain(
        `drifted: runs ${REPO}:1.1.0, promoted ${REPO}:1.2.0`,
      );
      kubectl(
        '-n',
        'staging',
        'set',
        'image',
        'deploy/promo-img',
        `${container}=${REPO}:1.2.0`,
      );
      await waitFor('staging back in sync', async () =>
        (await stagingDrift()).state === 'in-sync' ? true : undefined,
      );
      // Configuration set by hand drifts too, named but never shown; removing it restores the sync.
      kubectl(
        '-n',
        'staging',
        'set',
        'env',
        'deploy/promo-img',
        'DRIFT_PROBE=by-hand-value',
      );
      const configDrift = await waitFor(
        'the env set by hand to show as drift',
        async () => {
          const d = await stagingDrift();
          return d.state === 'drifted' ? d : undefined;
        },
      );
      expect(configDrift).toMatchObject({
        actualImage: `${REPO}:1.2.0`,
        configChanges: ['env DRIFT_PROBE'],
        changedBy: { manager: 'kubectl-set' },
      });
      expect(JSON.stringify(configDrift)).not.toContain('by-hand-value');
      kubectl(
        '-n',
        'staging',
        'set',
        'env',
        'deploy/promo-img',
        'DRIFT_PROBE-',
      );
      await waitFor('staging in sync without the env', async () =>
        (await stagingDrift()).state === 'in-sync' ? true : undefined,
      );
      // A ConfigMap the container reads, edited by hand, drifts too, naming the editor; a label
      // changes nothing, and putting the contents back restores the sync.
      const configMap = kubectl(
        '-n',
        'staging',
        'get',
        'deploy/promo-img',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].envFrom[0].configMapRef.name}',
      ).trim();
      kubectl('-n', 'staging', 'label', 'configmap', configMap, 'probe=label');
      const labelled = kubectl(
        '-n',
        'staging',
        'get',
        'configmap',
        configMap,
        '-o',
        'jsonpath={.metadata.resourceVersion}',
      );
      await waitFor('the cache to hold the labelled ConfigMap', async () =>
        cachedConfigMap('staging', configMap)?.metadata?.resourceVersion ===
        labelled
          ? true
          : undefined,
      );
      expect((await stagingDrift()).state).toBe('in-sync');
      const patchData = (value: string | null) =>
        kubectl(
          '-n',
          'staging',
          'patch',
          'configmap',
          configMap,
          '--type=merge',
          '-p',
          JSON.stringify({ data: { DRIFT_PROBE: value } }),
        );
      patchData('edited-by-hand');
      const configMapDrift = await waitFor(
        'the ConfigMap edited by hand to show as drift',
        async () => {
          const d = await stagingDrift();
          return d.state === 'drifted' ? d : undefined;
        },
      );
      expect(configMapDrift).toMatchObject({
        configChanges: [`configMap ${configMap}`],
        changedBy: { manager: 'kubectl-patch' },
      });
      patchData(null);
      await waitFor('staging in sync with the contents put back', async () =>
        (await stagingDrift()).state === 'in-sync' ? true : undefined,
      );
      kubectl(
        '-n',
        'staging',
        'rollout',
        'status',
        'deploy/promo-img',
        '--timeout=60s',
      );

      // A manual rollback returns staging to the version before the promotion.
      const { promotion: rollback } = await service.rollback(
        {
          entity: ref('promo-img'),
          stage: 'staging',
          reason: 'customer report',
        },
        { credentials: mockCredentials.user(GUEST) },
      );
      await service.idle();
      expect((await store.get(rollback.id))!.state).toBe('succeeded');
      expect(imageOf('staging', 'promo-img')).toBe(`${REPO}:1.1.0`);

      // A second rollback never re-applies the image rolled back from: 1.1.0 came from a plain
      // install, so there is nothing recorded to go back to.
      await expect(
        service.rollback(
          { entity: ref('promo-img'), stage: 'staging' },
          { credentials: mockCredentials.user(GUEST) },
        ),
      ).rejects.toThrow(
        `No recorded promotion put ${REPO}:1.1.0 into staging, so there is no earlier version to roll back to`,
      );
      expect(imageOf('staging', 'promo-img')).toBe(`${REPO}:1.1.0`);
    });

    it('approvals: waits on the cluster until two release managers approve, across a restart, then promotes', async () => {
      const approval = {
        approval: {
          required: 2,
          approvers: ['group:default/release-managers'],
        },
      };
      const before = await build('image', undefined, { staging: approval });
      install('promo-img', 'staging', '1.1.0');
      // The gates are evaluated again when the last approval arrives: they must pass then too.
      await waitFor(
        'the dev → staging gates to pass',
        async () =>
          (
            await before.service.preview(
              { entity: ref('promo-img'), from: 'dev', to: 'staging' },
              { credentials: mockCredentials.user(GUEST) },
            )
          ).gates.every(g => g.result === 'pass'),
        90_000,
      );
      const { promotion } = await before.service.create(
        { entity: ref('promo-img'), from: 'dev', to: 'staging' },
        { credentials: mockCredentials.user(GUEST) },
      );
      expect(promotion.state).toBe('awaiting-approval');
      await before.service.decide(
        { id: promotion.id, decision: 'approve', comment: 'first look' },
        { credentials: mockCredentials.user(MANAGER) },
      );
      expect(imageOf('staging', 'promo-img')).toBe(`${REPO}:1.1.0`);
      await before.service.shutdown();

      // Another process on the same database: the request and the first approval are still there.
      const after = await build('image', before.knex, { staging: approval });
      await after.service.decide(
        { id: promotion.id, decision: 'approve' },
        { credentials: mockCredentials.user(SECOND_RELEASE_MANAGER) },
      );
      await after.service.idle();
      const done = (await after.store.get(promotion.id))!;
      expect([done.state, done.rollback?.reason ?? done.error]).toEqual([
        'succeeded',
        undefined,
      ]);
      expect(imageOf('staging', 'promo-img')).toBe(`${REPO}:1.2.0`);
      expect(
        (await after.store.decisions(promotion.id)).map(d => d.actor),
      ).toEqual([MANAGER, SECOND_RELEASE_MANAGER]);
    });

    it('shows env names in the preview, never their values (helm: configuration is promoted)', async () => {
      // The image strategy keeps the target's configuration, so only helm lists config differences.
      const { service } = await build('helm');
      const container = deployment('dev', 'promo-helm').spec.template.spec
        .containers[0].name;
      kubectl(
        '-n',
        'dev',
        'set',
        'env',
        `deploy/promo-helm`,
        '-c',
        container,
        'DB_PASSWORD=hunter2-never-shown',
      );
      try {
        const preview = await waitFor(
          'the env change in the preview',
          async () => {
            const p = await service.preview(
              { entity: ref('promo-helm'), from: 'dev', to: 'staging' },
              { credentials: mockCredentials.user(GUEST) },
            );
            return p.diff.some(d => d.field === 'config.env DB_PASSWORD')
              ? p
              : undefined;
          },
        );
        expect(preview.diff).toContainEqual({
          field: 'config.env DB_PASSWORD',
          to: '(set; value hidden)',
        });
        expect(JSON.stringify(preview)).not.toContain('hunter2');
      } finally {
        kubectl(
          '-n',
          'dev',
          'set',
          'env',
          `deploy/promo-helm`,
          '-c',
          container,
          'DB_PASSWORD-',
        );
      }
    });

    it("refuses an entity whose selector reaches another entity's workload, or whose id another entity claims", async () => {
      const impostor = {
        ...entity('impostor'),
        metadata: {
          name: 'impostor',
          namespace: 'default',
          annotations: {
            'backstage.io/kubernetes-label-selector':
              'backstage.io/kubernetes-id=promo-img',
          },
        },
      };
      const twin = entity('promo-img-twin');
      twin.metadata.annotations['backstage.io/kubernetes-id'] = 'promo-img';
      const { service, store } = await build('image', undefined, {
        extraEntities: [impostor, twin],
      });
      install('promo-img', 'staging', '1.1.0');
      const generation = deployment('staging', 'promo-img').metadata.generation;
      for (const name of ['impostor', 'promo-img', 'promo-img-twin']) {
        await expect(
          service.create(
            { entity: ref(name), from: 'dev', to: 'staging' },
            { credentials: mockCredentials.user(MANAGER) },
          ),
        ).rejects.toThrow(NotAllowedError);
      }
      await expect(
        service.preview(
          { entity: ref('impostor'), from: 'dev', to: 'staging' },
          { credentials: mockCredentials.user(MANAGER) },
        ),
      ).rejects.toThrow(
        /carries backstage.io\/kubernetes-id=promo-img, so it belongs to another entity, not to component:default\/impostor/,
      );
      await expect(
        service.rollback(
          { entity: ref('promo-img'), stage: 'staging' },
          { credentials: mockCredentials.user(MANAGER) },
        ),
      ).rejects.toThrow(
        /shares its backstage.io\/kubernetes-id with component:default\/promo-img-twin/,
      );
      expect(deployment('staging', 'promo-img').metadata.generation).toBe(
        generation,
      );
      expect(await store.listActive()).toEqual([]);
    });

    it('a soak whose metrics cannot be read does not pass: the promotion is rolled back', async () => {
      // A Prometheus that does not answer: the gates are unknown, so only an override starts it.
      const { service, store } = await build('image', undefined, {
        prometheusUrl: 'http://127.0.0.1:9',
      });
      install('promo-img', 'staging', '1.1.0');
      const done = await promotedToStaging({ service, store }, 'promo-img', {
        actor: MANAGER,
        overrideReason: 'Prometheus is down in this test',
      });
      expect(done.state).toBe('rolled-back');
      expect(done.rollback?.reason).toMatch(
        /verification failed: .*error-rate: unknown \(Prometheus is unreachable/,
      );
      // The record says what failed, not where Prometheus lives.
      expect(JSON.stringify(done)).not.toContain('127.0.0.1');
      expect(imageOf('staging', 'promo-img')).toBe(`${REPO}:1.1.0`);
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'promotion-soak-failed',
          meta: expect.objectContaining({
            actor: MANAGER,
            promotionId: done.id,
          }),
        }),
      );
    });

    it('image: new pods that never become ready are rolled back automatically and recorded', async () => {
      const { service, store } = await build('image');
      install('promo-img', 'staging', '1.1.0');
      setSourceImage('promo-img', '1.3.0-fail'); // kwok keeps pods of a "fail" tag unready
      try {
        await sourceSeen(service, 'promo-img', '1.3.0-fail');
        const done = await promotedToStaging({ service, store }, 'promo-img', {
          actor: MANAGER,
          overrideReason: 'source pods unready in this test',
        });
        expect(done.state).toBe('rolled-back');
        expect(done.rollback?.reason).toMatch(
          /readiness not reached within 20 s/,
        );
        expect(done.summary).toMatch(/Result: rolled back to 1.1.0/);
        expect(imageOf('staging', 'promo-img')).toBe(`${REPO}:1.1.0`);
        expect(deployment('staging', 'promo-img').status.readyReplicas).toBe(2);
      } finally {
        install('promo-img', 'dev', '1.2.0');
      }
    });

    it('image: a retried version that a quota keeps from starting any pod is rolled back at the progress deadline', async () => {
      const { service, store } = await build('image');
      install('promo-img', 'staging', '1.1.0');
      // A first promotion of 1.2.0 leaves its ReplicaSet behind; undoing it makes the next one a retry,
      // for which the controller never reports ProgressDeadlineExceeded.
      const first = await service.create(
        { entity: ref('promo-img'), from: 'dev', to: 'staging' },
        { credentials: mockCredentials.user(GUEST) },
      );
      await service.idle();
      expect((await store.get(first.promotion.id))!.state).toBe('succeeded');
      kubectl('-n', 'staging', 'rollout', 'undo', 'deploy/promo-img');
      kubectl('-n', 'staging', 'rollout', 'status', 'deploy/promo-img');
      await waitFor('staging to show 1.1.0 again', async () => {
        const p = await service.preview(
          { entity: ref('promo-img'), from: 'dev', to: 'staging' },
          { credentials: mockCredentials.user(GUEST) },
        );
        return p.target.version === '1.1.0';
      });
      const pods = kubectl('-n', 'staging', 'get', 'pods', '-o', 'name')
        .trim()
        .split('\n').length;
      kubectl(
        '-n',
        'staging',
        'create',
        'quota',
        'promo-no-surge',
        `--hard=pods=${pods}`,
      );
      const patchDeadline = (seconds: number) =>
        kubectl(
          '-n',
          'staging',
          'patch',
          'deploy/promo-img',
          '--type=merge',
          '-p',
          JSON.stringify({ spec: { progressDeadlineSeconds: seconds } }),
        );
      patchDeadline(5);
      try {
        const done = await promotedToStaging({ service, store }, 'promo-img');
        expect(done.state).toBe('rolled-back');
        // Well before the stage's 20 s rollout timeout, with the reason the controller gave.
        expect(done.rollback?.reason).toMatch(
          /no progress within the progress deadline \(5 s\): .*exceeded quota: promo-no-surge/,
        );
        expect(imageOf('staging', 'promo-img')).toBe(`${REPO}:1.1.0`);
      } finally {
        kubectl('-n', 'staging', 'delete', 'quota', 'promo-no-surge');
        patchDeadline(600);
      }
    });

    it('20 concurrent requests for the same stage give exactly one rollout', async () => {
      const { service } = await build('image');
      install('promo-img', 'staging', '1.1.0');
      const revisionBefore = Number(
        deployment('staging', 'promo-img').metadata.annotations[
          'deployment.kubernetes.io/revision'
        ],
      );
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () =>
          service.create(
            { entity: ref('promo-img'), from: 'dev', to: 'staging' },
            { credentials: mockCredentials.user(GUEST) },
          ),
        ),
      );
      const created = results.filter(
        r => r.status === 'fulfilled' && r.value.created,
      );
      const conflicts = results.filter(
        r =>
          r.status === 'rejected' && r.reason instanceof PromotionInFlightError,
      ) as PromiseRejectedResult[];
      expect(created).toHaveLength(1);
      expect(conflicts).toHaveLength(19);
      const id = (created[0] as PromiseFulfilledResult<any>).value.promotion.id;
      expect(new Set(conflicts.map(c => c.reason.runningId))).toEqual(
        new Set([id]),
      );
      await service.idle();
      const revisionAfter = Number(
        deployment('staging', 'promo-img').metadata.annotations[
          'deployment.kubernetes.io/revision'
        ],
      );
      expect(revisionAfter).toBe(revisionBefore + 1);
    });

    it('an idempotency key makes a retried click harmless', async () => {
      const { service } = await build('image');
      install('promo-img', 'staging', '1.1.0');
      const first = await service.create(
        {
          entity: ref('promo-img'),
          from: 'dev',
          to: 'staging',
          idempotencyKey: 'click-0001',
        },
        { credentials: mockCredentials.user(GUEST) },
      );
      await service.idle();
      const again = await service.create(
        {
          entity: ref('promo-img'),
          from: 'dev',
          to: 'staging',
          idempotencyKey: 'click-0001',
        },
        { credentials: mockCredentials.user(GUEST) },
      );
      expect(again.created).toBe(false);
      expect(again.promotion.id).toBe(first.promotion.id);
    });

    it('denied callers get NotAllowedError and nothing changes', async () => {
      const { service, store } = await build('image');
      install('promo-img', 'staging', '1.1.0');
      const generation = deployment('staging', 'promo-img').metadata.generation;
      await expect(
        service.create(
          { entity: ref('promo-img'), from: 'dev', to: 'staging' },
          // A tool or an agent: no stage is open to service principals by default.
          { credentials: mockCredentials.service('plugin:release-bot') },
        ),
      ).rejects.toThrow(NotAllowedError);
      await expect(
        service.create(
          { entity: ref('promo-img'), from: 'staging', to: 'prod' },
          { credentials: mockCredentials.user(GUEST) },
        ),
      ).rejects.toThrow(NotAllowedError);
      expect(deployment('staging', 'promo-img').metadata.generation).toBe(
        generation,
      );
      expect(
        (
          await store.list({
            entityRef: 'component:default/promo-img',
            limit: 100,
            offset: 0,
          })
        ).total,
      ).toBe(0);
    });

    it('failing gates block without an override; an override needs the permission and is recorded', async () => {
      const { service, store } = await build('image');
      install('promo-img', 'staging', '1.1.0');
      exporters[0].setErrorRatio(0.2);
      try {
        await waitFor('the error-rate gate to fail', async () => {
          const p = await service.preview(
            { entity: ref('promo-img'), from: 'dev', to: 'staging' },
            { credentials: mockCredentials.user(GUEST) },
          );
          return p.gates.find(g => g.id === 'error-rate')?.result === 'fail'
            ? p
            : undefined;
        });
        await expect(
          service.create(
            { entity: ref('promo-img'), from: 'dev', to: 'staging' },
            { credentials: mockCredentials.user(GUEST) },
          ),
        ).rejects.toThrow(/Gates do not pass: error-rate: fail/);
        await expect(
          service.create(
            {
              entity: ref('promo-img'),
              from: 'dev',
              to: 'staging',
              overrideReason: 'errors are a known test artefact',
            },
            { credentials: mockCredentials.user(GUEST) },
          ),
        ).rejects.toThrow(NotAllowedError);
        expect(imageOf('staging', 'promo-img')).toBe(`${REPO}:1.1.0`);
        const done = await promotedToStaging({ service, store }, 'promo-img', {
          actor: MANAGER,
          overrideReason: 'errors are a known test artefact',
        });
        expect(done.overrideReason).toBe('errors are a known test artefact');
        expect(done.risk.level).toBe('high');
        expect(done.summary).toMatch(
          /Gates overridden: "errors are a known test artefact"/,
        );
      } finally {
        exporters[0].setErrorRatio(0);
      }
    });

    it('after a restart, an interrupted promotion is finished and a never-started one goes back to the queue', async () => {
      const first = await build('image');
      install('promo-img', 'staging', '1.1.0');
      const staging = deployment('staging', 'promo-img');
      // The previous process: it stopped renewing, so its lease has run out.
      const gone = { owner: 'replica-gone', durationMs: -1000 };
      // A promotion the previous process had applied (running) and one it had not (pending).
      const running = await first.store.insert(
        {
          ...interrupted,
          id: '00000000-0000-4000-8000-000000000001',
          entityRef: 'component:default/promo-img',
          from: 'dev',
          to: 'staging',
          strategy: 'image',
          deployment: 'promo-img',
          container: staging.spec.template.spec.containers[0].name,
          imageBefore: `${REPO}:1.1.0`,
          imageAfter: `${REPO}:1.2.0`,
          summary: 'interrupted',
          workloadKey: 'local/staging/promo-img',
        },
        gone,
      );
      await first.store.update(
        running.promotion.id,
        { state: 'running' },
        gone,
      );
      kubectl(
        '-n',
        'staging',
        'set',
        'image',
        'deploy/promo-img',
        `${staging.spec.template.spec.containers[0].name}=${REPO}:1.2.0`,
      );
      const pending = await first.store.insert(
        {
          ...interrupted,
          id: '00000000-0000-4000-8000-000000000002',
          entityRef: 'component:default/promo-img',
          from: 'staging',
          to: 'prod',
          strategy: 'image',
          deployment: 'promo-img',
          container: 'x',
          imageAfter: `${REPO}:1.2.0`,
          summary: 'interrupted',
          workloadKey: 'local/prod/promo-img',
        },
        gone,
      );
      // A promotion whose replica is alive: nobody else may touch it.
      const alive = { owner: 'replica-alive', durationMs: 600_000 };
      const owned = await first.store.insert(
        {
          ...interrupted,
          id: '00000000-0000-4000-8000-000000000003',
          entityRef: 'component:default/promo-helm',
          from: 'dev',
          to: 'staging',
          strategy: 'image',
          deployment: 'promo-helm',
          container: 'x',
          imageAfter: `${REPO}:1.2.0`,
          summary: 'running elsewhere',
          workloadKey: 'local/staging/promo-helm',
        },
        alive,
      );
      await first.store.update(
        owned.promotion.id,
        { state: 'verifying' },
        alive,
      );
      // "Restart": a new service on the same database.
      const second = await build('image', first.knex);
      await second.service.recover();
      await second.service.idle();
      expect((await second.store.get(running.promotion.id))!.state).toBe(
        'succeeded',
      );
      // Resumed, it ran its soak and the gate check, as the requester.
      for (const step of [
        'recovered',
        'rolled-out',
        'soak-passed',
        'succeeded',
      ]) {
        expect(auditor.createEvent).toHaveBeenCalledWith(
          expect.objectContaining({
            eventId: `promotion-${step}`,
            meta: expect.objectContaining({
              actor: GUEST,
              promotionId: running.promotion.id,
            }),
          }),
        );
      }
      // Nothing of it was applied: a sweep starts it, its gates checked again, owned by no replica
      // until then.
      expect((await second.store.get(pending.promotion.id))!).toMatchObject({
        state: 'queued',
        ownerId: 'waiting',
      });
      // The live replica's promotion is still active, untouched.
      expect(await second.store.listActive()).toEqual([
        expect.objectContaining({ id: pending.promotion.id, state: 'queued' }),
        expect.objectContaining({
          id: owned.promotion.id,
          state: 'verifying',
          ownerId: 'replica-alive',
        }),
      ]);
      await first.store.finish(
        owned.promotion.id,
        { state: 'failed', summary: 'test cleanup' },
        alive,
      );
      await first.store.endWaiting(pending.promotion.id, {
        state: 'failed',
        error: 'test cleanup',
        summary: 'test cleanup',
      });
    });

    it('helm: a release left pending by a helm process killed halfway is rolled back, then the resumed promotion finishes', async () => {
      // Short, so the wait until the killed process could no longer be running stays short.
      const staging = { rolloutTimeoutSeconds: 8 };
      const first = await build('helm', undefined, { staging });
      install('promo-helm', 'staging', '1.1.0');
      const container = deployment('staging', 'promo-helm').spec.template.spec
        .containers[0].name;
      // The previous replica's helm upgrade to 1.2.0, killed (as a container's processes end with
      // it) once it has recorded its pending revision.
      const upgrade = spawn(
        'helm',
        [
          ...installArgs('promo-helm', 'staging', '1.2.0'),
          '--wait',
          '--timeout',
          '300s',
        ],
        { env: { ...process.env, KUBECONFIG: ADMIN_KUBECONFIG } },
      );
      try {
        await waitFor('a pending upgrade', () =>
          releaseStatus('promo-helm', 'staging').startsWith('pending-'),
        );
      } finally {
        upgrade.kill('SIGKILL');
      }
      expect(releaseStatus('promo-helm', 'staging')).toBe('pending-upgrade');
      const gone = { owner: 'replica-gone', durationMs: -1000 };
      const { promotion } = await first.store.insert(
        {
          ...interrupted,
          id: '00000000-0000-4000-8000-000000000004',
          entityRef: 'component:default/promo-helm',
          from: 'dev',
          to: 'staging',
          strategy: 'helm',
          deployment: 'promo-helm',
          container,
          imageBefore: `${REPO}:1.1.0`,
          imageAfter: `${REPO}:1.2.0`,
          summary: 'interrupted helm upgrade',
          workloadKey: 'local/staging/promo-helm',
        },
        gone,
      );
      await first.store.update(promotion.id, { state: 'running' }, gone);

      try {
        const second = await build('helm', first.knex, { staging });
        await second.service.recover();
        await second.service.idle();

        const done = (await second.store.get(promotion.id))!;
        expect({ state: done.state, error: done.error ?? '' }).toEqual({
          state: 'succeeded',
          error: '',
        });
        expect(releaseStatus('promo-helm', 'staging')).toBe('deployed');
        expect(imageOf('staging', 'promo-helm')).toBe(`${REPO}:1.2.0`);
        const history = JSON.parse(
          helm('history', 'promo-helm', '-n', 'staging', '-o', 'json'),
        );
        const descriptions = history.map(
          (r: { description: string }) => r.description,
        );
        // Rolled back to the last deployed revision, then upgraded again by the resumed promotion.
        expect(descriptions.slice(-2)).toEqual([
          expect.stringMatching(/^Rollback to \d+/),
          expect.stringContaining(promotion.id),
        ]);
      } finally {
        // Staging as the other tests expect it.
        install('promo-helm', 'staging', '1.1.0');
      }
    });

    it('helm: a clean promotion is a new release revision; a never-ready one is rolled back by --atomic', async () => {
      const { service, store } = await build('helm');
      const ok = await service.create(
        { entity: ref('promo-helm'), from: 'dev', to: 'staging' },
        { credentials: mockCredentials.user(GUEST) },
      );
      await service.idle();
      const done = (await store.get(ok.promotion.id))!;
      expect({
        state: done.state,
        reason: done.rollback?.reason ?? '',
        error: done.error ?? '',
      }).toEqual({ state: 'succeeded', reason: '', error: '' });
      expect(done.strategy).toBe('helm');
      expect(imageOf('staging', 'promo-helm')).toBe(`${REPO}:1.2.0`);
      const history = JSON.parse(
        helm('history', 'promo-helm', '-n', 'staging', '-o', 'json'),
      );
      expect(history[history.length - 1].description).toContain(
        ok.promotion.id,
      );

      setSourceImage('promo-helm', '1.3.0-fail');
      try {
        await sourceSeen(service, 'promo-helm', '1.3.0-fail');
        const failed = await promotedToStaging(
          { service, store },
          'promo-helm',
          {
            actor: MANAGER,
            overrideReason: 'source pods unready in this test',
          },
        );
        expect(failed.state).toBe('rolled-back');
        expect(imageOf('staging', 'promo-helm')).toBe(`${REPO}:1.2.0`);
        const after = JSON.parse(
          helm('history', 'promo-helm', '-n', 'staging', '-o', 'json'),
        );
        expect(after[after.length - 1].description).toMatch(/Rollback/i);
      } finally {
        install('promo-helm', 'dev', '1.2.0');
      }
    });
  },
);
