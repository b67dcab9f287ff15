import type { LastChange } from '../../database/PromotionStore';
import type { CachedObject } from '../cache';
import { configRecord } from '../promotion/workload';
import {
  configChanges,
  sameImage,
  stageDrift,
  templateWriter,
} from './stageDrift';

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
  const recorded = configRecord(withEnv(image, { LOG_LEVEL: 'info' }), 'app')!;

  it('keeps env values only as fingerprints salted per record', () => {
    const again = configRecord(withEnv(image, { LOG_LEVEL: 'info' }), 'app')!;
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
    );
    expect(drift).toMatchObject({
      state: 'drifted',
      configChanges: ['env DEBUG_TOKEN', 'env LOG_LEVEL'],
      reason:
        'configuration changed since the promotion: env DEBUG_TOKEN, env LOG_LEVEL',
    });
    expect(JSON.stringify(drift)).not.toMatch(/debug|s3cr3t/);
  });

  it('is in sync when image and configuration are what the promotion left', () => {
    expect(
      stageDrift(
        'prod',
        { ...promoted, config: recorded },
        withEnv(image, { LOG_LEVEL: 'info' }),
      ),
    ).toMatchObject({ state: 'in-sync' });
  });

  it('compares a record from an older release only on what it recorded', () => {
    const withArgs = (args: string[]) => {
      const target = withEnv(image, { LOG_LEVEL: 'info' });
      target.spec!.template.spec!.containers[0].args = args;
      return target;
    };
    const current = configRecord(withArgs(['--port=8080']), 'app')!;
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
      ),
    ).toMatchObject({ state: 'in-sync' });
    expect(
      stageDrift(
        'prod',
        { ...promoted, config: current },
        withArgs(['--port=9090']),
      ),
    ).toMatchObject({ state: 'drifted', configChanges: ['args'] });
  });

  it('compares the image only when the promotion recorded no configuration', () => {
    expect(
      stageDrift('prod', promoted, withEnv(image, { LOG_LEVEL: 'debug' })),
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
      stageDrift('prod', promoted, deployment('registry.local/orders:1.2.0')),
    ).toEqual({
      stage: 'prod',
      state: 'in-sync',
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
      ),
    ).toMatchObject({
      state: 'drifted',
      actualImage: 'registry.local/orders:1.2.1-hotfix',
      expectedImage: promoted.image,
      changeCause: 'hotfix INC-7 by ops',
    });
  });

  it('flags a Deployment or container that is gone, and says when nothing was promoted', () => {
    expect(stageDrift('prod', promoted, undefined)).toMatchObject({
      state: 'drifted',
      reason: 'Deployment orders is gone',
    });
    expect(
      stageDrift('prod', { ...promoted, container: 'web' }, deployment('x:1')),
    ).toMatchObject({
      state: 'drifted',
      reason: 'container web is gone from orders',
    });
    expect(stageDrift('dev', undefined, deployment('x:1'))).toMatchObject({
      state: 'no-record',
    });
  });

  it('does not guess between a digest and a tag', () => {
    expect(
      stageDrift(
        'prod',
        { ...promoted, image: 'registry.local/orders@sha256:aa' },
        deployment('registry.local/orders:1.2.0'),
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
