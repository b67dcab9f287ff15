import type {
  CacheChangeListener,
  CachedKind,
  CachedObject,
  CacheHealth,
  NamespaceCache,
  WorkloadCacheService,
} from '../../cache';
import type {
  ApplyResult,
  PromotionStrategy,
  StrategyTarget,
} from '../strategies';

/** The Deployment every fake namespace holds, labelled for the `orders` entity. */
export const DEPLOYMENT = 'orders';
export const CONTAINER = 'app';

/**
 * How a rollout started in the fake cluster goes: every pod becomes ready, no new pod ever becomes
 * ready (the watch's timeout decides), or the controller reports ProgressDeadlineExceeded at once.
 */
export type RolloutBehaviour = 'completes' | 'stalls' | 'exceeds-deadline';

type DeploymentState = {
  /** The promoted container's name, CONTAINER unless renamed. */
  container: string;
  image: string;
  revision: number;
  replicas: number;
  updated: number;
  /** Ready pods of the current revision. */
  newReady: number;
  /** Ready pods of the whole Deployment (old and new). */
  ready: number;
  available: number;
  total: number;
  deadlineExceeded: boolean;
  /** Containers listed before the promoted one (a mesh proxy, a log shipper). */
  sidecars: Array<{ name: string; image: string }>;
  /** The promoted container's env. */
  env?: Record<string, string>;
};

type NamespaceState = {
  deployment?: DeploymentState;
  watchError?: string;
  /** No watch runs: the cache is not synced, and has no error to tell. */
  unwatched?: boolean;
  /** The cache has not finished its first list (a replica that just started): it knows nothing. */
  unlisted?: boolean;
  version: number;
};

/**
 * A cluster as the promotion engine sees it through the watch-fed cache: one `orders` Deployment per
 * namespace whose rollout the test drives. Every change is announced to the cache's listeners at
 * once, as the real cache does for each watch event.
 */
