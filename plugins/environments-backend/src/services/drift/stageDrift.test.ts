import type { LastChange } from '../../database/PromotionStore';
import type { CachedObject } from '../cache';
import { ConfigMapContents, configRecord } from '../promotion/workload';
import {
  configChanges,
  configMapWriter,
  driftedConfigMapOnly,
  sameImage,
  stageDrift,
  templateWriter,
} from './stageDrift';

/** A stage whose containers read no ConfigMap. */
const noConfigMaps: ConfigMapContents = () => undefined;

const promoted: LastChange = {
  entityRef: 'component:default/orders',
  stage: 'prod',
  kind: 'promotion',
  image: 'registry.local/orders:1.2.0',
  deployment: 'orders',
  container: 'app',
  requestedBy: 'user:default/rita',
  finishedAt: '2026-11-20T10:00:00.000Z',
};

const deployment = (
  image: string,
  annotations: Record<string, string> = {},
): CachedObject<'Deployment'> => ({
  metadata: { name: 'orders', annotations },
  spec: {
    selector: {},
    template: { spec: { containers: [{ name: 'app', image }] } },
  },
});

describe('sameImage', () => {
  it.each([
    ['r/orders:1.2.0', 'r/orders:1.2.0', true],
    ['r/orders:1.2.0', 'r/orders:1.3.0', false],
    ['r/orders:1.2.0', 'r/payments:1.2.0', false],
    ['r/orders@sha256:aa', 'r/orders:1.2.0@sha256:aa', true],
    ['r/orders@sha256:aa', 'r/orders@sha256:bb', false],
    ['r/orders@sha256:aa', 'r/orders:1.2.0', undefined],
    ['r/orders:1.2.0', 'r/orders@sha256:aa', undefined],
  ])('%s against %s: %p', (expected, actual, same) => {
    expect(sameImage(expected, actual)).toBe(same);
  });
});

const withEnv = (
  image: string,
  env: Record<string, string>,
): CachedObject<'Deployment'> => ({
  metadata: { name: 'orders' },
  spec: {
    selector: {},
    template: {
      metadata: { annotations: { 'checksum/config': 'c1' } },
      spec: {
        containers: [
          {
            name: 'app',
            image,
            env: Object.entries(env).map(([name, value]) => ({ name, value })),
          },
        ],
      },
    },
  },
});

