import type { CachedObject } from '../cache';
import type { NamespaceCache } from '../cache';
import {
  ConfigMapContents,
  configRecord,
  snapshotOf,
  workloadConfig,
} from './workload';

/** A stage whose containers read no ConfigMap. */
const noConfigMaps: ConfigMapContents = () => undefined;

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

  it('fingerprints command and args and names the ConfigMaps and Secrets mounted into the container', () => {
    const deployment = (args: string[]): CachedObject<'Deployment'> => ({
      metadata: { name: 'orders' },
      spec: {
        selector: { matchLabels: { app: 'orders' } },
        template: {
          spec: {
            volumes: [
              { name: 'settings', configMap: { name: 'orders-settings' } },
              { name: 'tls', secret: { secretName: 'orders-tls' } },
              {
                name: 'bundle',
                projected: {
                  sources: [
                    { configMap: { name: 'ca' } },
                    { secret: { name: 'client-cert' } },
                  ],
                },
              },
              { name: 'tmp', emptyDir: {} },
            ],
            containers: [
              {
                name: 'app',
                image: 'r/orders:1.2.0',
                command: ['node'],
                args,
                volumeMounts: [
                  { name: 'settings', mountPath: '/etc/orders' },
                  { name: 'tls', mountPath: '/tls', subPath: 'tls.crt' },
                  { name: 'bundle', mountPath: '/bundle' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
          },
        },
      },
    });
    const config = snapshotOf(cache, deployment(['--token=s3cr3t']))!.config;
    expect(config).toMatchObject({
      'mount /etc/orders': 'ConfigMap orders-settings',
      'mount /tls/tls.crt': 'Secret orders-tls',
      'mount /bundle': 'ConfigMap ca, Secret client-cert',
    });
    expect(config['mount /tmp']).toBeUndefined();
    expect(config.command).toMatch(/^hidden:/);
    expect(JSON.stringify(config)).not.toContain('s3cr3t');
    // a changed argument changes the record, under the same salt
    const { salt, entries } = configRecord(
      deployment(['--token=s3cr3t']),
      'app',
      noConfigMaps,
    )!;
    expect(
      workloadConfig(deployment(['--token=s3cr3t']), 'app', salt, noConfigMaps),
    ).toEqual(entries);
    expect(
      workloadConfig(deployment(['--token=other']), 'app', salt, noConfigMaps)!
        .args,
    ).not.toBe(entries.args);
  });
});