export function fakeCluster(clusterName = 'local') {
  const listeners = new Set<CacheChangeListener>();
  const namespaces = new Map<string, NamespaceState>();

  const state = (namespace: string): NamespaceState => {
    let ns = namespaces.get(namespace);
    if (!ns) {
      ns = { version: 0 };
      namespaces.set(namespace, ns);
    }
    return ns;
  };

  const announce = (
    namespace: string,
    kind: CachedKind,
    type: 'MODIFIED' | 'STATE',
  ) => {
    state(namespace).version++;
    for (const listener of [...listeners]) {
      listener({ clusterName, namespace, kind, type, name: DEPLOYMENT });
    }
  };

  const uid = (namespace: string) => `uid-${namespace}-${DEPLOYMENT}`;

  const deploymentOf = (
    namespace: string,
    d: DeploymentState,
  ): CachedObject<'Deployment'> => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: DEPLOYMENT,
      namespace,
      uid: uid(namespace),
      generation: d.revision,
      labels: { 'backstage.io/kubernetes-id': DEPLOYMENT },
      annotations: { 'deployment.kubernetes.io/revision': String(d.revision) },
    },
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: { app: DEPLOYMENT } },
      template: {
        metadata: { labels: { app: DEPLOYMENT } },
        spec: {
          containers: [
            ...d.sidecars,
            {
              name: d.container,
              image: d.image,
              env: Object.entries(d.env ?? {}).map(([name, value]) => ({
                name,
                value,
              })),
            },
          ],
        },
      },
    },
    status: {
      observedGeneration: d.revision,
      replicas: d.total,
      updatedReplicas: d.updated,
      readyReplicas: d.ready,
      availableReplicas: d.available,
      conditions: d.deadlineExceeded
        ? [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: `ReplicaSet "${DEPLOYMENT}-${d.revision}" has timed out progressing.`,
            },
          ]
        : [],
    },
  });

  const replicaSetOf = (
    namespace: string,
    d: DeploymentState,
  ): CachedObject<'ReplicaSet'> => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${DEPLOYMENT}-${d.revision}`,
      namespace,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: DEPLOYMENT,
          uid: uid(namespace),
        },
      ],
      annotations: { 'deployment.kubernetes.io/revision': String(d.revision) },
    },
    status: { replicas: d.updated, readyReplicas: d.newReady },
  });

  const namespaceCache = (namespace: string): NamespaceCache => ({
    clusterName,
    namespace,
    list<K extends CachedKind>(kind: K): Array<CachedObject<K>> {
      const { deployment: d, unlisted } = state(namespace);
      if (!d || unlisted) return [];
      if (kind === 'Deployment') {
        return [deploymentOf(namespace, d)] as Array<CachedObject<K>>;
      }
      if (kind === 'ReplicaSet') {
        return [replicaSetOf(namespace, d)] as Array<CachedObject<K>>;
      }
      return [];
    },
    get<K extends CachedKind>(kind: K, name: string) {
      return this.list(kind).find(o => o.metadata?.name === name);
    },
    has: () => false,
    waitForSync: async () => !state(namespace).unlisted,
    health(): CacheHealth {
      const { watchError: error, unwatched, unlisted } = state(namespace);
      return {
        synced: !unwatched && !unlisted,
        stale: Boolean(error),
        errors: error ? [error] : [],
        kinds: [],
      };
    },
    listCalls: () => 0,
    version: () => state(namespace).version,
  });

  const service: WorkloadCacheService = {
    namespace: (cluster, namespace) => {
      if (cluster !== clusterName) {
        throw new Error(`fake cluster ${clusterName} asked for ${cluster}`);
      }
      return namespaceCache(namespace);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reconnect: () => undefined,
    stop: () => undefined,
  };

  const deployment = (namespace: string) => {
    const d = state(namespace).deployment;
    if (!d) throw new Error(`nothing runs in ${namespace}`);
    return d;
  };

  const complete = (d: DeploymentState) => {
    d.updated = d.replicas;
    d.newReady = d.replicas;
    d.ready = d.replicas;
    d.available = d.replicas;
    d.total = d.replicas;
    d.deadlineExceeded = false;
  };

  return {
    /** What the promotion engine reads the cluster through. */
    cache: service,

    /** `image` fully rolled out in `namespace`: a stage's state before a promotion. */
    runs(namespace: string, image: string, replicas = 2) {
      const d: DeploymentState = {
        container: CONTAINER,
        image,
        revision: 1,
        replicas,
        updated: 0,
        newReady: 0,
        ready: 0,
        available: 0,
        total: 0,
        deadlineExceeded: false,
        sidecars: [],
      };
      complete(d);
      state(namespace).deployment = d;
      announce(namespace, 'Deployment', 'MODIFIED');
    },

    /** A container listed before the promoted one in the pod template, as a mesh injects it. */
    addsSidecar(namespace: string, name: string, image: string) {
      deployment(namespace).sidecars.push({ name, image });
      announce(namespace, 'Deployment', 'MODIFIED');
    },

    /** An env value set by hand on the promoted container (as `kubectl set env` does). */
    setsEnv(namespace: string, name: string, value: string) {
      const d = deployment(namespace);
      d.env = { ...d.env, [name]: value };
      announce(namespace, 'Deployment', 'MODIFIED');
    },

    /** The promoted container has another name (another version of the chart). */
    renamesContainer(namespace: string, name: string) {
      deployment(namespace).container = name;
      announce(namespace, 'Deployment', 'MODIFIED');
    },

    /** The Deployment is deleted (by hand, or by another tool). */
    deletes(namespace: string) {
      state(namespace).deployment = undefined;
      announce(namespace, 'Deployment', 'MODIFIED');
    },

    /** What a patch or helm upgrade does: a new revision with `image`, which rolls out as told. */
    rollOut(namespace: string, image: string, behaviour: RolloutBehaviour) {
      const d = deployment(namespace);
      // The applied template names the promoted container CONTAINER, whatever it was called before.
      d.container = CONTAINER;
      d.image = image;
      d.revision++;
      if (behaviour === 'completes') {
        complete(d);
      } else {
        // The old pods keep serving; not one pod of the new revision becomes ready.
        d.updated = 0;
        d.newReady = 0;
        d.ready = d.replicas;
        d.available = d.replicas;
        d.total = d.replicas;
        d.deadlineExceeded = behaviour === 'exceeds-deadline';
      }
      announce(namespace, 'Deployment', 'MODIFIED');
    },

    /** The stalled rollout's pods turn ready after all. */
    finishRollout(namespace: string) {
      complete(deployment(namespace));
      announce(namespace, 'Deployment', 'MODIFIED');
    },

    /** Pods of the Deployment stop being ready (a crash loop after the rollout). */
    readyPods(namespace: string, ready: number) {
      const d = deployment(namespace);
      d.ready = ready;
      d.newReady = ready;
      d.available = ready;
      announce(namespace, 'Deployment', 'MODIFIED');
    },

    /** The watch of the namespace breaks: the cache serves stale data until it reconnects. */
    watchFails(namespace: string, error: string) {
      state(namespace).watchError = error;
      announce(namespace, 'Deployment', 'STATE');
    },

    /** The watch reconnects: the cache is current again. */
    watchRecovers(namespace: string) {
      state(namespace).watchError = undefined;
      announce(namespace, 'Deployment', 'STATE');
    },

    /** The namespace's watch stops without an error (not running, not synced). */
    watchStops(namespace: string) {
      state(namespace).unwatched = true;
      announce(namespace, 'Deployment', 'STATE');
    },

    /** The cache of a namespace has not listed it yet, or (`false`) now has. */
    unlisted(namespace: string, unlisted = true) {
      state(namespace).unlisted = unlisted;
      announce(namespace, 'Deployment', 'STATE');
    },

    imageIn(namespace: string): string | undefined {
      return state(namespace).deployment?.image;
    },
  };
}

export type FakeCluster = ReturnType<typeof fakeCluster>;

/** One call of a fake strategy: what was applied where, and why. */
export type ApplyCall = {
  namespace: string;
  deployment: string;
  container: string;
  image: string;
  cause: string;
};

/**
 * A stand-in for the `image` strategy (the API server patch): each call applies the next behaviour
 * in `script` to the fake cluster, or rejects with it when it is an Error (the patch refused).
 */
export function fakeImageStrategy(
  cluster: FakeCluster,
  script: Array<RolloutBehaviour | Error>,
): PromotionStrategy & { calls: ApplyCall[] } {
  const calls: ApplyCall[] = [];
  return {
    name: 'image',
    calls,
    async apply(target: StrategyTarget, image: string, cause: string) {
      calls.push(callOf(target, image, cause));
      const next = script[calls.length - 1];
      if (next === undefined) {
        throw new Error(`fake strategy called ${calls.length} times`);
      }
      if (next instanceof Error) throw next;
      cluster.rollOut(target.connection.namespace, image, next);
      return { finished: Promise.resolve() };
    },
  };
}

/**
 * A stand-in for the `helm` strategy: the upgrade starts a rollout that stalls, and the helm process
 * keeps running until the test ends it with `succeed()`, or with `fail(message)`, which (as
 * `--atomic` does) puts the previous image back before it reports the failure.
 */
export function fakeHelmStrategy(cluster: FakeCluster): PromotionStrategy & {
  calls: ApplyCall[];
  succeed(): void;
  fail(message: string): void;
} {
  const calls: ApplyCall[] = [];
  let settle: { succeed(): void; fail(message: string): void } | undefined;
  return {
    name: 'helm',
    calls,
    async apply(target, image, cause): Promise<ApplyResult> {
      calls.push(callOf(target, image, cause));
      const namespace = target.connection.namespace;
      const before = cluster.imageIn(namespace);
      cluster.rollOut(namespace, image, 'stalls');
      const finished = new Promise<void>((resolve, reject) => {
        settle = {
          succeed() {
            cluster.finishRollout(namespace);
            resolve();
          },
          fail(message) {
            if (before) cluster.rollOut(namespace, before, 'completes');
            reject(new Error(message));
          },
        };
      });
      finished.catch(() => undefined);
      return { finished };
    },
    succeed: () => settle!.succeed(),
    fail: message => settle!.fail(message),
  };
}

function callOf(
  target: StrategyTarget,
  image: string,
  cause: string,
): ApplyCall {
  return {
    namespace: target.connection.namespace,
    deployment: target.deploymentName,
    container: target.container,
    image,
    cause,
  };
}