describe('stageDrift of configuration', () => {
  const image = 'registry.local/orders:1.2.0';
  const recorded = configRecord(
    withEnv(image, { LOG_LEVEL: 'info' }),
    'app',
    noConfigMaps,
  )!;

  it('keeps env values only as fingerprints salted per record', () => {
    const again = configRecord(
      withEnv(image, { LOG_LEVEL: 'info' }),
      'app',
      noConfigMaps,
    )!;
    expect(JSON.stringify(recorded)).not.toContain('info');
    expect(again.salt).not.toBe(recorded.salt);
    expect(again.entries['env LOG_LEVEL']).not.toBe(
      recorded.entries['env LOG_LEVEL'],
    );
  });

  it('flags a changed env value by name, never by value', () => {
    const drift = stageDrift(
      'prod',
      { ...promoted, config: recorded },
      withEnv(image, { LOG_LEVEL: 'debug', DEBUG_TOKEN: 's3cr3t' }),
      noConfigMaps,
    );
    expect(drift).toMatchObject({
      state: 'drifted',
      configChanges: ['env DEBUG_TOKEN', 'env LOG_LEVEL'],
      reason:
        'configuration changed since the promotion: env DEBUG_TOKEN, env LOG_LEVEL',
    });
    expect(JSON.stringify(drift)).not.toMatch(/debug|s3cr3t/);
  });

  it('compares with a recorded deploy as with a promotion, and says which it was', () => {
    const deployed: LastChange = {
      ...promoted,
      kind: 'deploy',
      requestedBy: 'service:ci',
      config: recorded,
    };
    expect(
      stageDrift(
        'dev',
        deployed,
        withEnv(image, { LOG_LEVEL: 'info' }),
        noConfigMaps,
      ),
    ).toMatchObject({
      state: 'in-sync',
      changeKind: 'deploy',
      promotedBy: 'service:ci',
    });
    expect(
      stageDrift(
        'dev',
        deployed,
        withEnv(image, { LOG_LEVEL: 'debug' }),
        noConfigMaps,
      ),
    ).toMatchObject({
      state: 'drifted',
      changeKind: 'deploy',
      reason: 'configuration changed since the recorded deploy: env LOG_LEVEL',
    });
  });

  it('is in sync when image and configuration are what the promotion left', () => {
    expect(
      stageDrift(
        'prod',
        { ...promoted, config: recorded },
        withEnv(image, { LOG_LEVEL: 'info' }),
        noConfigMaps,
      ),
    ).toMatchObject({ state: 'in-sync' });
  });

  it('compares a record from an older release only on what it recorded', () => {
    const withArgs = (args: string[]) => {
      const target = withEnv(image, { LOG_LEVEL: 'info' });
      target.spec!.template.spec!.containers[0].args = args;
      return target;
    };
    const current = configRecord(
      withArgs(['--port=8080']),
      'app',
      noConfigMaps,
    )!;
    const { scope: _scope, ...older } = current; // as recorded before command and args were
    const olderRecord = {
      ...older,
      entries: Object.fromEntries(
        Object.entries(older.entries).filter(([k]) => k !== 'args'),
      ),
    };
    expect(
      stageDrift(
        'prod',
        { ...promoted, config: olderRecord },
        withArgs(['--port=9090']),
        noConfigMaps,
      ),
    ).toMatchObject({ state: 'in-sync' });
    expect(
      stageDrift(
        'prod',
        { ...promoted, config: current },
        withArgs(['--port=9090']),
        noConfigMaps,
      ),
    ).toMatchObject({ state: 'drifted', configChanges: ['args'] });
  });

  describe('of the ConfigMaps the container reads', () => {
    /**
     * orders' app reads orders-env (envFrom), orders-files (a mounted volume, projected) and
     * orders-flags (one key); the sidecar reads cache-rules.
     */
    const readingConfigMaps = (): CachedObject<'Deployment'> => {
      const target = withEnv(image, { LOG_LEVEL: 'info' });
      const podSpec = target.spec!.template.spec!;
      podSpec.volumes = [
        {
          name: 'files',
          projected: { sources: [{ configMap: { name: 'orders-files' } }] },
        },
        { name: 'rules', configMap: { name: 'cache-rules' } },
      ];
      const app = podSpec.containers[0];
      app.envFrom = [{ configMapRef: { name: 'orders-env' } }];
      app.env!.push({
        name: 'FLAGS',
        valueFrom: { configMapKeyRef: { name: 'orders-flags', key: 'all' } },
      });
      app.volumeMounts = [{ name: 'files', mountPath: '/etc/orders' }];
      podSpec.containers.push({
        name: 'cache',
        image: 'registry.local/cache:2',
        volumeMounts: [{ name: 'rules', mountPath: '/etc/cache' }],
      });
      return target;
    };
    /** Each ConfigMap's content fingerprint, as the cache would have it. */
    const contents =
      (hashes: Record<string, string>): ConfigMapContents =>
      name =>
        hashes[name];
    const atPromotion = {
      'orders-env': 'hash-env-1',
      'orders-files': 'hash-files-1',
      'orders-flags': 'hash-flags-1',
      'cache-rules': 'hash-rules-1',
    };
    const record = configRecord(
      readingConfigMaps(),
      'app',
      contents(atPromotion),
    )!;
    const driftWith = (now: ConfigMapContents | undefined) =>
      stageDrift(
        'prod',
        { ...promoted, config: record },
        readingConfigMaps(),
        now,
      );

    it('records their contents as fingerprints salted per record', () => {
      expect(Object.keys(record.entries)).toEqual(
        expect.arrayContaining([
          'configMap orders-env',
          'configMap orders-files',
          'configMap orders-flags',
        ]),
      );
      expect(JSON.stringify(record)).not.toContain('hash-env-1');
    });

    it('is in sync while their contents are what the promotion left', () => {
      expect(driftWith(contents(atPromotion))).toMatchObject({
        state: 'in-sync',
      });
    });

    it('flags one whose contents changed, by name, ignores what another container reads, and clears when put back', () => {
      expect(
        driftWith(
          contents({
            ...atPromotion,
            'orders-env': 'hash-env-2',
            'cache-rules': 'hash-rules-2',
          }),
        ),
      ).toMatchObject({
        state: 'drifted',
        configChanges: ['configMap orders-env'],
        reason:
          'configuration changed since the promotion: configMap orders-env',
      });
      expect(driftWith(contents(atPromotion)).state).toBe('in-sync');
    });

    it('flags one deleted since the promotion', () => {
      const { 'orders-flags': _deleted, ...rest } = atPromotion;
      expect(driftWith(contents(rest))).toMatchObject({
        state: 'drifted',
        configChanges: ['configMap orders-flags'],
      });
    });

    it('leaves them out while the stage cannot say (its ConfigMap watch not synced)', () => {
      expect(driftWith(undefined)).toMatchObject({ state: 'in-sync' });
    });

    it('leaves them out of a record taken while the stage could not say', () => {
      const unread = configRecord(readingConfigMaps(), 'app', undefined)!;
      expect(
        Object.keys(unread.entries).some(k => k.startsWith('configMap ')),
      ).toBe(false);
      expect(
        stageDrift(
          'prod',
          { ...promoted, config: unread },
          readingConfigMaps(),
          contents({ ...atPromotion, 'orders-env': 'hash-env-2' }),
        ),
      ).toMatchObject({ state: 'in-sync' });
    });

    it('are not compared for a record from a release that did not look at them', () => {
      const older = {
        salt: record.salt,
        scope: 2,
        entries: Object.fromEntries(
          Object.entries(record.entries).filter(
            ([k]) => !k.startsWith('configMap '),
          ),
        ),
      };
      expect(
        stageDrift(
          'prod',
          { ...promoted, config: older },
          readingConfigMaps(),
          contents({ ...atPromotion, 'orders-env': 'hash-env-2' }),
        ),
      ).toMatchObject({ state: 'in-sync' });
    });

    it('ignores entries of a kind this release does not know (a record from a newer release)', () => {
      const newer = {
        ...record,
        scope: 9,
        entries: { ...record.entries, 'sidecar cache': 'hidden:abc' },
      };
      expect(
        stageDrift(
          'prod',
          { ...promoted, config: newer },
          readingConfigMaps(),
          contents(atPromotion),
        ),
      ).toMatchObject({ state: 'in-sync' });
    });
  });

  it('compares the image only when the promotion recorded no configuration', () => {
    expect(
      stageDrift(
        'prod',
        promoted,
        withEnv(image, { LOG_LEVEL: 'debug' }),
        noConfigMaps,
      ),
    ).toMatchObject({ state: 'in-sync' });
  });
});

