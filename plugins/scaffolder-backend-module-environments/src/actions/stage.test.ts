import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readClusterAccess } from '@envportal/plugin-environments-node';
import { acceptsInput, inputCases } from '../__testUtils__/inputSchema';
import { createStageAction } from './stage';

const access = (config: ConfigReader) => readClusterAccess(config);
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
    await createStageAction({ access: access(config) }).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('name', 'dev');
    expect(ctx.output).toHaveBeenCalledWith('namespace', 'dev');
    expect(ctx.output).toHaveBeenCalledWith('next', 'staging');
  });

  it('resolves a named stage to its own cluster', async () => {
    const ctx = createMockActionContext({ input: { stage: 'prod' } });
    await createStageAction({ access: access(config) }).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('cluster', 'prod-cluster');
    expect(ctx.output).not.toHaveBeenCalledWith('next', expect.anything());
  });

  it('rejects an unknown stage, naming the configured ones', async () => {
    const ctx = createMockActionContext({ input: { stage: 'qa' } });
    await expect(
      createStageAction({ access: access(config) }).handler(ctx),
    ).rejects.toThrow(
      'Unknown stage "qa"; configured stages: dev, staging, prod',
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('explains what to configure when there are no stages', async () => {
    const ctx = createMockActionContext({ input: {} });
    await expect(
      createStageAction({ access: access(new ConfigReader({})) }).handler(ctx),
    ).rejects.toThrow('No stages are configured');
  });
});

describe('environments:stage input', () => {
  const action = createStageAction({ access: access(config) });

  it.each(inputCases([{}, { stage: 'prod' }, { stage: 'team-a-dev' }]))(
    'accepts %s',
    (_, input) => expect(acceptsInput(action, input)).toBe(true),
  );

  it.each(inputCases([{ stage: 'Prod' }, { stage: '' }, { stage: 'dev/x' }]))(
    'refuses %s',
    (_, input) => expect(acceptsInput(action, input)).toBe(false),
  );
});
