import {
  createServiceFactory,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import request from 'supertest';
import { environmentsPlugin } from '../plugin';

const annotated: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'orders' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};
const plain: Entity = {
  ...annotated,
  metadata: { name: 'docs', namespace: 'default' },
};
const secret: Entity = {
  ...annotated,
  metadata: { ...annotated.metadata, name: 'payroll' },
};

/** The catalog answers as it does with permissions on: an entity the caller may not read is absent. */
const lookups: Array<{ ref: string; principal: string }> = [];
const catalogFactory = createServiceFactory({
  service: catalogServiceRef,
  deps: {},
  factory: () =>
    ({
      async getEntityByRef(
        ref: string,
        { credentials }: { credentials: BackstageCredentials },
      ) {
        const principal =
          (credentials.principal as any).userEntityRef ??
          (credentials.principal as any).subject;
        lookups.push({ ref, principal });
        const entity = [annotated, plain, secret].find(
          e => `component:default/${e.metadata.name}` === ref,
        );
        if (entity === secret && principal !== 'user:default/payroll-admin')
          return undefined;
        return entity;
      },
      // The fleet's query: annotated components the caller may read.
      async getEntities(
        _request: unknown,
        { credentials }: { credentials: BackstageCredentials },
      ) {
        const principal = (credentials.principal as any).userEntityRef;
        return {
          items: [annotated, secret].filter(
            e => e !== secret || principal === 'user:default/payroll-admin',
          ),
        };
      },
    } as any),
});

const config = {
  environments: {
    stages: [
      { name: 'dev', cluster: 'local', namespace: 'dev' },
      { name: 'prod', cluster: 'unreachable', namespace: 'prod' },
    ],
    clusterDeadlineMs: 500,
  },
  kubernetes: {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          // Nothing listens on port 1: the stage must come back as an error within the deadline.
          {
            name: 'unreachable',
            url: 'https://127.0.0.1:1',
            authProvider: 'serviceAccount',
            serviceAccountToken: 'x',
            skipTLSVerify: true,
          },
        ],
      },
    ],
  },
};

async function start() {
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      mockServices.rootConfig.factory({ data: config }),
      catalogFactory,
    ],
  });
  return server;
}

