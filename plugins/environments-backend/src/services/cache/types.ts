import type { CachedKind } from './resources';

export type { CachedKind } from './resources';

/** What changed in a cache; RELISTED means the whole kind was replaced, STATE a sync-state change. */
export type CacheChange = {
  clusterName: string;
  namespace: string;
  kind: CachedKind;
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'RELISTED' | 'STATE';
  name?: string;
};

export type CacheChangeListener = (change: CacheChange) => void;

/** Sync state of one kind in one namespace. */
export type KindState = {
  kind: CachedKind;
  /** `absent`: an optional CRD that is not installed in the cluster. */
  state: 'starting' | 'synced' | 'error' | 'absent';
  /** Epoch ms when the data was last known to match the cluster. */
  syncedAt?: number;
  error?: string;
};

/** Freshness of a namespace cache as a whole. */
export type CacheHealth = {
  /** Every kind finished its first list (or is a known-absent CRD). */
  synced: boolean;
  /** Some kind currently has no live watch and its data may be out of date. */
  stale: boolean;
  /** The oldest `syncedAt` across kinds (epoch ms); undefined before the first sync. */
  observedAt?: number;
  errors: string[];
  kinds: KindState[];
};

/** The in-memory copy of one namespace of one cluster. Objects are plain Kubernetes JSON; do not mutate. */
export interface NamespaceCache {
  readonly clusterName: string;
  readonly namespace: string;
  list<T = any>(kind: CachedKind): T[];
  get<T = any>(kind: CachedKind, name: string): T | undefined;
  /** Whether an optional CRD kind is installed (false while unknown). */
  has(kind: CachedKind): boolean;
  /** Resolves true when every kind has synced once, false when `timeoutMs` passes first. */
  waitForSync(timeoutMs: number): Promise<boolean>;
  health(): CacheHealth;
  /** Number of list calls made so far (relists after errors included). */
  listCalls(): number;
  /** Grows with every change applied to this namespace; equal versions mean identical contents. */
  version(): number;
}

export interface WorkloadCacheService {
  /** The cache for a cluster and namespace, started on first use. */
  namespace(clusterName: string, namespace: string): NamespaceCache;
  /** Called synchronously for every applied change, so a rollout watcher learns of it at once. */
  onChange(listener: CacheChangeListener): () => void;
  /** Restart every watch of a cluster now instead of waiting for the backoff. */
  reconnect(clusterName: string): void;
  stop(): void;
}