describe('configChanges', () => {
  it('names entries added, removed or changed, sorted', () => {
    expect(
      configChanges({ a: '1', b: '2', c: '3' }, { a: '1', b: '9', d: '4' }),
    ).toEqual(['b', 'c', 'd']);
  });
});

describe('stageDrift', () => {
  it('is in sync when the stage runs what was promoted', () => {
    expect(
      stageDrift(
        'prod',
        promoted,
        deployment('registry.local/orders:1.2.0'),
        noConfigMaps,
      ),
    ).toEqual({
      stage: 'prod',
      state: 'in-sync',
      changeKind: 'promotion',
      expectedImage: promoted.image,
      actualImage: promoted.image,
      promotedAt: promoted.finishedAt,
      promotedBy: 'user:default/rita',
      changeCause: undefined,
      reason: undefined,
    });
  });

  it('flags an image changed by hand, with the change-cause the cluster records', () => {
    expect(
      stageDrift(
        'prod',
        promoted,
        deployment('registry.local/orders:1.2.1-hotfix', {
          'kubernetes.io/change-cause': 'hotfix INC-7 by ops',
        }),
        noConfigMaps,
      ),
    ).toMatchObject({
      state: 'drifted',
      actualImage: 'registry.local/orders:1.2.1-hotfix',
      expectedImage: promoted.image,
      changeCause: 'hotfix INC-7 by ops',
    });
  });

  it('flags a Deployment or container that is gone, and says when nothing was promoted', () => {
    expect(stageDrift('prod', promoted, undefined, noConfigMaps)).toMatchObject(
      {
        state: 'drifted',
        reason: 'Deployment orders is gone',
      },
    );
    expect(
      stageDrift(
        'prod',
        { ...promoted, container: 'web' },
        deployment('x:1'),
        noConfigMaps,
      ),
    ).toMatchObject({
      state: 'drifted',
      reason: 'container web is gone from orders',
    });
    expect(
      stageDrift('dev', undefined, deployment('x:1'), noConfigMaps),
    ).toMatchObject({
      state: 'no-record',
    });
  });

  it('does not guess between a digest and a tag', () => {
    expect(
      stageDrift(
        'prod',
        { ...promoted, image: 'registry.local/orders@sha256:aa' },
        deployment('registry.local/orders:1.2.0'),
        noConfigMaps,
      ),
    ).toMatchObject({ state: 'unknown' });
  });
});

