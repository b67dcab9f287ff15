import { ConfigReader } from '@backstage/config';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { readClusterAccess } from './readClusterAccess';

const config = (environments: Record<string, unknown> = {}) =>
  new ConfigReader({
    kubernetes: {
      clusterLocatorMethods: [
        { type: 'catalog' },
        {
          type: 'config',
          clusters: [
            {
              name: 'local',
              url: 'https://127.0.0.1:6443',
              authProvider: 'serviceAccount',
              serviceAccountToken: 'read-token',
              caData: Buffer.from('ca').toString('base64'),
            },
          ],
        },
      ],
    },
    environments: {
      stages: [
        {
          name: 'dev',
          cluster: 'local',
          namespace: 'dev',
          promoteServiceAccountToken: 'promote-dev',
          deployServiceAccountToken: 'deploy-dev',
        },
        { name: 'prod', cluster: 'local', namespace: 'prod' },
      ],
      ...environments,
    },
  });

describe('readClusterAccess', () => {
  it('gives each purpose its own account, in the stage namespace', () => {
    const access = readClusterAccess(config());
    const token = (stage: string, purpose: 'read' | 'promote' | 'deploy') =>
      access.forStage(stage, purpose).kubeConfig.getCurrentUser()?.token;
    expect(token('dev', 'read')).toBe('read-token');
    expect(token('dev', 'promote')).toBe('promote-dev');
    expect(token('dev', 'deploy')).toBe('deploy-dev');
    const promote = access.forStage('dev', 'promote');
    expect(promote).toMatchObject({
      stage: 'dev',
      clusterName: 'local',
      namespace: 'dev',
      purpose: 'promote',
      token: 'promote-dev',
    });
    expect(
      promote.kubeConfig.getContextObject('local-promote')?.namespace,
    ).toBe('dev');
    expect(access.clusters().map(c => c.name)).toEqual(['local']);
  });

  it('refuses a purpose the stage has no account for, naming the key to set', () => {
    const access = readClusterAccess(config());
    expect(() => access.forStage('prod', 'promote')).toThrow(NotAllowedError);
    expect(() => access.forStage('prod', 'promote')).toThrow(
      'Stage "prod" has no promote account: set environments.stages[prod].promoteServiceAccountToken',
    );
  });

  it('takes template deploys only into the first stage unless helmStages says otherwise', () => {
    expect(readClusterAccess(config()).deployStages()).toEqual(['dev']);
    expect(() =>
      readClusterAccess(config()).forStage('prod', 'deploy'),
    ).toThrow('Templates may deploy only to dev; prod is reached by promotion');
    const wider = readClusterAccess(
      config({ templates: { helmStages: ['dev', 'prod'] } }),
    );
    expect(() => wider.forStage('prod', 'deploy')).toThrow(
      'Stage "prod" has no deploy account',
    );
  });

  it('names unknown stages and clusters, and refuses other auth providers', () => {
    expect(() => readClusterAccess(config()).forStage('qa', 'read')).toThrow(
      NotFoundError,
    );
    const elsewhere = readClusterAccess(
      config({ stages: [{ name: 'dev', cluster: 'gone', namespace: 'dev' }] }),
    );
    expect(() => elsewhere.forStage('dev', 'read')).toThrow(
      'Stage "dev" names cluster "gone", which kubernetes.clusterLocatorMethods (type config) does not define',
    );
    expect(() =>
      readClusterAccess(
        new ConfigReader({
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  { name: 'x', url: 'https://x', authProvider: 'google' },
                ],
              },
            ],
          },
        }),
      ),
    ).toThrow('authProvider "google" is not supported');
  });
});
