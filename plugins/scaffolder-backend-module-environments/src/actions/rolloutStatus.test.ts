import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readClusterAccess } from '@envportal/plugin-environments-node';
import yaml from 'yaml';
import { acceptsInput, inputCases } from '../__testUtils__/inputSchema';
import {
  describeWithCluster,
  kubectl,
  localClusterConfig,
} from '../__testUtils__/localCluster';
import { createRolloutStatusAction } from './rolloutStatus';

function deploymentManifest(
  name: string,
  tag: string,
  progressDeadlineSeconds = 600,
) {
  const labels = { app: name };
  return yaml.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'dev' },
    spec: {
      replicas: 2,
      progressDeadlineSeconds,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          // What Pod Security "restricted" in dev demands.
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'app',
              image: `registry.local/sctest/app:${tag}`,
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  });
}

describeWithCluster('kubernetes:rollout-status on the local cluster', () => {
  jest.setTimeout(120_000);
  const name = `sctest-rollout-${process.pid}`;
  let config: ReturnType<typeof localClusterConfig>;
  beforeAll(() => {
    config = localClusterConfig();
  });
  afterAll(() => {
    kubectl([
      '-n',
      'dev',
      'delete',
      'deployment',
      name,
      '--ignore-not-found',
      '--wait=false',
    ]);
  });

  const run = (
    input: Record<string, unknown>,
    permissions = mockServices.permissions(),
  ) => {
    const logger = mockServices.logger.mock();
    const ctx = createMockActionContext({
      input: { stage: 'dev', deployment: name, ...input },
      logger,
      templateInfo: { entityRef: 'template:default/express-service' },
    });
    const action = createRolloutStatusAction({
      access: readClusterAccess(config),
      permissions,
      pollIntervalMs: 250,
    });
    return { ctx, logger, done: action.handler(ctx as any) };
  };

  it('waits for a new Deployment to become available, logging progress', async () => {
    kubectl(['apply', '-f', '-'], deploymentManifest(name, '1.0.0'));
    const { ctx, logger, done } = run({ timeoutSeconds: 60 });
    await done;
    expect(ctx.output).toHaveBeenCalledWith('available', 2);
    const lines = logger.info.mock.calls.map(call => String(call[0]));
    expect(lines[lines.length - 1]).toBe(
      `deployment/${name}: 2 of 2 replicas available`,
    );
  });

  it('fails when the rollout does not finish in time, saying where it stopped', async () => {
    kubectl(['apply', '-f', '-'], deploymentManifest(name, '1.0.1-fail'));
    const { done } = run({ timeoutSeconds: 5 });
    await expect(done).rejects.toThrow(
      /did not finish within 5s: .*(updated|available|old replicas)/,
    );
  });

  it("fails as soon as the Deployment's progress deadline is exceeded", async () => {
    kubectl(['apply', '-f', '-'], deploymentManifest(name, '1.0.2-fail', 3));
    const { done } = run({ timeoutSeconds: 90 });
    await expect(done).rejects.toThrow(
      /failed: .*progress deadline|ProgressDeadlineExceeded|has timed out progressing/i,
    );
  });

  it('reads only from a template the policy trusts', async () => {
    const { done } = run(
      { timeoutSeconds: 5 },
      mockServices.permissions({ result: AuthorizeResult.DENY }),
    );
    await expect(done).rejects.toThrow(
      'Not allowed: environments.template.execute for template:default/express-service in dev',
    );
  });

  it('reports a Deployment that does not exist', async () => {
    const { done } = run({ deployment: 'sctest-missing', timeoutSeconds: 5 });
    await expect(done).rejects.toThrow(
      `Deployment sctest-missing not found in dev on cluster local`,
    );
  });
});

describe('kubernetes:rollout-status input', () => {
  const action = createRolloutStatusAction({
    access: readClusterAccess(new ConfigReader({})),
    permissions: mockServices.permissions(),
  });
  const input = { stage: 'dev', deployment: 'orders' };

  it.each(
    inputCases([
      input,
      { ...input, timeoutSeconds: 1 },
      { ...input, timeoutSeconds: 3600 },
    ]),
  )('accepts %s', (_, value) => expect(acceptsInput(action, value)).toBe(true));

  it.each(
    inputCases([
      { stage: 'dev' },
      { deployment: 'orders' },
      { ...input, stage: 'Dev' },
      { ...input, deployment: 'orders/x' },
      { ...input, timeoutSeconds: 0 },
      { ...input, timeoutSeconds: 3601 },
      { ...input, timeoutSeconds: 2.5 },
    ]),
  )('refuses %s', (_, value) =>
    expect(acceptsInput(action, value)).toBe(false),
  );
});
