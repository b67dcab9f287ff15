/*
 * The "Create Express service" template (templates/express-service) run as a dry run through the real
 * scaffolder backend with this module: parameters are validated by the scaffolder, every step that
 * supports a dry run runs (helm:upgrade renders the chart without any cluster), and the
 * produced repository is checked the way its owner would: npm ci && npm test, helm lint and render.
 */
import {
  createMockDirectory,
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import {
  describeWithCluster,
  kubectl,
  localClusterConfigData,
  REPO_ROOT,
} from '../__testUtils__/localCluster';
import { scaffolderModuleEnvironments as environmentsModule } from '../module';

const TEMPLATE_DIR = join(REPO_ROOT, 'templates/express-service');

function templateDirectoryContents() {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(TEMPLATE_DIR);
  return files.map(path => ({
    path: relative(TEMPLATE_DIR, path),
    base64Content: readFileSync(path).toString('base64'),
  }));
}

const goodValues = {
  name: 'orders-api',
  description: 'Takes orders: "fast", and: reliably',
  owner: 'group:default/platform-team',
  system: 'system:default/delivery-platform',
  port: 8081,
  replicas: 3,
  provisionCloud: false,
  publishTarget: 'local',
};

async function startScaffolder() {
  const publishDir = createMockDirectory();
  const data = localClusterConfigData({
    backend: { baseUrl: 'http://localhost:7007' },
  });
  // The dry run has no template location: fetch:reference reads this checkout.
  (data.environments as any).templates = {
    sourceRoot: REPO_ROOT,
    localPublishDir: publishDir.path,
  };
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      environmentsModule,
      catalogServiceMock.factory({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'User',
            metadata: { name: 'guest' },
            spec: {},
          },
        ],
      }),
      mockServices.rootConfig.factory({ data }),
    ],
  });
  return { backend, publishDir };
}

async function dryRun(server: any, values: Record<string, unknown>) {
  return request(server)
    .post('/api/scaffolder/v2/dry-run')
    .set('Authorization', mockCredentials.user.header('user:default/guest'))
    .send({
      template: yaml.parse(
        readFileSync(join(TEMPLATE_DIR, 'template.yaml'), 'utf8'),
      ),
      values,
      secrets: {},
      directoryContents: templateDirectoryContents(),
    });
}

