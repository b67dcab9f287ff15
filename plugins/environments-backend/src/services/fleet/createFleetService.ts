import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  FleetPromotion,
  FleetResponse,
  FleetRow,
  FleetStage,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
} from '@envportal/plugin-environments-common';
import type { EnvironmentsConfig } from '../../config';
import type { NamespaceCache, WorkloadCacheService } from '../cache';
import type { ClusterRegistry } from '../clusters';
import { callerKey, WorkloadSelector, workloadSelectorFor } from '../entities';
import { createInputMemo } from '../inputMemo';
import type { LastChange, PromotionStore } from '../../database/PromotionStore';
import { stageDrift } from '../drift';
import { configMapContentsIn } from '../promotion/workload';
import type { PromotionService } from '../promotion';
import { completeRow, fleetStage } from './fleetStage';

export interface FleetService {
  /** Every component with Kubernetes annotations the caller may read, by stage. */
  getFleet(options: {
    credentials: BackstageCredentials;
  }): Promise<FleetResponse>;
  /** The refs of those components: what fleet-wide figures may be computed over. */
  entityRefs(options: { credentials: BackstageCredentials }): Promise<string[]>;
}

const ENTITY_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.title',
  'metadata.annotations',
  'spec.owner',
  'spec.system',
];

/** One catalog read serves a caller's page loads for this long (the tab's entity reads do the same). */
const ENTITY_TTL_MS = 5_000;
const MAX_CALLERS = 1_000;
/**
 * Fleet answers kept (each some hundred kB with its serialized form): users who can read the same
 * components share one, so a few cover a portal's usual groups of readers.
 */
const MAX_ANSWERS = 16;

/** One component's row: each stage from its cache, with drift, lag and what needs attention. */
function fleetRow(
  entity: Entity,
  stages: string[],
  sources: StageSource[],
  expected: Map<string, LastChange>,
  active: Map<string, FleetPromotion[]>,
  at: number,
): FleetRow {
  const entityRef = stringifyEntityRef(entity);
  const spec = (entity.spec ?? {}) as { owner?: string; system?: string };
  let selector: WorkloadSelector | undefined;
  try {
    selector = workloadSelectorFor(entity);
  } catch {
    selector = undefined;
  }
  const cells = stages.map((stage, i): FleetStage => {
    if (!selector) {
      return {
        stage,
        state: 'error',
        error: 'invalid kubernetes-label-selector annotation',
        attention: [],
      };
    }
    const source = sources[i];
    const cell = fleetStage(stage, source, selector);
    const last = expected.get(`${entityRef}\u0000${stage}`);
    if (last && 'cache' in source && cell.state !== 'error') {
      cell.drift = stageDrift(
        stage,
        last,
        source.cache.get('Deployment', last.deployment),
        configMapContentsIn(source.cache),
      );
    }
    return cell;
  });
  return {
    entityRef,
    name: entity.metadata.name,
    title: entity.metadata.title,
    owner: spec.owner,
    system: spec.system,
    stages: completeRow(cells, active.get(entityRef) ?? [], at),
  };
}

type StageSource = { cache: NamespaceCache } | { error: string };

/**
 * The fleet page's data in one answer: the catalog is read once with the caller's credentials (so
 * its read permission decides the rows), everything else comes from the watch-fed caches and one
 * database query; no cluster is called.
 */
export function createFleetService(options: {
  config: EnvironmentsConfig;
  catalog: CatalogService;
  clusters: ClusterRegistry;
  cache: WorkloadCacheService;
  promotions: Pick<PromotionService, 'active' | 'stages'>;
  /** What each stage should run: its last successful promotion or rollback. */
  store: Pick<PromotionStore, 'lastChanges' | 'lastChangesVersion'>;
  now?: () => number;
}): FleetService {
  const now = options.now ?? Date.now;
  const recent = new Map<string, { at: number; entities: Promise<Entity[]> }>();
  const rememberAnswer = createInputMemo<FleetResponse>(MAX_ANSWERS);
  let expectations:
    | { version: string; byStage: Promise<Map<string, LastChange>> }
    | undefined;

  /** What each entity's stages should run, read again only when a change succeeded since. */
  async function expectedChanges() {
    const version = await options.store.lastChangesVersion();
    if (expectations?.version !== version) {
      const byStage = options.store
        .lastChanges()
        .then(
          changes =>
            new Map(changes.map(c => [`${c.entityRef}\u0000${c.stage}`, c])),
        );
      expectations = { version, byStage };
      byStage.catch(() => {
        if (expectations?.byStage === byStage) expectations = undefined;
      });
    }
    return { version, byStage: await expectations.byStage };
  }

  function readEntities(credentials: BackstageCredentials) {
    const key = callerKey(credentials);
    const hit = recent.get(key);
    if (hit && now() - hit.at < ENTITY_TTL_MS) return hit.entities;
    const entities = options.catalog
      .getEntities(
        {
          filter: [
            {
              kind: 'Component',
              [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]:
                CATALOG_FILTER_EXISTS,
            },
            {
              kind: 'Component',
              [`metadata.annotations.${KUBERNETES_LABEL_SELECTOR_ANNOTATION}`]:
                CATALOG_FILTER_EXISTS,
            },
          ],
          fields: ENTITY_FIELDS,
        },
        { credentials },
      )
      .then(r => r.items);
    recent.delete(key);
    recent.set(key, { at: now(), entities });
    if (recent.size > MAX_CALLERS) recent.delete(recent.keys().next().value!);
    entities.catch(() => recent.delete(key));
    return entities;
  }

  function stageSource(stageName: string): StageSource {
    try {
      const target = options.clusters.forStage(stageName);
      return {
        cache: options.cache.namespace(target.clusterName, target.namespace),
      };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  return {
    async entityRefs({ credentials }) {
      return (await readEntities(credentials)).map(e => stringifyEntityRef(e));
    },
    async getFleet({ credentials }) {
      const [entities, active, expected] = await Promise.all([
        readEntities(credentials),
        options.promotions.active(),
        expectedChanges(),
      ]);
      const stages = options.config.stages.map(s => s.name);
      const sources = stages.map(stageSource);
      const governance = options.promotions.stages();
      const at = now();
      // The same answer object while nothing in it changed, so the route serializes it once: for
      // everyone who can read the same components, every stage's cache, what is in flight, what each
      // stage should run, the windows, and the minute (lags are in days).
      const refs = entities.map(e => stringifyEntityRef(e)).join('\n');
      const inputs = [
        ...sources.map(s => ('cache' in s ? s.cache.version() : s.error)),
        JSON.stringify([...active]),
        expected.version,
        JSON.stringify(governance),
        Math.floor(at / 60_000),
      ];
      const readers = createHash('sha256').update(refs).digest('base64url');
      return rememberAnswer(readers, inputs, () => {
        const rows = entities.map(entity =>
          fleetRow(entity, stages, sources, expected.byStage, active, at),
        );
        rows.sort((a, b) => (a.entityRef < b.entityRef ? -1 : 1));
        return {
          stages: governance,
          rows,
          generatedAt: new Date(at).toISOString(),
        };
      });
    },
  };
}
