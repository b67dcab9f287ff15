export { createWorkloadCache } from './createWorkloadCache';
export { RESOURCES } from './resources';
export type {
  CacheChange,
  CacheChangeListener,
  CacheHealth,
  CachedKind,
  CachedObject,
  CachedObjects,
  KindState,
  NamespaceCache,
  WorkloadCacheService,
} from './types';
