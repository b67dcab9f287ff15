import type { KubeConfig } from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeHttpError, kubeGetJson, kubeWatch, WatchEvent } from './kubeHttp';
import { createHash } from 'node:crypto';
import {
  collectionPath,
  groupVersionPath,
  ResourceDefinition,
} from './resources';
import { CacheChange, KindState } from './types';
import { Backoff } from '../backoff';

const INITIAL_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 30_000;
/** How often an absent optional CRD is looked for again. */
const ABSENT_RECHECK_MS = 60_000;
/** The server ends each watch after this; we resume from the last resourceVersion without a relist. */
const WATCH_TIMEOUT_SECONDS = 240;
/** With bookmarks every minute, a silent socket for this long means a dead peer. */
const IDLE_TIMEOUT_MS = 90_000;
const LIST_TIMEOUT_MS = 15_000;

type KubeObject = {
  metadata?: {
    name?: string;
    resourceVersion?: string;
    managedFields?: unknown;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

/** Entries sorted by key, so equal maps fingerprint equally whatever order the server sends. */
const sortedEntries = (map: unknown) =>
  Object.entries((map ?? {}) as Record<string, string>).sort(([a], [b]) =>
    a < b ? -1 : 1,
  );

/** Replaces a ConfigMap's contents by their SHA-256 fingerprint (`contentHash`). */
function keepFingerprint(item: KubeObject) {
  item.contentHash = createHash('sha256')
    .update(
      JSON.stringify([
        sortedEntries(item.data),
        sortedEntries(item.binaryData),
      ]),
    )
    .digest('hex');
  delete item.data;
  delete item.binaryData;
}

/**
 * Keeps one kind of one namespace in memory from a list followed by a watch. Unlike the client's
 * informer it restarts after ANY error (not only 410 Gone), with exponential backoff, and remembers
 * when it last heard from the API server so answers can state their age.
 */
export class Reflector {
  private readonly items = new Map<string, KubeObject>();
  private state: KindState['state'] = 'starting';
  private lastError?: string;
  /** Last moment the data was known to match the cluster (list done or watch alive). */
  private lastSyncedAt?: number;
  private watching = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly syncWaiters: Array<() => void> = [];
  private readonly backoff = new Backoff(INITIAL_BACKOFF_MS, MAX_BACKOFF_MS);
  private wakeUp?: () => void;
  /** Counts list calls; the benchmark and tests use it to prove steady state makes none. */
  listCalls = 0;

  constructor(
    private readonly options: {
      kubeConfig: KubeConfig;
      clusterName: string;
      namespace: string;
      resource: ResourceDefinition;
      logger: LoggerService;
      emit: (change: CacheChange) => void;
    },
  ) {}

  start() {
    void this.run();
  }

  stop() {
    this.stopped = true;
    this.abort.abort();
    this.wakeUp?.();
  }

  /** Restarts at once (after an API server restart the caller knows better than the backoff). */
  poke() {
    this.backoff.reset();
    this.wakeUp?.();
  }

  list(): KubeObject[] {
    return [...this.items.values()];
  }

  get(name: string): KubeObject | undefined {
    return this.items.get(name);
  }

  status(now = Date.now()): KindState {
    return {
      kind: this.options.resource.kind,
      state: this.state,
      // While the watch is open the data is current; otherwise it is as old as the last sync.
      syncedAt: this.watching ? now : this.lastSyncedAt,
      error: this.lastError,
    };
  }

  /** Resolves true once the first list completed (or the CRD is known absent), false on timeout. */
  waitForSync(timeoutMs: number): Promise<boolean> {
    if (this.lastSyncedAt !== undefined || this.state === 'absent') {
      return Promise.resolve(true);
    }
    return new Promise(resolve => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.syncWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private notifySynced() {
    for (const waiter of this.syncWaiters.splice(0)) waiter();
  }

  private async run() {
    const { resource, namespace, logger } = this.options;
    while (!this.stopped) {
      try {
        if (resource.optional && !(await this.crdExists())) {
          this.setState('absent', undefined);
          this.items.clear();
          this.notifySynced();
          await this.sleep(ABSENT_RECHECK_MS);
          continue;
        }
        let resourceVersion = await this.relist();
        // Resume watches from the last resourceVersion until the server says it is too old (410).
        for (;;) {
          if (this.stopped) return;
          const next = await this.watchOnce(resourceVersion);
          if (next === 'gone') break;
          resourceVersion = next;
        }
      } catch (error) {
        if (this.stopped) return;
        this.watching = false;
        const message = error instanceof Error ? error.message : String(error);
        const delayMs = this.backoff.next();
        if (this.lastError !== message) {
          logger.warn(
            `cache ${this.options.clusterName}/${namespace}/${resource.plural}: ${message}; retrying in ${delayMs} ms`,
          );
        }
        this.setState('error', message);
        await this.sleep(delayMs);
      }
    }
  }

  private async crdExists(): Promise<boolean> {
    try {
      const doc = await kubeGetJson<{ resources?: Array<{ name: string }> }>(
        this.options.kubeConfig,
        groupVersionPath(this.options.resource),
        { signal: this.abort.signal, idleTimeoutMs: LIST_TIMEOUT_MS },
      );
      return (doc.resources ?? []).some(
        r => r.name === this.options.resource.plural,
      );
    } catch (error) {
      if (error instanceof KubeHttpError && error.status === 404) return false;
      throw error;
    }
  }

  private async relist(): Promise<string> {
    const { resource, namespace, kubeConfig } = this.options;
    this.listCalls += 1;
    const doc = await kubeGetJson<{
      metadata: { resourceVersion: string };
      items: KubeObject[];
    }>(kubeConfig, collectionPath(resource, namespace), {
      signal: this.abort.signal,
      idleTimeoutMs: LIST_TIMEOUT_MS,
    });
    this.items.clear();
    for (const item of doc.items ?? []) {
      this.store(item);
    }
    this.lastSyncedAt = Date.now();
    this.setState('synced', undefined);
    this.notifySynced();
    this.options.emit({
      clusterName: this.options.clusterName,
      namespace,
      kind: resource.kind,
      type: 'RELISTED',
    });
    return doc.metadata.resourceVersion;
  }

  /** One watch request; returns the resourceVersion to resume from, or 'gone' when a relist is needed. */
  private async watchOnce(resourceVersion: string): Promise<string | 'gone'> {
    const { resource, namespace, kubeConfig } = this.options;
    let current = resourceVersion;
    let gone = false;
    const query = new URLSearchParams({
      watch: 'true',
      resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(WATCH_TIMEOUT_SECONDS),
    });
    try {
      await kubeWatch(
        kubeConfig,
        `${collectionPath(resource, namespace)}?${query}`,
        {
          signal: this.abort.signal,
          idleTimeoutMs: IDLE_TIMEOUT_MS,
          // Current only once the server answers: a request left hanging must not look fresh.
          onOpen: () => {
            this.watching = true;
          },
          onEvent: event => {
            if (event.type === 'ERROR') {
              if (event.object?.code === 410) {
                gone = true;
                return;
              }
              throw new KubeHttpError(
                `watch error: ${event.object?.message ?? 'unknown'}`,
                event.object?.code,
              );
            }
            const rv = event.object?.metadata?.resourceVersion;
            if (rv) current = rv;
            this.lastSyncedAt = Date.now();
            // A watch that delivers is healthy; a list alone is not (the watch may keep failing).
            this.backoff.reset();
            if (event.type !== 'BOOKMARK') this.apply(event);
          },
        },
      );
      this.backoff.reset();
    } catch (error) {
      // Some servers refuse an expired resourceVersion with HTTP 410 instead of an ERROR event.
      if (!(error instanceof KubeHttpError && error.status === 410)) {
        throw error;
      }
      gone = true;
    } finally {
      if (this.watching) this.lastSyncedAt = Date.now();
      this.watching = false;
    }
    return gone ? 'gone' : current;
  }

  private apply(event: WatchEvent) {
    const name = event.object?.metadata?.name;
    if (!name) return;
    if (event.type === 'DELETED') {
      this.items.delete(name);
    } else {
      this.store(event.object);
    }
    this.options.emit({
      clusterName: this.options.clusterName,
      namespace: this.options.namespace,
      kind: this.options.resource.kind,
      type: event.type as CacheChange['type'],
      name,
      labels: event.object?.metadata?.labels,
    });
  }

  private store(item: KubeObject) {
    const metadata = item.metadata;
    if (!metadata?.name) return;
    // managedFields is large and never read; dropping it roughly halves the memory per pod.
    delete metadata.managedFields;
    if (this.options.resource.fingerprintContents) keepFingerprint(item);
    this.items.set(metadata.name, item);
  }

  private setState(state: KindState['state'], error: string | undefined) {
    const changed = this.state !== state || this.lastError !== error;
    this.state = state;
    this.lastError = error;
    if (changed && state !== 'synced') {
      this.options.emit({
        clusterName: this.options.clusterName,
        namespace: this.options.namespace,
        kind: this.options.resource.kind,
        type: 'STATE',
      });
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
