import type { CachedObject } from '../cache';
import type { NamespaceCache } from '../cache';
import { snapshotOf } from './workload';

const cache = { list: () => [] } as unknown as NamespaceCache;

describe('snapshotOf', () => {
  it('keeps a literal env value only as a fingerprint, so no answer can carry it', () => {
    const deployment: CachedObject<'Deployment'> = {
      metadata: { name: 'orders' },
      spec: {
        selector: { matchLabels: { app: 'orders' } },
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                image: 'r/orders:1.2.0',
                env: [
                  { name: 'DB_PASSWORD', value: 'hunter2-super-secret' },
                  {
                    name: 'API_KEY',
                    valueFrom: { secretKeyRef: { name: 'keys', key: 'api' } },
                  },
                ],
              },
            ],
          },
        },
      },
    };
    const snapshot = snapshotOf(cache, deployment)!;
    expect(snapshot.config['env DB_PASSWORD']).toMatch(/^hidden:[0-9a-f]{64}$/);
    expect(snapshot.config['env API_KEY']).toBe('(from Secret keys key api)');
    expect(JSON.stringify(snapshot.config)).not.toContain('hunter2');
  });
});
