export { createWorkloadCache } from './createWorkloadCache';
export { RESOURCES } from './resources';
export type {
  CacheChange,
  CacheChangeListener,
  CacheHealth,
  CachedKind,
  KindState,
  NamespaceCache,
  WorkloadCacheService,
} from './types';
