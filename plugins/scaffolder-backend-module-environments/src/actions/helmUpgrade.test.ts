import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'fs-extra';
import { join } from 'node:path';
import {
  describeWithCluster,
  kubectl,
  localClusterConfig,
  REPO_ROOT,
  uninstallRelease,
} from '../testing/localCluster';
import { createHelmUpgradeAction } from './helmUpgrade';

// Real Helm against the local cluster (real API server with Pod Security "restricted"; kwok pods).
describeWithCluster('helm:upgrade on the local cluster', () => {
  jest.setTimeout(240_000);
  const workspace = createMockDirectory();
  const release = `sctest-helm-${process.pid}`;
  const dryRelease = `sctest-dry-${process.pid}`;
  let config: ReturnType<typeof localClusterConfig>;

  beforeAll(async () => {
    config = localClusterConfig();
    await fs.copy(
      join(REPO_ROOT, 'charts/express-service'),
      join(workspace.path, 'chart'),
    );
  });
  afterAll(() => {
    uninstallRelease(release, 'dev');
    uninstallRelease(dryRelease, 'dev');
  });

  const context = (input: Record<string, unknown>, isDryRun = false) => {
    const logger = mockServices.logger.mock();
    const ctx = createMockActionContext({
      input: {
        chart: 'chart',
        stage: 'dev',
        valuesFiles: [],
        set: {},
        timeout: '2m',
        ...input,
      },
      workspacePath: workspace.path,
      logger,
    });
    return { ctx: { ...ctx, isDryRun }, logger };
  };
  const image = () =>
    kubectl([
      '-n',
      'dev',
      'get',
      'deploy',
      release,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
  const loggedText = (logger: ReturnType<typeof mockServices.logger.mock>) =>
    JSON.stringify([
      logger.info.mock.calls,
      logger.warn.mock.calls,
      logger.error.mock.calls,
    ]);
  const token = () =>
    config
      .getConfigArray('kubernetes.clusterLocatorMethods')[0]
      .getConfigArray('clusters')[0]
      .getString('serviceAccountToken');

  it('installs a new release into the stage namespace, without logging the token', async () => {
    const { ctx, logger } = context({
      releaseName: release,
      set: { fullnameOverride: release, 'image.tag': '1.0.0', replicaCount: 2 },
    });
    await createHelmUpgradeAction({ config }).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('revision', 1);
    expect(ctx.output).toHaveBeenCalledWith('status', 'deployed');
    expect(ctx.output).toHaveBeenCalledWith('namespace', 'dev');
    expect(image()).toMatch(/:1\.0\.0$/);
    expect(
      kubectl([
        '-n',
        'dev',
        'get',
        'deploy',
        release,
        '-o',
        'jsonpath={.status.readyReplicas}',
      ]),
    ).toBe('2');
    expect(loggedText(logger)).not.toContain(token());
  });

  it('upgrades the release to a new image', async () => {
    const { ctx } = context({
      releaseName: release,
      set: { fullnameOverride: release, 'image.tag': '1.0.1' },
    });
    await createHelmUpgradeAction({ config }).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('revision', 2);
    expect(image()).toMatch(/:1\.0\.1$/);
  });

  it('rolls back a release whose pods never become ready', async () => {
    const { ctx } = context({
      releaseName: release,
      set: { fullnameOverride: release, 'image.tag': '1.0.2-fail' },
      timeout: '20s',
    });
    await expect(
      createHelmUpgradeAction({ config }).handler(ctx as any),
    ).rejects.toThrow(/rolled back/);
    // The previous version is what runs again.
    expect(image()).toMatch(/:1\.0\.1$/);
    const history = JSON.parse(
      kubectl([
        '-n',
        'dev',
        'get',
        'secrets',
        '-l',
        `owner=helm,name=${release}`,
        '-o',
        'json',
      ]),
    );
    const statuses = history.items.map(
      (s: any) => `${s.metadata.labels.version}:${s.metadata.labels.status}`,
    );
    expect(statuses).toEqual(
      expect.arrayContaining(['3:failed', '4:deployed']),
    );
  });

  it('in a dry run validates with the API server and changes nothing', async () => {
    const { ctx, logger } = context(
      { releaseName: dryRelease, set: { fullnameOverride: dryRelease } },
      true,
    );
    await createHelmUpgradeAction({ config }).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('revision', 0);
    expect(loggedText(logger)).toMatch(/Dry run rendered \d+ objects/);
    expect(
      kubectl([
        '-n',
        'dev',
        'get',
        'deploy,secrets',
        '-l',
        `app.kubernetes.io/instance=${dryRelease}`,
        '-o',
        'name',
      ]),
    ).toBe('');
    expect(
      kubectl([
        '-n',
        'dev',
        'get',
        'secrets',
        '-l',
        `owner=helm,name=${dryRelease}`,
        '-o',
        'name',
      ]),
    ).toBe('');
  });

  it("fails with Helm's reason when the chart refuses the values", async () => {
    // The chart's schema keeps the service off privileged ports (the pod runs as non-root).
    const { ctx } = context(
      {
        releaseName: dryRelease,
        set: { fullnameOverride: dryRelease, 'config.appPort': 80 },
      },
      true,
    );
    await expect(
      createHelmUpgradeAction({ config }).handler(ctx as any),
    ).rejects.toThrow(/helm upgrade failed: .*appPort/);
  });
});

describe('helm:upgrade input checks', () => {
  const config = localClusterConfigless();
  it('refuses a chart path outside the workspace', async () => {
    const ctx = createMockActionContext({
      input: {
        chart: '../../etc',
        releaseName: 'x',
        stage: 'dev',
        valuesFiles: [],
        set: {},
        timeout: '1m',
      },
    });
    await expect(
      createHelmUpgradeAction({ config }).handler(ctx as any),
    ).rejects.toThrow(/outside|workspace/i);
  });

  it('refuses a set key that helm would parse as syntax', async () => {
    const workspace = createMockDirectory({
      content: { chart: { 'Chart.yaml': 'name: x' } },
    });
    const ctx = createMockActionContext({
      input: {
        chart: 'chart',
        releaseName: 'x',
        stage: 'dev',
        valuesFiles: [],
        set: { 'a,b=c': 'x' },
        timeout: '1m',
      },
      workspacePath: workspace.path,
    });
    await expect(
      createHelmUpgradeAction({ config }).handler(ctx as any),
    ).rejects.toThrow('not a plain values path');
  });

  const prodInput = {
    chart: 'chart',
    releaseName: 'x',
    stage: 'prod',
    valuesFiles: [],
    set: {},
    timeout: '1m',
  };

  it('deploys directly only to the first stage; the others are reached by promotion', async () => {
    const ctx = createMockActionContext({ input: prodInput });
    await expect(
      createHelmUpgradeAction({ config }).handler(ctx as any),
    ).rejects.toThrow(
      new NotAllowedError(
        'helm:upgrade may deploy only to dev; prod is reached by promotion (environments:promote)',
      ),
    );
  });

  it('names the missing cluster configuration', async () => {
    const ctx = createMockActionContext({ input: prodInput });
    const allowingProd = new ConfigReader(
      { environments: { templates: { helmStages: ['dev', 'prod'] } } },
      'allow-prod',
      config,
    );
    await expect(
      createHelmUpgradeAction({ config: allowingProd }).handler(ctx as any),
    ).rejects.toThrow(
      'Stage "prod" names cluster "elsewhere", which is not in kubernetes.clusterLocatorMethods',
    );
  });
});

function localClusterConfigless() {
  return new ConfigReader({
    environments: {
      stages: [
        { name: 'dev', cluster: 'local', namespace: 'dev' },
        { name: 'prod', cluster: 'elsewhere', namespace: 'prod' },
      ],
    },
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'local',
              url: 'https://127.0.0.1:1',
              serviceAccountToken: 'tok',
            },
          ],
        },
      ],
    },
  });
}