describeWithCluster(
  'templates/express-service through the scaffolder dry-run API',
  () => {
    jest.setTimeout(600_000);
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    let result: request.Response;
    // The produced repository, written out as a user's checkout would be.
    let producedDir = '';

    beforeAll(async () => {
      ({ backend } = await startScaffolder());
      result = await dryRun(backend.server, goodValues);
      producedDir = mkdtempSync(join(tmpdir(), 'envportal-produced-'));
      for (const file of result.body.directoryContents ?? []) {
        const path = join(producedDir, file.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, Buffer.from(file.base64Content, 'base64'), {
          mode: file.executable ? 0o755 : 0o644,
        });
      }
    });
    afterAll(async () => {
      await backend?.stop();
      if (producedDir) rmSync(producedDir, { recursive: true, force: true });
    });

    it('runs every step and produces the new service', () => {
      if (result.status !== 200)
        console.log(JSON.stringify(result.body, null, 1));
      expect({ status: result.status, error: result.body.error }).toEqual({
        status: 200,
        error: undefined,
      });
      const paths: string[] = result.body.directoryContents
        .map((f: any) => f.path)
        .sort();
      // eslint-disable-next-line no-console
      console.log(`produced ${paths.length} files:\n${paths.join('\n')}`);
      expect(paths).toEqual(
        expect.arrayContaining([
          'catalog-info.yaml',
          'README.md',
          'deploy/values.yaml',
          'service/package.json',
          'service/package-lock.json',
          'service/src/app.ts',
          'service/Dockerfile',
          'charts/express-service/Chart.yaml',
          'charts/express-service/values-dev.yaml',
          // terraform/envs/*/main.tf etc. are symlinks to _shared, which the dry-run listing leaves out.
          'terraform/envs/dev/locals.tf',
          'terraform/envs/_shared/main.tf',
        ]),
      );
      // Only sources: no dependencies, build output or the reference service's own catalog entry.
      expect(
        paths.filter(p =>
          /node_modules|(^|\/)dist\/|tfstate|service\/catalog-info\.yaml/.test(
            p,
          ),
        ),
      ).toEqual([]);
      const logs = result.body.log.map((l: any) => l.body.message).join('\n');
      expect(logs).toMatch(
        /Dry run: orders-api renders \d+ objects, all in namespace dev; nothing was sent to the cluster/,
      );
      expect(logs).toContain(
        'Dry run: would wait for deployment orders-api in dev on cluster local',
      );
    });

    it('fills in the catalog entry and the values from the form', () => {
      const entity = yaml.parse(
        readFileSync(join(producedDir, 'catalog-info.yaml'), 'utf8'),
      );
      expect(entity.metadata).toMatchObject({
        name: 'orders-api',
        description: 'Takes orders: "fast", and: reliably',
        annotations: { 'backstage.io/kubernetes-id': 'orders-api' },
      });
      expect(entity.spec).toMatchObject({
        owner: 'group:default/platform-team',
        system: 'system:default/delivery-platform',
      });
      const values = yaml.parse(
        readFileSync(join(producedDir, 'deploy/values.yaml'), 'utf8'),
      );
      expect(values).toMatchObject({
        fullnameOverride: 'orders-api',
        backstageId: 'orders-api',
        partOf: 'delivery-platform',
        autoscaling: { minReplicas: 3, maxReplicas: 3 },
        config: { appPort: 8081 },
      });
      const pkg = JSON.parse(
        readFileSync(join(producedDir, 'service/package.json'), 'utf8'),
      );
      const lock = JSON.parse(
        readFileSync(join(producedDir, 'service/package-lock.json'), 'utf8'),
      );
      expect([pkg.name, lock.name, lock.packages[''].name]).toEqual([
        'orders-api',
        'orders-api',
        'orders-api',
      ]);
    });

    it('produces a chart that lints and renders under the new name', () => {
      const helm = join(process.env.ENVPORTAL_BIN!, 'helm');
      const chart = join(producedDir, 'charts/express-service');
      const valueArgs = [
        '-f',
        join(chart, 'values-dev.yaml'),
        '-f',
        join(producedDir, 'deploy/values.yaml'),
      ];
      execFileSync(helm, ['lint', '--strict', chart, ...valueArgs], {
        stdio: 'pipe',
      });
      const rendered = yaml
        .parseAllDocuments(
          execFileSync(
            helm,
            [
              'template',
              'orders-api',
              chart,
              '-n',
              'dev',
              '--kube-version',
              '1.35.0',
              ...valueArgs,
            ],
            { encoding: 'utf8' },
          ),
        )
        .map(doc => doc.toJS())
        .filter(Boolean);
      const deployment = rendered.find((o: any) => o.kind === 'Deployment');
      expect(deployment.metadata.name).toBe('orders-api');
      expect(deployment.metadata.labels['backstage.io/kubernetes-id']).toBe(
        'orders-api',
      );
      expect(deployment.spec.replicas).toBe(3);
      expect(deployment.spec.template.spec.containers[0].image).toMatch(
        /^registry\.local\/services\/orders-api:/,
      );
      expect(
        rendered.find((o: any) => o.kind === 'ConfigMap' && o.data?.APP_PORT)
          ?.data.APP_PORT,
      ).toBe('8081');
    });

    it('produces a service that installs and passes its own tests', () => {
      const dir = join(producedDir, 'service');
      const run = (args: string[]) =>
        execFileSync('npm', args, {
          cwd: dir,
          stdio: 'pipe',
          timeout: 240_000,
          env: { ...process.env, CI: 'true' },
        });
      run(['ci', '--no-audit', '--no-fund']);
      // npm test exits non-zero on a failure (execFileSync throws); the counts show that tests ran.
      const output = run(['test']).toString();
      const passed = [...output.matchAll(/ℹ pass (\d+)/g)].map(m =>
        Number(m[1]),
      );
      expect(passed.length).toBeGreaterThanOrEqual(2);
      expect(passed.every(n => n > 0)).toBe(true);
      expect(output).not.toMatch(/ℹ fail [1-9]/);
    });

    it('left nothing in the cluster', () => {
      expect(
        kubectl([
          '-n',
          'dev',
          'get',
          'all',
          '-l',
          'app.kubernetes.io/instance=orders-api',
          '-o',
          'name',
        ]),
      ).toBe('');
    });
  },
);

describeWithCluster('templates/express-service parameter validation', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  beforeAll(async () => {
    ({ backend } = await startScaffolder());
  });
  afterAll(() => backend?.stop());

  it.each([
    [
      'an invalid name',
      { name: 'Orders_API' },
      'name',
      'does not match pattern',
    ],
    [
      'a name with path traversal',
      { name: '../../etc' },
      'name',
      'does not match pattern',
    ],
    [
      'template syntax in the description',
      { description: 'hi ${{ secrets.backstageToken }}' },
      'description',
      'does not match pattern',
    ],
    [
      'nunjucks tags in the description',
      { description: '{% raw %}x' },
      'description',
      'does not match pattern',
    ],
    [
      'path traversal in the description',
      { description: 'see ../../etc/passwd' },
      'description',
      'does not match pattern',
    ],
    [
      'path traversal in the owner',
      { owner: 'group:default/../../x' },
      'owner',
      'does not match pattern',
    ],
    [
      'path traversal in the system',
      { system: '../system' },
      'system',
      'does not match pattern',
    ],
    [
      'a privileged port',
      { port: 80 },
      'port',
      'must be greater than or equal to 1024',
    ],
    [
      'too many replicas',
      { replicas: 50 },
      'replicas',
      'must be less than or equal to 5',
    ],
    [
      // One replica and the chart's PodDisruptionBudget would block every node drain.
      'a single replica',
      { replicas: 1 },
      'replicas',
      'must be greater than or equal to 2',
    ],
    [
      'a traversing GitHub repository',
      { publishTarget: 'github', repoUrl: 'github.com?owner=a&repo=../b' },
      'repoUrl',
      'does not match pattern',
    ],
  ])(
    'rejects %s with a message naming the field',
    async (_what, change, field, message) => {
      const response = await dryRun(backend.server, {
        ...goodValues,
        ...change,
      });
      expect(response.status).toBe(400);
      const errors: Array<{
        property: string;
        message: string;
        stack: string;
      }> = response.body.errors;
      expect(errors.map(e => e.stack).join('\n')).toMatch(
        new RegExp(`${field}.*${message}`),
      );
    },
  );
});