describe('templateWriter', () => {
  it("names the last manager that wrote the pod template, not the controller's status writes", () => {
    expect(
      templateWriter([
        {
          manager: 'helm',
          operation: 'Update',
          time: '2026-11-20T10:00:00Z',
          fieldsV1: { 'f:spec': { 'f:template': {} } },
        },
        {
          manager: 'kubectl-set',
          operation: 'Update',
          time: '2026-11-21T09:30:00Z',
          fieldsV1: { 'f:spec': { 'f:template': {} } },
        },
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          time: '2026-11-21T09:31:00Z',
          fieldsV1: {},
        },
      ]),
    ).toEqual({
      manager: 'kubectl-set',
      operation: 'Update',
      at: '2026-11-21T09:30:00Z',
    });
    expect(templateWriter(undefined)).toBeUndefined();
  });
});

describe('configMapWriter', () => {
  it("names the last manager that wrote the ConfigMap's contents, not its labels", () => {
    expect(
      configMapWriter([
        {
          manager: 'helm',
          operation: 'Update',
          time: '2026-11-20T10:00:00Z',
          fieldsV1: { 'f:data': {}, 'f:metadata': { 'f:labels': {} } },
        },
        {
          manager: 'kubectl-edit',
          operation: 'Update',
          time: '2026-11-21T09:30:00Z',
          fieldsV1: { 'f:data': { 'f:LOG_LEVEL': {} } },
        },
        {
          manager: 'kubectl-label',
          operation: 'Update',
          time: '2026-11-21T09:40:00Z',
          fieldsV1: { 'f:metadata': { 'f:labels': {} } },
        },
      ]),
    ).toEqual({
      manager: 'kubectl-edit',
      operation: 'Update',
      at: '2026-11-21T09:30:00Z',
    });
  });
});

describe('driftedConfigMapOnly', () => {
  const drifted = {
    stage: 'prod',
    state: 'drifted' as const,
    expectedImage: 'r/orders:1.2.0',
    actualImage: 'r/orders:1.2.0',
  };

  it('names the ConfigMap when ConfigMaps are all that changed', () => {
    expect(
      driftedConfigMapOnly({
        ...drifted,
        configChanges: ['configMap orders-env', 'configMap orders-files'],
      }),
    ).toBe('orders-env');
  });

  it('is undefined when the image or the Deployment changed too', () => {
    expect(
      driftedConfigMapOnly({
        ...drifted,
        actualImage: 'r/orders:1.3.0',
        configChanges: ['configMap orders-env'],
      }),
    ).toBeUndefined();
    expect(
      driftedConfigMapOnly({
        ...drifted,
        configChanges: ['configMap orders-env', 'env LOG_LEVEL'],
      }),
    ).toBeUndefined();
    expect(driftedConfigMapOnly(drifted)).toBeUndefined();
  });
});
