import { ConfigReader } from '@backstage/config';
import { readEnvironmentsConfig } from './config';

describe('readEnvironmentsConfig', () => {
  it('fills the seed gate defaults and keeps the stage order', () => {
    const c = readEnvironmentsConfig(
      new ConfigReader({
        environments: {
          stages: [
            { name: 'dev', cluster: 'local', namespace: 'dev' },
            {
              name: 'prod',
              cluster: 'prod',
              namespace: 'prod',
              requiresApproval: true,
              healthUrl: 'http://127.0.0.1:1/',
            },
          ],
          prometheus: {
            url: 'http://127.0.0.1:9090/',
            authorization: 'Bearer t',
          },
          gates: { errorRate: 0.02 },
        },
      }),
    );
    expect(c.stages.map(s => s.name)).toEqual(['dev', 'prod']);
    expect(c.stages[1]).toMatchObject({
      requiresApproval: true,
      healthUrl: 'http://127.0.0.1:1',
    });
    expect(c.gates).toEqual({
      errorRate: 0.02,
      latencyP95Seconds: 0.5,
      successRate: 0.999,
      maxRestarts: 5,
    });
    expect(c.prometheus).toEqual({
      url: 'http://127.0.0.1:9090',
      authorization: 'Bearer t',
    });
    expect(c.clusterDeadlineMs).toBe(3000);
    expect(c.statusPodLimit).toBe(100);
  });

  it('names every bad key at once', () => {
    expect(() =>
      readEnvironmentsConfig(
        new ConfigReader({
          environments: {
            stages: [{ name: 'Dev!', cluster: 'local', namespace: 'dev' }],
            gates: { errorRate: 2 },
          },
        }),
      ),
    ).toThrow(/environments\.stages\.0\.name.*environments\.gates\.errorRate/);
  });

  it('refuses a stage listed twice', () => {
    const stage = { name: 'dev', cluster: 'local', namespace: 'dev' };
    expect(() =>
      readEnvironmentsConfig(
        new ConfigReader({ environments: { stages: [stage, stage] } }),
      ),
    ).toThrow(/appears twice/);
  });
});
