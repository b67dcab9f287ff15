import type { Wire } from '@envportal/plugin-environments-node';
import type {
  CoreV1Event,
  KubernetesObject,
  V1Deployment,
  V1EndpointSlice,
  V1NetworkPolicy,
  V1Pod,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1Role,
  V1RoleBinding,
  V1Service,
  V1ServiceAccount,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import type { CachedKind } from './resources';

export type { CachedKind } from './resources';

/** A Prometheus Operator object: the cache keeps it whole; the checklist reads its labels. */
type OperatorObject = KubernetesObject & { spec?: Record<string, unknown> };

/**
 * A ConfigMap as the cache keeps it: its metadata and a SHA-256 fingerprint of `data` and
 * `binaryData` (equal contents, equal fingerprint, whatever the key order), never the contents.
 */
export type CachedConfigMap = Wire<KubernetesObject> & { contentHash: string };

/** What the cache holds of each kind, as JSON (ConfigMaps without their contents). */
export type CachedObjects = {
  Deployment: Wire<V1Deployment>;
  ReplicaSet: Wire<V1ReplicaSet>;
  Pod: Wire<V1Pod>;
  Service: Wire<V1Service>;
  EndpointSlice: Wire<V1EndpointSlice>;
  Event: Wire<CoreV1Event>;
  HorizontalPodAutoscaler: Wire<V2HorizontalPodAutoscaler>;
  PodDisruptionBudget: Wire<V1PodDisruptionBudget>;
  NetworkPolicy: Wire<V1NetworkPolicy>;
  ServiceAccount: Wire<V1ServiceAccount>;
  Role: Wire<V1Role>;
  RoleBinding: Wire<V1RoleBinding>;
  ConfigMap: CachedConfigMap;
  ServiceMonitor: Wire<OperatorObject>;
  PrometheusRule: Wire<OperatorObject>;
};

/** One cached object of a kind. */
export type CachedObject<K extends CachedKind> = CachedObjects[K];

/** What changed in a cache; RELISTED means the whole kind was replaced, STATE a sync-state change. */
export type CacheChange = {
  clusterName: string;
  namespace: string;
  kind: CachedKind;
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'RELISTED' | 'STATE';
  name?: string;
  /** The changed object's labels (deleted objects included), so listeners can tell whose it is. */
  labels?: Record<string, string>;
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
  list<K extends CachedKind>(kind: K): Array<CachedObject<K>>;
  get<K extends CachedKind>(kind: K, name: string): CachedObject<K> | undefined;
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
