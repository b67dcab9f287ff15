import { mockServices } from '@backstage/backend-test-utils';
import type { SignalPayload } from '@backstage/plugin-signals-node';
import {
  CacheChange,
  CacheChangeListener,
  CachedObject,
  WorkloadCacheService,
} from '../cache';
import { parseLabelSelector } from '../entities';
import {
  COALESCE_MS,
  createLiveUpdates,
  FLEET_COALESCE_MS,
  FOLLOW_TTL_MS,
} from './createLiveUpdates';

const STAGES = [
  { name: 'dev', cluster: 'local', namespace: 'petstore-dev' },
  { name: 'staging', cluster: 'local', namespace: 'petstore-staging' },
];

/** petstore's Deployment in each namespace reads the ConfigMap petstore-env (envFrom). */
const PETSTORE_DEPLOYMENT: CachedObject<'Deployment'> = {
  metadata: { name: 'petstore', labels: { app: 'petstore' } },
  spec: {
    selector: {},
    template: {
      spec: {
        containers: [
          {
            name: 'app',
            envFrom: [{ configMapRef: { name: 'petstore-env' } }],
          },
        ],
      },
    },
  },
};

function setup() {
  let listener: CacheChangeListener | undefined;
  const cache = {
    onChange: (l: CacheChangeListener) => {
      listener = l;
      return () => {
        listener = undefined;
      };
    },
    namespace: () => ({ list: () => [PETSTORE_DEPLOYMENT] }),
  } as unknown as WorkloadCacheService;
  const published: SignalPayload[] = [];
  let clock = 0;
  const live = createLiveUpdates({
    stages: STAGES,
    cache,
    logger: mockServices.logger.mock(),
    now: () => clock,
    // records what would go to the browsers; the browser test runs the real signals backend
    signals: {
      publish: async signal => {
        published.push(signal);
      },
    },
  });
  live.follow(
    'component:default/petstore',
    parseLabelSelector('app=petstore'),
    STAGES.map(s => ({
      stage: s.name,
      clusterName: s.cluster,
      namespace: s.namespace,
    })),
  );
  const change = (c: Partial<CacheChange>) =>
    listener?.({
      clusterName: 'local',
      namespace: 'petstore-dev',
      kind: 'Pod',
      type: 'MODIFIED',
      name: 'petstore-1',
      labels: { app: 'petstore' },
      ...c,
    });
  const channels = () => published.map(p => p.channel);
  return {
    live,
    change,
    published,
    channels,
    advance: (ms: number) => {
      clock += ms;
      jest.advanceTimersByTime(ms);
    },
  };
}

describe('createLiveUpdates', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('pushes one signal per entity for a burst of changes to its workloads', () => {
    const { change, published, advance } = setup();
    for (let i = 0; i < 20; i++) change({ name: `petstore-${i}` });
    change({ namespace: 'petstore-staging', kind: 'Deployment' });
    expect(published).toHaveLength(0);
    advance(COALESCE_MS);
    expect(published).toEqual([
      {
        recipients: { type: 'broadcast' },
        channel: 'environments:component:default/petstore',
        message: { stages: ['dev', 'staging'], cause: 'cluster' },
      },
    ]);
  });

  it("ignores other entities' objects and kinds that do not change a stage's status", () => {
    const { change, channels, advance } = setup();
    change({ labels: { app: 'other' } });
    change({ kind: 'Role' });
    change({ namespace: 'elsewhere' });
    advance(FLEET_COALESCE_MS);
    // the fleet still hears of the other workload in a stage's namespace
    expect(channels()).toEqual(['environments:fleet']);
  });

  it('tells an entity of a change to a ConfigMap its Deployment reads, or that carries its labels, and no one of another', () => {
    const { change, channels, advance } = setup();
    change({ kind: 'ConfigMap', name: 'petstore-env', labels: {} });
    advance(FLEET_COALESCE_MS);
    expect(channels()).toEqual([
      'environments:component:default/petstore',
      'environments:fleet',
    ]);

    const dashboard = setup();
    dashboard.change({
      kind: 'ConfigMap',
      name: 'petstore-dashboard',
      labels: { app: 'petstore' },
    });
    dashboard.advance(FLEET_COALESCE_MS);
    expect(dashboard.channels()).toContain(
      'environments:component:default/petstore',
    );

    const unrelated = setup();
    unrelated.change({ kind: 'ConfigMap', name: 'billing-env', labels: {} });
    unrelated.advance(FLEET_COALESCE_MS);
    expect(unrelated.channels()).toEqual(['environments:fleet']);
  });

  it('tells every followed entity of the namespace when a kind is relisted or its watch fails', () => {
    const { change, channels, advance } = setup();
    change({
      type: 'STATE',
      kind: 'Event',
      labels: undefined,
      name: undefined,
    });
    advance(COALESCE_MS);
    expect(channels()).toEqual(['environments:component:default/petstore']);
  });

  it('coalesces the fleet channel to one signal a second', () => {
    const { change, published, advance } = setup();
    change({ labels: { app: 'other' } });
    advance(COALESCE_MS);
    change({ namespace: 'petstore-staging', labels: { app: 'other' } });
    expect(published).toHaveLength(0);
    advance(FLEET_COALESCE_MS);
    expect(published).toEqual([
      expect.objectContaining({
        channel: 'environments:fleet',
        message: { stages: ['dev', 'staging'], cause: 'cluster' },
      }),
    ]);
  });

  it('marks promotion changes so the tab re-reads promotions', () => {
    const { live, change, published, advance } = setup();
    change({});
    live.promotionChanged('component:default/petstore', 'staging');
    advance(COALESCE_MS);
    expect(published[0].message).toEqual({
      stages: ['dev', 'staging'],
      cause: 'promotion',
    });
  });

  it('keeps following every stage when a later read asks for one stage only', () => {
    const { live, change, channels, advance } = setup();
    // a preview of staging reads that stage alone
    live.follow(
      'component:default/petstore',
      parseLabelSelector('app=petstore'),
      [
        {
          stage: 'staging',
          clusterName: 'local',
          namespace: 'petstore-staging',
        },
      ],
    );
    change({ namespace: 'petstore-dev' });
    advance(COALESCE_MS);
    expect(channels()).toEqual(['environments:component:default/petstore']);
  });

  it('forgets an entity nobody has read for a while', () => {
    const { change, channels, advance } = setup();
    advance(FOLLOW_TTL_MS + 1);
    change({});
    advance(FLEET_COALESCE_MS);
    expect(channels()).toEqual(['environments:fleet']);
  });

  it('publishes nothing after stop', () => {
    const { live, change, published, advance } = setup();
    change({});
    live.stop();
    advance(FLEET_COALESCE_MS);
    change({});
    live.promotionChanged('component:default/petstore', 'dev');
    advance(FLEET_COALESCE_MS);
    expect(published).toEqual([]);
  });
});
