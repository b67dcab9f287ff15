import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';

export type EntityRefParts = { kind: string; namespace: string; name: string };

export interface EntityResolver {
  /**
   * Reads the entity with the caller's credentials, so the catalog's read permission applies: an
   * entity the caller may not read is indistinguishable from one that does not exist (NotFoundError).
   */
  resolve(
    ref: EntityRefParts,
    options: { credentials: BackstageCredentials },
  ): Promise<Entity>;
}

export function createEntityResolver(options: {
  catalog: CatalogService;
}): EntityResolver {
  return {
    async resolve(ref, { credentials }) {
      const entityRef = stringifyEntityRef(ref);
      const entity = await options.catalog.getEntityByRef(entityRef, {
        credentials,
      });
      if (!entity) {
        throw new NotFoundError(`Entity ${entityRef} not found`);
      }
      return entity;
    },
  };
}
