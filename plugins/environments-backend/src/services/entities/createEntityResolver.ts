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

/** A page polls every few seconds; the catalog round trip (token, permission, query) dominated each answer. */
const TTL_MS = 5000;
const MAX_ENTRIES = 5000;

function callerKey(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return `${p.type}:${p.userEntityRef ?? p.subject ?? ''}`;
}

/**
 * Answers are remembered per caller and entity for 5 s: a permission or entity change reaches this
 * plugin at most 5 s late; one caller's answer is never given to another.
 */
export function createEntityResolver(options: {
  catalog: CatalogService;
  ttlMs?: number;
}): EntityResolver {
  const ttl = options.ttlMs ?? TTL_MS;
  const recent = new Map<
    string,
    { at: number; value: Promise<Entity | undefined> }
  >();
  return {
    async resolve(ref, { credentials }) {
      const entityRef = stringifyEntityRef(ref);
      const key = `${callerKey(credentials)}\u0000${entityRef}`;
      const now = Date.now();
      let hit = recent.get(key);
      if (!hit || now - hit.at >= ttl) {
        const value = options.catalog.getEntityByRef(entityRef, {
          credentials,
        });
        hit = { at: now, value };
        recent.delete(key);
        recent.set(key, hit);
        if (recent.size > MAX_ENTRIES)
          recent.delete(recent.keys().next().value!);
        // A failed lookup is not remembered.
        value.catch(() => recent.delete(key));
      }
      const entity = await hit.value;
      if (!entity) {
        throw new NotFoundError(`Entity ${entityRef} not found`);
      }
      return entity;
    },
  };
}
