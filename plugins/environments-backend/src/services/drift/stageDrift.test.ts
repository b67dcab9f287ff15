import type { LastChange } from '../../database/PromotionStore';
import type { CachedObject } from '../cache';
import { sameImage, stageDrift, templateWriter } from './stageDrift';

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
