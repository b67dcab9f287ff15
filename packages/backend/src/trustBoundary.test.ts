/*
 * The trust boundary as a guest meets it: the real backend process (this package, with its
 * permission policy, the real catalog, scaffolder, permission and auth backends and the
 * environments plugins) on the local cluster with the portal's own accounts. The backend is started
 * by scripts/test.d/73-trust-boundary.sh with the fixtures in __fixtures__/trust registered; this
 * suite is an HTTP client with the guest's token, as the browser or an agent would be.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import yaml from 'yaml';
import {
  describeWithPortal,
  portalUnderTest,
} from './__testUtils__/portalUnderTest';

// eslint-disable-next-line no-restricted-syntax
const FIXTURES = join(__dirname, '__fixtures__/trust');
const NAME = `tb-run-${process.pid}`;

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
      throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}

function base64(path: string) {
  return readFileSync(join(FIXTURES, path)).toString('base64');
}

describeWithPortal('the trust boundary, as the guest meets it', () => {
  jest.setTimeout(300_000);
  const portal = portalUnderTest();
  const api = () => request(portal.baseUrl);
  const kubectl = (args: string[]) =>
    execFileSync(portal.kubectl, args, {
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: portal.adminKubeconfig },
    });
  const escaped = () =>
    ['dev', 'prod'].filter(ns =>
      kubectl(['-n', ns, 'get', 'configmap', '-o', 'name']).includes(
        'trust-escape',
      ),
    );

  const runTask = async (templateRef: string, values: object) => {
    const task = await api()
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', portal.guest)
      .send({ templateRef, values });
    expect(task.status).toBe(201);
    const finished = await until('task finished', 240_000, async () => {
      const res = await api()
        .get(`/api/scaffolder/v2/tasks/${task.body.id}`)
        .set('Authorization', portal.guest);
      return ['completed', 'failed'].includes(res.body.status)
        ? res.body
        : undefined;
    });
    const events = await api()
      .get(`/api/scaffolder/v2/tasks/${task.body.id}/events`)
      .set('Authorization', portal.guest);
    const log = events.body
      .map((e: { body?: { message?: string } }) => e.body?.message)
      .filter(Boolean)
      .join('\n');
    return { status: finished.status as string, log };
  };

  beforeAll(async () => {
    await until('the fixture template in the catalog', 120_000, async () => {
      const res = await api()
        .get('/api/catalog/entities/by-name/template/default/foreign-deploy')
        .set('Authorization', portal.guest);
      return res.status === 200 ? true : undefined;
    });
  });
  afterAll(() => {
    for (const ns of ['dev', 'prod']) {
      kubectl([
        '-n',
        ns,
        'delete',
        'configmap',
        'trust-escape',
        '--ignore-not-found',
      ]);
    }
    try {
      execFileSync(portal.helm, ['uninstall', NAME, '-n', 'dev', '--wait'], {
        env: { ...process.env, KUBECONFIG: portal.adminKubeconfig },
        stdio: 'ignore',
      });
    } catch {
      // not installed
    }
  });

  it("refuses the guest's inline dry run that deployed into prod (also the MCP dry-run action's route)", async () => {
    const template = yaml.parse(
      readFileSync(join(FIXTURES, 'foreign-template/template.yaml'), 'utf8'),
    );
    const res = await api()
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', portal.guest)
      .send({
        template,
        values: {},
        secrets: {},
        directoryContents: [
          'template.yaml',
          'chart/Chart.yaml',
          'chart/templates/configmap.yaml',
        ].map(path => ({
          path,
          base64Content: base64(`foreign-template/${path}`),
        })),
      });
    expect(res.status).toBe(403);
    expect(escaped()).toEqual([]);
  });

  it('refuses the environments actions in a template the policy does not trust, before anything is sent', async () => {
    const { status, log } = await runTask(
      'template:default/foreign-deploy',
      {},
    );
    expect(status).toBe('failed');
    expect(log).toContain(
      'Not allowed: environments.template.execute for template:default/foreign-deploy in dev',
    );
    expect(escaped()).toEqual([]);
  });

  it('keeps a template out of the catalog when the guest registers a location that carries one', async () => {
    // The files a guest points the catalog import at, served on the port the backend may read.
    const server = http.createServer((req, res) => {
      const file = {
        '/registered.yaml': 'registered.yaml',
        '/service.yaml': 'registered-service.yaml',
      }[req.url ?? ''];
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      res.setHeader('Content-Type', 'text/yaml');
      res.end(readFileSync(join(FIXTURES, file)));
    });
    await new Promise<void>(r =>
      server.listen(Number(portal.fixturePort), '127.0.0.1', r),
    );
    try {
      const register = (path: string) =>
        api()
          .post('/api/catalog/locations')
          .query({ dryRun: 'true' })
          .set('Authorization', portal.guest)
          .send({
            type: 'url',
            target: `http://127.0.0.1:${portal.fixturePort}${path}`,
          });
      // A service alone may be registered...
      const service = await register('/service.yaml');
      expect(service.status).toBe(201);
      expect(
        service.body.entities.map((e: { kind: string }) => e.kind).sort(),
      ).toEqual(['Component', 'Location']);
      // ...a template beside it makes the whole location refused.
      const smuggled = await register('/registered.yaml');
      expect(smuggled.status).toBe(400);
      expect(smuggled.body.error.message).toMatch(
        /template:default\/trust-smuggled .* is not of an allowed kind for that location/,
      );
    } finally {
      await new Promise(r => server.close(r));
    }
    const res = await api()
      .get('/api/catalog/entities/by-name/template/default/trust-smuggled')
      .set('Authorization', portal.guest);
    expect(res.status).toBe(404);
  });

  it("refuses the guest the Kubernetes proxy, which would act with the portal's account", async () => {
    const res = await api()
      .get('/api/kubernetes/proxy/api/v1/namespaces/dev/pods')
      .set('Authorization', portal.guest)
      .set('Backstage-Kubernetes-Cluster', 'local');
    expect(res.status).toBe(403);
  });

  it('lets the guest run "Create Express service" into dev', async () => {
    const { status, log } = await runTask('template:default/express-service', {
      name: NAME,
      description: 'Created by the trust boundary suite',
      owner: 'group:default/platform-team',
      system: 'system:default/delivery-platform',
      port: 8080,
      replicas: 2,
      provisionCloud: false,
      publishTarget: 'local',
    });
    if (status !== 'completed') throw new Error(`task ${status}:\n${log}`);
    expect(log).toContain(`deployment/${NAME}: 2 of 2 replicas available`);
  });
});
