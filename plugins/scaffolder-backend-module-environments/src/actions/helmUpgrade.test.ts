import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readClusterAccess } from '@envportal/plugin-environments-node';
import fs from 'fs-extra';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeWithCluster,
  kubectl,
  localClusterConfig,
  REPO_ROOT,
  uninstallRelease,
} from '../__testUtils__/localCluster';
import { acceptsInput, inputCases } from '../__testUtils__/inputSchema';
import { createHelmUpgradeAction } from './helmUpgrade';

const TRUSTED = { entityRef: 'template:default/express-service' };
/** What the live-fail chart puts into its error: stands in for a Secret it looked up. */
const LOOKED_UP = 'looked-up-cluster-data';
const allowAll = mockServices.permissions();

// Real Helm against the local cluster (real API server with Pod Security "restricted"; kwok pods),
// with the portal's deploy account, which is bound in dev only.
describeWithCluster('helm:upgrade on the local cluster', () => {
  jest.setTimeout(240_000);
  const workspace = createMockDirectory();
  const release = `sctest-helm-${process.pid}`;
  const dryRelease = `sctest-dry-${process.pid}`;
  const escape = `sctest-escape-${process.pid}`;
  let config: ReturnType<typeof localClusterConfig>;
  let action: ReturnType<typeof createHelmUpgradeAction>;

  beforeAll(async () => {
    config = localClusterConfig();
    action = createHelmUpgradeAction({
      access: readClusterAccess(config),
      permissions: allowAll,
    });
    await fs.copy(
      join(REPO_ROOT, 'charts/express-service'),
      join(workspace.path, 'chart'),
    );
    // A chart that puts a ConfigMap into prod, whatever namespace it is installed into.
    await fs.outputFile(
      join(workspace.path, 'escape/Chart.yaml'),
      'apiVersion: v2\nname: escape\nversion: 0.1.0\n',
    );
    await fs.outputFile(
      join(workspace.path, 'escape/templates/cm.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${escape}\n  namespace: prod\ndata: {a: b}\n`,
    );
    // A chart whose object lands in prod only when rendered against the live cluster.
    await fs.outputFile(
      join(workspace.path, 'live-escape/Chart.yaml'),
      'apiVersion: v2\nname: live-escape\nversion: 0.1.0\n',
    );
    // A chart whose template fails only against the live cluster, with what it read there.
    await fs.outputFile(
      join(workspace.path, 'live-fail/Chart.yaml'),
      'apiVersion: v2\nname: live-fail\nversion: 0.1.0\n',
    );
    await fs.outputFile(
      join(workspace.path, 'live-fail/templates/cm.yaml'),
      `{{ with (lookup "v1" "ConfigMap" .Release.Namespace "kube-root-ca.crt") }}{{ fail (printf "boom\\n${LOOKED_UP} %s" .metadata.name) }}{{ end }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${escape}\ndata: {a: b}\n`,
    );
    await fs.outputFile(
      join(workspace.path, 'live-escape/templates/cm.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${escape}\n  namespace: {{ if (lookup "v1" "ConfigMap" .Release.Namespace "kube-root-ca.crt") }}prod{{ else }}{{ .Release.Namespace }}{{ end }}\ndata: {a: b}\n`,
    );
  });
  afterAll(() => {
    uninstallRelease(release, 'dev');
    uninstallRelease(dryRelease, 'dev');
    uninstallRelease(escape, 'dev');
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
      templateInfo: TRUSTED,
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
  const deployToken = () =>
    config
      .getConfigArray('environments.stages')[0]
      .getString('deployServiceAccountToken');
  /** The Secrets in which Helm records a release's revisions ('' when there are none). */
  const helmRecords = (name: string, output: 'name' | 'json') =>
    kubectl([
      '-n',
      'dev',
      'get',
      'secrets',
      '-l',
      `owner=helm,name=${name}`,
      '-o',
      output,
    ]);
  const inProd = () =>
    kubectl(['-n', 'prod', 'get', 'configmap', '-o', 'name']).includes(escape);

  it('installs a new release into the stage namespace, without logging the token', async () => {
    const { ctx, logger } = context({
      releaseName: release,
      set: { fullnameOverride: release, 'image.tag': '1.0.0', replicaCount: 2 },
    });
    await action.handler(ctx as any);
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
    expect(loggedText(logger)).not.toContain(deployToken());
  });

  it('refuses to take over a release that already exists, unless asked to upgrade', async () => {
    const { ctx } = context({
      releaseName: release,
      set: { fullnameOverride: release, 'image.tag': '9.9.9' },
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      new ConflictError(
        `A release named ${release} already exists in dev; it belongs to another service or an earlier run, so nothing was deployed (choose another name)`,
      ),
    );
    expect(image()).toMatch(/:1\.0\.0$/);
  });

  it('upgrades the release to a new image', async () => {
    const { ctx } = context({
      releaseName: release,
      set: { fullnameOverride: release, 'image.tag': '1.0.1' },
      allowUpgrade: true,
    });
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('revision', 2);
    expect(image()).toMatch(/:1\.0\.1$/);
  });

  it('rolls back a release whose pods never become ready', async () => {
    const { ctx } = context({
      releaseName: release,
      set: { fullnameOverride: release, 'image.tag': '1.0.2-fail' },
      timeout: '20s',
      allowUpgrade: true,
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(/rolled back/);
    // The previous version is what runs again.
    expect(image()).toMatch(/:1\.0\.1$/);
    const history = JSON.parse(helmRecords(release, 'json'));
    const statuses = history.items.map(
      (s: any) => `${s.metadata.labels.version}:${s.metadata.labels.status}`,
    );
    expect(statuses).toEqual(
      expect.arrayContaining(['3:failed', '4:deployed']),
    );
  });

  it('in a dry run only renders, without any cluster, and changes nothing', async () => {
    const { ctx, logger } = context(
      { releaseName: dryRelease, set: { fullnameOverride: dryRelease } },
      true,
    );
    // No account at all: the dry run must not need one.
    const offline = createHelmUpgradeAction({
      access: readClusterAccess(
        new ConfigReader({
          environments: {
            stages: [{ name: 'dev', cluster: 'nowhere', namespace: 'dev' }],
          },
        }),
      ),
      permissions: allowAll,
    });
    await offline.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('revision', 0);
    expect(ctx.output).toHaveBeenCalledWith('status', 'rendered');
    expect(loggedText(logger)).toMatch(
      /renders \d+ objects, all in namespace dev; nothing was sent to the cluster/,
    );
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
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /helm template failed: .*appPort/,
    );
  });

  it('refuses a chart with an object in another namespace before anything is sent, also in a dry run', async () => {
    for (const isDryRun of [true, false]) {
      const { ctx } = context(
        { chart: 'escape', releaseName: escape },
        isDryRun,
      );
      await expect(action.handler(ctx as any)).rejects.toThrow(
        new NotAllowedError(
          `The chart reaches outside namespace dev, so nothing was deployed: ConfigMap/${escape} is in namespace "prod", not "dev"`,
        ),
      );
    }
    expect(inProd()).toBe(false);
    // No release was recorded either.
    expect(helmRecords(escape, 'name')).toBe('');
  });

  it('refuses a chart that reaches another namespace only when rendered against the live cluster', async () => {
    // Rendered without a cluster, the lookup finds nothing and the ConfigMap stays in dev.
    const { ctx } = context({ chart: 'live-escape', releaseName: escape });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      new NotAllowedError(
        'Rendered against the live cluster, the chart reaches outside namespace dev or takes what another service owns (1 problem(s), not listed: they may quote what the chart read from the cluster), so nothing was deployed',
      ),
    );
    expect(inProd()).toBe(false);
    expect(
      kubectl(['-n', 'dev', 'get', 'configmap', '-o', 'name']),
    ).not.toContain(escape);
  });

  it('withholds a template error that appears only against the live cluster, which could carry what the chart read there', async () => {
    // Rendered without a cluster, the lookup finds nothing and the template passes.
    const { ctx, logger } = context({
      chart: 'live-fail',
      releaseName: escape,
    });
    const failure = action.handler(ctx as any);
    await expect(failure).rejects.toThrow(
      "helm template failed: Helm's message is withheld: against the live cluster it may hold what the chart read there. A dry run of the template shows every error that does not depend on the cluster",
    );
    const message = await failure.catch((e: Error) => e.message);
    expect(message).not.toContain(LOOKED_UP);
    expect(loggedText(logger)).not.toContain(LOOKED_UP);
    expect(helmRecords(escape, 'name')).toBe('');
  });

  it('refuses to run from a template the permission policy does not trust, and deploys nothing', async () => {
    const denying = createHelmUpgradeAction({
      access: readClusterAccess(config),
      permissions: mockServices.permissions({ result: AuthorizeResult.DENY }),
    });
    const { ctx } = context({
      releaseName: `${release}-denied`,
      set: { fullnameOverride: `${release}-denied` },
    });
    await expect(denying.handler(ctx as any)).rejects.toThrow(
      'Not allowed: environments.template.execute for template:default/express-service in dev',
    );
    const untracked = context({ releaseName: `${release}-denied` });
    await expect(
      action.handler({ ...untracked.ctx, templateInfo: undefined } as any),
    ).rejects.toThrow('runs only from a template registered in the catalog');
    expect(kubectl(['-n', 'dev', 'get', 'deploy', '-o', 'name'])).not.toContain(
      `${release}-denied`,
    );
  });
});

describe('helm:upgrade input checks', () => {
  const access = readClusterAccess(
    new ConfigReader({
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
    }),
  );
  const action = createHelmUpgradeAction({ access, permissions: allowAll });
  const input = {
    chart: 'chart',
    releaseName: 'x',
    stage: 'dev',
    valuesFiles: [],
    set: {},
    timeout: '1m',
  };

  it('refuses a chart with a symbolic link out of the workspace, which Helm would follow to a host file', async () => {
    const linked = createMockDirectory();
    linked.setContent({
      chart: { 'Chart.yaml': 'apiVersion: v2\nname: x\nversion: 0.1.0\n' },
    });
    symlinkSync('/etc/hostname', join(linked.path, 'chart/host.txt'));
    const ctx = createMockActionContext({
      input,
      workspacePath: linked.path,
      templateInfo: TRUSTED,
    });
    await expect(
      action.handler({ ...ctx, isDryRun: true } as any),
    ).rejects.toThrow(
      new NotAllowedError(
        'chart/host.txt is a symbolic link that leads outside the workspace',
      ),
    );
  });

  it('refuses a chart path outside the workspace', async () => {
    const ctx = createMockActionContext({
      input: { ...input, chart: '../../etc' },
      templateInfo: TRUSTED,
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /outside|workspace/i,
    );
  });

  it('refuses a set key that helm would parse as syntax', async () => {
    const workspace = createMockDirectory({
      content: { chart: { 'Chart.yaml': 'name: x' } },
    });
    const ctx = createMockActionContext({
      input: { ...input, set: { 'a,b=c': 'x' } },
      workspacePath: workspace.path,
      templateInfo: TRUSTED,
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      'not a plain values path',
    );
  });

  it('deploys directly only to the first stage; the others are reached by promotion', async () => {
    const ctx = createMockActionContext({
      input: { ...input, stage: 'prod' },
      templateInfo: TRUSTED,
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      new NotAllowedError(
        'helm:upgrade may deploy only to dev; prod is reached by promotion (environments:promote)',
      ),
    );
  });

  it.each(
    inputCases([
      { chart: 'chart', releaseName: 'orders', stage: 'dev' },
      { ...input, releaseName: 'a' },
      { ...input, releaseName: 'a'.repeat(53) },
      { ...input, valuesFiles: ['values.yaml', 'envs/dev.yaml'] },
      { ...input, valuesFiles: Array(10).fill('values.yaml') },
      { ...input, set: { 'image.tag': '1.2.3', replicaCount: 2, debug: true } },
      { ...input, set: { note: 'x'.repeat(1024) } },
      { ...input, timeout: '90s' },
      { ...input, timeout: '9999m' },
    ]),
  )('accepts %s', (_, value) => expect(acceptsInput(action, value)).toBe(true));

  it.each(
    inputCases([
      { releaseName: 'orders', stage: 'dev' },
      { chart: 'chart', stage: 'dev' },
      { chart: 'chart', releaseName: 'orders' },
      { ...input, chart: '/charts/x' },
      { ...input, releaseName: '-orders' },
      { ...input, releaseName: 'orders_1' },
      { ...input, releaseName: 'a'.repeat(54) },
      { ...input, stage: 'Dev' },
      { ...input, valuesFiles: ['../secrets.yaml'] },
      { ...input, valuesFiles: Array(11).fill('values.yaml') },
      { ...input, set: { note: 'x'.repeat(1025) } },
      { ...input, set: { image: { tag: '1.2.3' } } },
      { ...input, timeout: '0s' },
      { ...input, timeout: '05m' },
      { ...input, timeout: '5h' },
      { ...input, timeout: '90sec' },
      { ...input, timeout: '10000s' },
    ]),
  )('refuses %s', (_, value) =>
    expect(acceptsInput(action, value)).toBe(false),
  );

  describe('values paths given with set', () => {
    // The policy is asked after the set keys are checked: a refusal from it means the key passed.
    const denying = createHelmUpgradeAction({
      access,
      permissions: mockServices.permissions({ result: AuthorizeResult.DENY }),
    });
    const workspace = createMockDirectory({
      content: { chart: { 'Chart.yaml': 'name: x' } },
    });
    const attempt = (key: string) =>
      denying.handler(
        createMockActionContext({
          input: { ...input, set: { [key]: 'x' } },
          workspacePath: workspace.path,
          templateInfo: TRUSTED,
        }) as any,
      );

    it.each([
      'image',
      'image.tag',
      'ports[0].name',
      'env[10]',
      'a-b_c.d[2].e',
      'ingress.hosts[12]',
    ])('passes %p on to helm', async key => {
      await expect(attempt(key)).rejects.toThrow(NotAllowedError);
    });

    it.each([
      'a,b',
      'a=b',
      'a..b',
      '.a',
      'a.',
      'a[x]',
      'a[]',
      'a[0',
      'a b',
      'a.[0]',
    ])('refuses %p', async key => {
      await expect(attempt(key)).rejects.toThrow('not a plain values path');
    });
  });

  it('names an unknown stage', async () => {
    const ctx = createMockActionContext({
      input: { ...input, stage: 'qa' },
      templateInfo: TRUSTED,
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      'Unknown stage "qa"; configured stages: dev, prod',
    );
  });
});