describe('environments read routes', () => {
  let server: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    server = await start();
  });

  it('says "not configured" for an entity without kubernetes annotations', async () => {
    const res = await request(server).get(
      '/api/environments/entities/component/default/docs/status',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      entityRef: 'component:default/docs',
      configured: false,
      stages: [],
    });
  });

  it('answers every stage within the deadline, with a per-stage error for a dead cluster', async () => {
    const started = Date.now();
    const res = await request(server).get(
      '/api/environments/entities/component/default/orders/status',
    );
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.body.configured).toBe(true);
    const [dev, prod] = res.body.stages;
    expect(dev).toMatchObject({ stage: 'dev', state: 'error', stale: true });
    expect(dev.error).toMatch(
      /cluster "local", which kubernetes.clusterLocatorMethods \(type config\) does not define/,
    );
    expect(prod).toMatchObject({ stage: 'prod', state: 'error', stale: true });
    expect(prod.error).toMatch(/not reachable within 500 ms/);
  });

  it('gives a checklist whose items are all unknown when the stage cannot be read', async () => {
    const res = await request(server).get(
      '/api/environments/entities/component/default/orders/checklist?stage=prod',
    );
    expect(res.status).toBe(200);
    expect(res.body.stages).toHaveLength(1);
    expect(res.body.stages[0].items).toHaveLength(16);
    expect(res.body.stages[0].summary).toEqual({
      pass: 0,
      fail: 0,
      warn: 0,
      unknown: 16,
    });
  });

  it('reports metrics as unavailable when no Prometheus is configured', async () => {
    const res = await request(server).get(
      '/api/environments/entities/component/default/orders/metrics?range=15m&stage=dev',
    );
    expect(res.status).toBe(200);
    expect(res.body.stages[0]).toMatchObject({
      stage: 'dev',
      available: false,
    });
    expect(res.body.range.end - res.body.range.start).toBe(900);
  });

  it('looks the entity up with the caller credentials: unreadable is 404', async () => {
    lookups.length = 0;
    const denied = await request(server).get(
      '/api/environments/entities/component/default/payroll/status',
    );
    expect(denied.status).toBe(404);
    expect(lookups).toEqual([
      { ref: 'component:default/payroll', principal: 'user:default/mock' },
    ]);
    const allowed = await request(server)
      .get(
        '/api/environments/entities/component/default/payroll/status?stage=dev',
      )
      .set(
        'Authorization',
        mockCredentials.user.header('user:default/payroll-admin'),
      );
    expect(allowed.status).toBe(200);
  });

  it('lists in the fleet only the components the caller can read, each stage as the cache holds it', async () => {
    const res = await request(server).get('/api/environments/fleet');
    expect(res.status).toBe(200);
    expect(res.body.stages.map((s: any) => s.stage)).toEqual(['dev', 'prod']);
    expect(res.body.rows.map((r: any) => r.entityRef)).toEqual([
      'component:default/orders',
    ]);
    const [dev, prod] = res.body.rows[0].stages;
    expect(dev).toMatchObject({ stage: 'dev', state: 'error' });
    expect(dev.attention).toEqual([dev.error]);
    expect(prod).toMatchObject({ stage: 'prod', state: 'error' });
    const admin = await request(server)
      .get('/api/environments/fleet')
      .set(
        'Authorization',
        mockCredentials.user.header('user:default/payroll-admin'),
      );
    expect(admin.body.rows.map((r: any) => r.entityRef)).toEqual([
      'component:default/orders',
      'component:default/payroll',
    ]);
  });

  it('answers delivery metrics over the range, for the fleet and for a readable component', async () => {
    const fleet = await request(server).get('/api/environments/dora?range=7d');
    expect(fleet.status).toBe(200);
    expect(fleet.body).toMatchObject({
      range: '7d',
      stage: 'prod',
      deploymentFrequency: { count: 0, perWeek: 0 },
      leadTime: { samples: 0 },
      changeFailureRate: { failures: 0, changes: 0 },
      timeToRestore: { samples: 0, unrestored: 0 },
    });
    expect(fleet.body.deploymentFrequency.byWeek).toHaveLength(1);
    expect(Date.parse(fleet.body.to) - Date.parse(fleet.body.from)).toBe(
      7 * 86_400_000,
    );
    const one = await request(server).get(
      '/api/environments/entities/component/default/orders/dora',
    );
    expect(one.status).toBe(200);
    expect(one.body.range).toBe('30d');
    const unreadable = await request(server).get(
      '/api/environments/entities/component/default/payroll/dora',
    );
    expect(unreadable.status).toBe(404);
    const badRange = await request(server).get(
      '/api/environments/dora?range=1y',
    );
    expect(badRange.status).toBe(400);
  });

  it('tags answers with an ETag and answers 304 while nothing changed', async () => {
    // dev: a stage whose answer cannot change (its cluster is not configured)
    const path =
      '/api/environments/entities/component/default/orders/status?stage=dev';
    const first = await request(server).get(path);
    expect(first.status).toBe(200);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    const again = await request(server).get(path).set('If-None-Match', etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    const checklistPath =
      '/api/environments/entities/component/default/orders/checklist?stage=dev';
    const checklist = await request(server).get(checklistPath);
    expect(
      (
        await request(server)
          .get(checklistPath)
          .set('If-None-Match', checklist.headers.etag)
      ).status,
    ).toBe(304);
    // another entity's answer is another tag
    const admin = await request(server)
      .get(
        '/api/environments/entities/component/default/payroll/status?stage=dev',
      )
      .set(
        'Authorization',
        mockCredentials.user.header('user:default/payroll-admin'),
      )
      .set('If-None-Match', etag);
    expect(admin.status).toBe(200);
  });

  it('sends a remembered answer compressed once, to clients that accept gzip', async () => {
    const path =
      '/api/environments/entities/component/default/orders/checklist?stage=dev';
    const identity = await request(server)
      .get(path)
      .set('Accept-Encoding', 'identity');
    expect(identity.headers['content-encoding']).toBeUndefined();
    const zipped = await request(server)
      .get(path)
      .set('Accept-Encoding', 'gzip');
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/i);
    // compressed ahead of the response (a length), not streamed through the compression middleware
    expect(Number(zipped.headers['content-length'])).toBeGreaterThan(0);
    expect(Number(zipped.headers['content-length'])).toBeLessThan(
      identity.text.length,
    );
    expect(zipped.body).toEqual(identity.body);
    expect(zipped.headers.etag).toBe(identity.headers.etag);
  });

  it('answers 404 for an entity that does not exist', async () => {
    const res = await request(server).get(
      '/api/environments/entities/component/default/nope/checklist',
    );
    expect(res.status).toBe(404);
    expect(res.body.error.name).toBe('NotFoundError');
  });

  it('answers 401 without credentials', async () => {
    for (const path of ['status', 'checklist', 'metrics', 'dora']) {
      const res = await request(server)
        .get(`/api/environments/entities/component/default/orders/${path}`)
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    }
    for (const path of ['/fleet', '/dora']) {
      const res = await request(server)
        .get(`/api/environments${path}`)
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    }
  });

  it.each([
    ['a bad kind', '/entities/comp%20onent/default/orders/status'],
    [
      'an injection in the name',
      `/entities/component/default/${encodeURIComponent(
        'orders"} or vector(1)',
      )}/status`,
    ],
    [
      'a path traversal',
      `/entities/component/${encodeURIComponent('../etc')}/orders/status`,
    ],
    ['an unknown stage', '/entities/component/default/orders/status?stage=qa'],
    [
      'a hostile stage',
      `/entities/component/default/orders/checklist?stage=${encodeURIComponent(
        'dev",x="',
      )}`,
    ],
    [
      'an oversized range',
      '/entities/component/default/orders/metrics?range=365d',
    ],
    [
      'a raw PromQL parameter',
      '/entities/component/default/orders/metrics?query=up',
    ],
    [
      'a repeated parameter',
      '/entities/component/default/orders/metrics?range=1h&range=7d',
    ],
    [
      'a step parameter',
      '/entities/component/default/orders/metrics?range=1h&step=1',
    ],
  ])('answers 400 for %s, without looking anything up', async (_what, path) => {
    lookups.length = 0;
    const res = await request(server).get(`/api/environments${path}`);
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    // "No effect": rejected input never reaches the catalog, the clusters or Prometheus.
    expect(lookups).toEqual([]);
  });
});
