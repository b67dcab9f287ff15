import { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  entitySignalChannel,
  EnvironmentsSignal,
  FLEET_SIGNAL_CHANNEL,
} from '@envportal/plugin-environments-common';
import {
  CacheChange,
  CachedKind,
  CachedObject,
  WorkloadCacheService,
} from '../cache';
import { LabelMatcher } from '../entities';
import { readsConfigMap } from '../promotion/workload';

/** Kinds whose changes alter what a stage shows; their labels say which entity they belong to. */
const WORKLOAD_KINDS: ReadonlySet<CachedKind> = new Set([
  'Deployment',
  'ReplicaSet',
  'Pod',
]);

/**
 * Whether a ConfigMap change is an entity's news (its drift, its dashboard check): one of its
 * Deployments in the namespace reads it, or the ConfigMap carries its labels.
 */
function configMapConcerns(
  change: CacheChange,
  matches: LabelMatcher,
  deployments: () => Array<CachedObject<'Deployment'>>,
): boolean {
  if (matches(change.labels)) return true;
  return deployments().some(
    d => matches(d.metadata?.labels) && readsConfigMap(d, change.name ?? ''),
  );
}

/** Changes within this window go out as one signal: a rollout changes dozens of objects at once. */
export const COALESCE_MS = 150;
/** The fleet page re-reads everything on a signal, so it gets at most one per second. */
export const FLEET_COALESCE_MS = 1_000;
/** An entity nobody has read for this long is no longer followed. */
export const FOLLOW_TTL_MS = 10 * 60_000;
const MAX_FOLLOWED = 10_000;

/** Where one entity's workloads live in one stage. */
export type FollowedStage = {
  stage: string;
  clusterName: string;
  namespace: string;
};

type Followed = {
  matches: LabelMatcher;
  stages: FollowedStage[];
  seenAt: number;
};

export interface LiveUpdates {
  /**
   * Pushes this entity's cluster changes from now on. Called on every status read, so an entity is
   * followed while someone looks at it, and forgotten {@link FOLLOW_TTL_MS} after the last read.
   */
  follow(
    entityRef: string,
    matches: LabelMatcher,
    stages: FollowedStage[],
  ): void;
  /** A promotion of the entity into the stage changed state (written by this replica). */
  promotionChanged(entityRef: string, stage: string): void;
  stop(): void;
}

/**
 * Publishes stage changes through Backstage's signals: per entity on `environments:<entityRef>`, and
 * coalesced for the fleet on `environments:fleet`. Each replica watches every stage itself, so each
 * pushes cluster changes to its own browsers; a promotion change written by another replica arrives
 * through `promotionChanged` too (the promotion change bus, PostgreSQL LISTEN/NOTIFY).
 */
export function createLiveUpdates(options: {
  /** Every configured stage's cluster and namespace, for the fleet's signal. */
  stages: Array<{ name: string; cluster: string; namespace: string }>;
  signals: SignalsService;
  cache: WorkloadCacheService;
  logger: LoggerService;
  now?: () => number;
}): LiveUpdates {
  const { signals, cache, logger } = options;
  const now = options.now ?? Date.now;
  const followed = new Map<string, Followed>();
  const pending = new Map<
    string,
    { stages: Set<string>; cause: EnvironmentsSignal['cause'] }
  >();
  let flushTimer: NodeJS.Timeout | undefined;
  let fleetStages = new Set<string>();
  let fleetTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  function publish(channel: string, message: EnvironmentsSignal) {
    signals
      .publish({ recipients: { type: 'broadcast' }, channel, message })
      .catch(error => logger.warn(`could not publish ${channel}: ${error}`));
  }

  function flush() {
    flushTimer = undefined;
    const batch = [...pending];
    pending.clear();
    for (const [entityRef, { stages, cause }] of batch) {
      publish(entitySignalChannel(entityRef), { stages: [...stages], cause });
    }
  }

  function flushFleet() {
    fleetTimer = undefined;
    const stages = [...fleetStages];
    fleetStages = new Set();
    publish(FLEET_SIGNAL_CHANNEL, { stages, cause: 'cluster' });
  }

  function scheduleFleet(stage: string) {
    if (stopped) return;
    fleetStages.add(stage);
    fleetTimer ??= setTimeout(flushFleet, FLEET_COALESCE_MS);
  }

  function schedule(
    entityRef: string,
    stage: string,
    cause: EnvironmentsSignal['cause'],
  ) {
    if (stopped) return;
    const entry = pending.get(entityRef) ?? { stages: new Set(), cause };
    entry.stages.add(stage);
    // a promotion change is the more specific news: the tab re-reads promotions too
    if (cause === 'promotion') entry.cause = cause;
    pending.set(entityRef, entry);
    flushTimer ??= setTimeout(flush, COALESCE_MS);
    scheduleFleet(stage);
  }

  function onChange(change: CacheChange) {
    const everything = change.type === 'RELISTED' || change.type === 'STATE';
    const configMap = !everything && change.kind === 'ConfigMap';
    if (!everything && !configMap && !WORKLOAD_KINDS.has(change.kind)) return;
    // listed once per change, however many followed entities ask
    let listed: Array<CachedObject<'Deployment'>> | undefined;
    const deployments = () =>
      (listed ??= cache
        .namespace(change.clusterName, change.namespace)
        .list('Deployment'));
    for (const stage of options.stages) {
      if (
        stage.cluster === change.clusterName &&
        stage.namespace === change.namespace
      ) {
        scheduleFleet(stage.name);
      }
    }
    const at = now();
    for (const [entityRef, entry] of followed) {
      if (at - entry.seenAt > FOLLOW_TTL_MS) {
        followed.delete(entityRef);
        continue;
      }
      const hit = entry.stages.find(
        s =>
          s.clusterName === change.clusterName &&
          s.namespace === change.namespace,
      );
      const concerned =
        everything ||
        (configMap
          ? configMapConcerns(change, entry.matches, deployments)
          : entry.matches(change.labels));
      if (hit && concerned) schedule(entityRef, hit.stage, 'cluster');
    }
  }

  const unsubscribe = cache.onChange(onChange);

  return {
    follow(entityRef, matches, stages) {
      // A read of some stages (a preview, one stage's checklist) adds to what is followed, never
      // narrows it: the tab that read every stage still wants every stage's changes.
      const known = followed.get(entityRef)?.stages ?? [];
      const merged = [
        ...known.filter(k => !stages.some(s => s.stage === k.stage)),
        ...stages,
      ];
      // re-insert so the Map's order is least recently read first
      followed.delete(entityRef);
      followed.set(entityRef, { matches, stages: merged, seenAt: now() });
      if (followed.size > MAX_FOLLOWED) {
        followed.delete(followed.keys().next().value!);
      }
    },
    promotionChanged(entityRef, stage) {
      schedule(entityRef, stage, 'promotion');
    },
    stop() {
      stopped = true;
      unsubscribe();
      clearTimeout(flushTimer);
      clearTimeout(fleetTimer);
      pending.clear();
      followed.clear();
    },
  };
}
