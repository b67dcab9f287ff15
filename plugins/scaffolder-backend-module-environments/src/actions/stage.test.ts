import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createStageAction } from './stage';

const config = new ConfigReader({
  environments: {
    stages: [
      { name: 'dev', cluster: 'local', namespace: 'dev' },
      { name: 'staging', cluster: 'local', namespace: 'staging' },
      { name: 'prod', cluster: 'prod-cluster', namespace: 'prod' },
    ],
  },
});

describe('environments:stage', () => {
  it('resolves the first stage by default, with the next one', async () => {
    const ctx = createMockActionContext({ input: {} });
    await createStageAction({ config }).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('name', 'dev');
    expect(ctx.output).toHaveBeenCalledWith('namespace', 'dev');
    expect(ctx.output).toHaveBeenCalledWith('next', 'staging');
  });

  it('resolves a named stage to its own cluster', async () => {
    const ctx = createMockActionContext({ input: { stage: 'prod' } });
    await createStageAction({ config }).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('cluster', 'prod-cluster');
    expect(ctx.output).not.toHaveBeenCalledWith('next', expect.anything());
  });

  it('rejects an unknown stage, naming the configured ones', async () => {
    const ctx = createMockActionContext({ input: { stage: 'qa' } });
    await expect(createStageAction({ config }).handler(ctx)).rejects.toThrow(
      'Unknown stage "qa"; configured stages: dev, staging, prod',
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('explains what to configure when there are no stages', async () => {
    const ctx = createMockActionContext({ input: {} });
    await expect(
      createStageAction({ config: new ConfigReader({}) }).handler(ctx),
    ).rejects.toThrow('No stages are configured');
  });
});
