import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { ClusterDefinition } from '../clusters';
import { Reflector } from './Reflector';
import { CachedKind, RESOURCES } from './resources';
import {
  CachedObject,
  CacheChangeListener,
  CacheHealth,
  NamespaceCache,
  WorkloadCacheService,
} from './types';

function createNamespaceCache(
  cluster: ClusterDefinition,
  namespace: string,
  logger: LoggerService,
  emit: CacheChangeListener,
): NamespaceCache & { stop(): void; poke(): void } {
  const reflectors = new Map<CachedKind, Reflector>();
  let version = 0;
  const emitCounted: CacheChangeListener = change => {
    version++;
    emit(change);
  };
  for (const resource of RESOURCES) {
    const reflector = new Reflector({
      kubeConfig: cluster.kubeConfig,
      clusterName: cluster.name,
      namespace,
      resource,
      logger,
      emit: emitCounted,
    });
    reflectors.set(resource.kind, reflector);
    reflector.start();
  }
  const reflector = (kind: CachedKind) => reflectors.get(kind)!;

  return {
    clusterName: cluster.name,
    namespace,
    // Each reflector holds one kind, so its objects are that kind's (the API server decides the shape).
    list: <K extends CachedKind>(kind: K) =>
      reflector(kind).list() as Array<CachedObject<K>>,
    get: <K extends CachedKind>(kind: K, name: string) =>
      reflector(kind).get(name) as CachedObject<K> | undefined,
    has: kind => reflector(kind).status().state === 'synced',
    async waitForSync(timeoutMs) {
      const results = await Promise.all(
        [...reflectors.values()].map(r => r.waitForSync(timeoutMs)),
      );
      return results.every(Boolean);
    },
    health(): CacheHealth {
      const now = Date.now();
      const kinds = [...reflectors.values()].map(r => r.status(now));
      const relevant = kinds.filter(k => k.state !== 'absent');
      const synced = relevant.every(k => k.syncedAt !== undefined);
      const times = relevant.map(k => k.syncedAt ?? 0);
      return {
        synced,
        // A kind without a live watch for over 2 s may miss changes; say so rather than look current.
        stale: relevant.some(
          k => k.syncedAt === undefined || now - k.syncedAt > 2000,
        ),
        observedAt: synced && times.length ? Math.min(...times) : undefined,
        errors: [
          ...new Set(
            relevant.filter(k => k.error).map(k => `${k.kind}: ${k.error}`),
          ),
        ],
        kinds,
      };
    },
    version: () => version,
    listCalls: () =>
      [...reflectors.values()].reduce((sum, r) => sum + r.listCalls, 0),
    stop() {
      reflectors.forEach(r => r.stop());
    },
    poke() {
      reflectors.forEach(r => r.poke());
    },
  };
}

/**
 * Watch-fed caches, one per cluster and namespace, created on first use and kept for the life of the
 * backend. Reads never call the API server; staleness is reported instead.
 */
export function createWorkloadCache(options: {
  clusters: ClusterDefinition[];
  logger: LoggerService;
}): WorkloadCacheService {
  const { logger } = options;
  const clusters = new Map(options.clusters.map(c => [c.name, c]));
  const caches = new Map<string, ReturnType<typeof createNamespaceCache>>();
  const listeners = new Set<CacheChangeListener>();
  const emit: CacheChangeListener = change => {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (error) {
        logger.warn(`cache change listener failed: ${error}`);
      }
    }
  };

  return {
    namespace(clusterName, namespace) {
      const key = `${clusterName}\u0000${namespace}`;
      let cache = caches.get(key);
      if (!cache) {
        const cluster = clusters.get(clusterName);
        if (!cluster) {
          throw new NotFoundError(`Unknown cluster "${clusterName}"`);
        }
        cache = createNamespaceCache(cluster, namespace, logger, emit);
        caches.set(key, cache);
      }
      return cache;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reconnect(clusterName) {
      for (const cache of caches.values()) {
        if (cache.clusterName === clusterName) cache.poke();
      }
    },
    stop() {
      caches.forEach(c => c.stop());
      caches.clear();
      listeners.clear();
    },
  };
}
