import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type {
  DoraMetrics,
  DoraRange,
} from '@envportal/plugin-environments-common';
import type { EnvironmentsConfig } from '../../config';
import type { PromotionStore } from '../../database/PromotionStore';
import type { EntityRefParts, EntityResolver } from '../entities';
import type { FleetService } from '../fleet';
import { DORA_RANGE_DAYS, doraMetrics } from './doraMetrics';

export interface DoraService {
  /** One entity's metrics; the caller must be able to read it (404 otherwise). */
  forEntity(
    entity: EntityRefParts,
    range: DoraRange,
    options: { credentials: BackstageCredentials },
  ): Promise<DoraMetrics>;
  /** Over every component the caller can read (the fleet page's rows). */
  forFleet(
    range: DoraRange,
    options: { credentials: BackstageCredentials },
  ): Promise<DoraMetrics>;
}

/** Delivery metrics from the promotion history, aggregated by the database. */
export function createDoraService(options: {
  config: EnvironmentsConfig;
  store: Pick<PromotionStore, 'deliveries'>;
  entities: Pick<EntityResolver, 'resolve'>;
  fleet: Pick<FleetService, 'entityRefs'>;
  now?: () => number;
}): DoraService {
  const now = options.now ?? Date.now;
  const stages = options.config.stages;

  async function compute(range: DoraRange, entityRefs: string[]) {
    if (stages.length === 0) {
      throw new NotFoundError('No stages are configured (environments.stages)');
    }
    const firstStage = stages[0].name;
    const lastStage = stages[stages.length - 1].name;
    const to = new Date(now());
    const from = new Date(to.getTime() - DORA_RANGE_DAYS[range] * 86_400_000);
    const deliveries = await options.store.deliveries({
      stage: lastStage,
      firstStage,
      from,
      to,
      entityRefs,
    });
    return doraMetrics({ range, stage: lastStage, from, to, deliveries });
  }

  return {
    async forEntity(entity, range, { credentials }) {
      const resolved = await options.entities.resolve(entity, { credentials });
      return compute(range, [stringifyEntityRef(resolved)]);
    },
    async forFleet(range, { credentials }) {
      return compute(range, await options.fleet.entityRefs({ credentials }));
    },
  };
}
