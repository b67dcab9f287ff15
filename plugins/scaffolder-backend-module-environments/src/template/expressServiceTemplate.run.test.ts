/*
 * The "Create Express service" template run for real through the scaffolder API, with the real
 * catalog backend reading the template from its file location: fetch, publish:local, register,
 * helm:upgrade into dev on the local cluster, rollout status, and the deploy recorded with the real
 * environments backend as dev's drift baseline. Measures "Create" to dev running.
 */
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// The test backend runs the real environments plugin next to this module, as a portal does.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import environmentsPlugin from '@envportal/plugin-environments-backend';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
// The package's default export, as packages/backend adds it: the actions and the catalog module.
import environmentsScaffolderFeatures from '..';
import {
  describeWithCluster,
  kubectl,
  localClusterConfigData,
  REPO_ROOT,
  uninstallRelease,
} from '../__testUtils__/localCluster';

const NAME = `sc-run-${process.pid}`;
const auth = mockCredentials.user.header('user:default/guest');

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs / 1000}s`);
    await sleep(500);
  }
}

describeWithCluster('templates/express-service, run for real', () => {
  jest.setTimeout(300_000);
  const publishDir = mkdtempSync(join(tmpdir(), 'envportal-published-'));
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    const data = localClusterConfigData({
      backend: { baseUrl: 'http://localhost:7007' },
      catalog: {
        rules: [
          {
            allow: [
              'Component',
              'System',
              'Template',
              'Location',
              'Group',
              'User',
            ],
          },
        ],
        locations: [
          {
            type: 'file',
            target: join(REPO_ROOT, 'templates/express-service/template.yaml'),
          },
        ],
      },
    });
    data.environments.templates = { localPublishDir: publishDir };
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleScaffolderEntityModel,
        scaffolderPlugin,
        environmentsScaffolderFeatures,
        // The real environments backend: the template records its deploy there.
        environmentsPlugin,
        mockServices.rootConfig.factory({ data }),
        // The real scheduler: the catalog module lists the publish directory every few seconds.
        schedulerServiceFactory,
      ],
    });
  });
  afterAll(async () => {
    await backend?.stop();
    uninstallRelease(NAME, 'dev');
    rmSync(publishDir, { recursive: true, force: true });
  });

  it('creates the service: published, in the catalog, running in dev', async () => {
    await until('template in the catalog', 60_000, async () => {
      const res = await request(backend.server)
        .get('/api/catalog/entities/by-name/template/default/express-service')
        .set('Authorization', auth);
      return res.status === 200 ? true : undefined;
    });

    const created = Date.now();
    const task = await request(backend.server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', auth)
      .send({
        templateRef: 'template:default/express-service',
        values: {
          name: NAME,
          description: 'Created by the template run test',
          owner: 'group:default/platform-team',
          system: 'system:default/delivery-platform',
          port: 8080,
          replicas: 2,
          provisionCloud: false,
          publishTarget: 'local',
        },
      });
    expect(task.status).toBe(201);

    const finished = await until('task finished', 240_000, async () => {
      const res = await request(backend.server)
        .get(`/api/scaffolder/v2/tasks/${task.body.id}`)
        .set('Authorization', auth);
      return ['completed', 'failed'].includes(res.body.status)
        ? res.body
        : undefined;
    });
    const elapsedMs = Date.now() - created;
    const events = await request(backend.server)
      .get(`/api/scaffolder/v2/tasks/${task.body.id}/events`)
      .set('Authorization', auth);
    const log = events.body
      .map((e: any) => e.body?.message)
      .filter(Boolean)
      .join('\n');
    if (finished.status !== 'completed')
      throw new Error(`task ${finished.status}:\n${log}`);
    // eslint-disable-next-line no-console
    console.log(
      `MEASURE create-to-dev-running ${elapsedMs} ms (task ${task.body.id})`,
    );

    // Published: a git repository with one commit holding the service.
    const repo = join(publishDir, NAME);
    expect(existsSync(join(repo, 'service/src/app.ts'))).toBe(true);
    expect(
      execFileSync('git', ['-C', repo, 'log', '--format=%s'], {
        encoding: 'utf8',
      }).trim(),
    ).toBe(`Create ${NAME}`);
    expect(readFileSync(join(repo, 'catalog-info.yaml'), 'utf8')).toContain(
      `backstage.io/kubernetes-id: ${NAME}`,
    );

    // Running in dev: the Deployment is available with the requested replicas and the entity's id label.
    const deployment = JSON.parse(
      kubectl(['-n', 'dev', 'get', 'deploy', NAME, '-o', 'json']),
    );
    expect(deployment.status.availableReplicas).toBe(2);
    expect(deployment.metadata.labels['backstage.io/kubernetes-id']).toBe(NAME);
    expect(log).toContain(`deployment/${NAME}: 2 of 2 replicas available`);

    // The deploy is dev's drift baseline, recorded as the user who ran the template.
    const drift = await request(backend.server)
      .get(`/api/environments/entities/component/default/${NAME}/drift`)
      .set('Authorization', auth);
    expect(drift.status).toBe(200);
    expect(drift.body.stages.find((s: any) => s.stage === 'dev')).toMatchObject(
      {
        state: 'in-sync',
        changeKind: 'deploy',
        promotedBy: 'user:default/guest',
        expectedImage: deployment.spec.template.spec.containers[0].image,
      },
    );
    expect(log).toContain(`dev is expected to run `);

    // In the catalog, with the links the template outputs.
    const entity = await until('entity in the catalog', 60_000, async () => {
      const res = await request(backend.server)
        .get(`/api/catalog/entities/by-name/component/default/${NAME}`)
        .set('Authorization', auth);
      return res.status === 200 ? res.body : undefined;
    });
    expect(entity.spec.owner).toBe('group:default/platform-team');
    // The task's outputs come with its completion event.
    const completion = events.body.find((e: any) => e.type === 'completion');
    expect(completion?.body?.output?.links ?? []).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ entityRef: `component:default/${NAME}` }),
        expect.objectContaining({
          url: `/catalog/default/component/${NAME}/environments`,
        }),
      ]),
    );
  });
});
