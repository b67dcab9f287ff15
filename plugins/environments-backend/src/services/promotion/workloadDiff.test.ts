import { diffWorkloads } from './workloadDiff';
import { HIDDEN_VALUE_PREFIX, WorkloadSnapshot } from './workload';

const snapshot = (
  image: string,
  config: Record<string, string>,
): WorkloadSnapshot => ({
  name: 'orders',
  container: 'app',
  image,
  exactImage: image,
  desiredReplicas: 2,
  config,
  maxRestarts: 0,
  deployment: {},
});
const hidden = (fingerprint: string) => `${HIDDEN_VALUE_PREFIX}${fingerprint}`;

describe('diffWorkloads', () => {
  it('names env values that differ, is added or removed, and never shows a value', () => {
    const diff = diffWorkloads(
      snapshot('r/orders:1.2.0', {
        'env DB_PASSWORD': hidden('aaa'),
        'env NEW_TOKEN': hidden('bbb'),
        'env SAME': hidden('ccc'),
        'resources.limits.memory': '512Mi',
      }),
      snapshot('r/orders:1.1.0', {
        'env DB_PASSWORD': hidden('zzz'),
        'env OLD_KEY': hidden('ddd'),
        'env SAME': hidden('ccc'),
        'resources.limits.memory': '256Mi',
      }),
    );
    expect(diff).toEqual([
      { field: 'image', from: 'r/orders:1.1.0', to: 'r/orders:1.2.0' },
      { field: 'version', from: '1.1.0', to: '1.2.0' },
      {
        field: 'config.env DB_PASSWORD',
        from: '(set; value hidden)',
        to: '(changed; value hidden)',
      },
      {
        field: 'config.env NEW_TOKEN',
        from: undefined,
        to: '(set; value hidden)',
      },
      {
        field: 'config.env OLD_KEY',
        from: '(set; value hidden)',
        to: undefined,
      },
      { field: 'config.resources.limits.memory', from: '256Mi', to: '512Mi' },
    ]);
    expect(JSON.stringify(diff)).not.toMatch(/aaa|bbb|zzz|ddd|hidden:/);
  });

  it('shows only what differs: the same image and version are not listed', () => {
    const source = snapshot('r/orders:1.2.0', { 'env LOG_LEVEL': 'debug' });
    const target = snapshot('r/orders:1.2.0', { 'env LOG_LEVEL': 'info' });
    expect(diffWorkloads(source, target)).toEqual([
      { field: 'config.env LOG_LEVEL', from: 'info', to: 'debug' },
    ]);
    expect(diffWorkloads(source, source)).toEqual([]);
  });

  it('leaves configuration out when only the image is promoted (the target keeps its own)', () => {
    const source = snapshot('r/orders:1.2.0', { 'env LOG_LEVEL': 'debug' });
    const target = snapshot('r/orders:1.1.0', { 'env LOG_LEVEL': 'info' });
    expect(diffWorkloads(source, target, { configPromoted: false })).toEqual([
      { field: 'image', from: 'r/orders:1.1.0', to: 'r/orders:1.2.0' },
      { field: 'version', from: '1.1.0', to: '1.2.0' },
    ]);
  });

  it('shows a replica difference, which the target keeps', () => {
    expect(
      diffWorkloads(
        { ...snapshot('r/orders:1.2.0', {}), desiredReplicas: 3 },
        snapshot('r/orders:1.2.0', {}),
      ),
    ).toEqual([
      {
        field: 'replicas',
        from: '2',
        to: '3 in source (target keeps its own)',
      },
    ]);
  });

  it('lists everything as new for a first deployment', () => {
    expect(
      diffWorkloads(
        snapshot('r/orders:1.2.0', { 'env LOG_LEVEL': 'info' }),
        undefined,
      ),
    ).toEqual([
      { field: 'image', from: undefined, to: 'r/orders:1.2.0' },
      { field: 'version', from: undefined, to: '1.2.0' },
      {
        field: 'replicas',
        from: undefined,
        to: '2 in source (target keeps its own)',
      },
      { field: 'config.env LOG_LEVEL', from: undefined, to: 'info' },
    ]);
  });
});
