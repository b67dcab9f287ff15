import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { KUBERNETES_ID_ANNOTATION } from '@envportal/plugin-environments-common';

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
  /**
   * Reads an entity as the plugin itself, for work no user waits on (finishing a promotion after a
   * restart); answers are not remembered.
   */
  resolveAsService(ref: EntityRefParts): Promise<Entity>;
  /**
   * Other entities that claim the same `backstage.io/kubernetes-id`, read as the plugin itself so
   * that entities the caller cannot see count too. A workload labelled with a claimed id cannot be
   * attributed to one of them, so none of them may change it.
   */
  otherClaimants(entity: Entity): Promise<string[]>;
}

/** A page polls every few seconds; the catalog round trip (token, permission, query) dominated each answer. */
const TTL_MS = 5000;
const MAX_ENTRIES = 5000;

/** Who is asking, as a key for answers remembered per caller (never shared between callers). */
export function callerKey(credentials: BackstageCredentials): string {
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
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
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

    async resolveAsService(ref) {
      const entityRef = stringifyEntityRef(ref);
      const entity = await options.catalog.getEntityByRef(entityRef, {
        credentials: await options.auth.getOwnServiceCredentials(),
      });
      if (!entity) throw new NotFoundError(`Entity ${entityRef} not found`);
      return entity;
    },

    async otherClaimants(entity) {
      const id =
        entity.metadata.annotations?.[KUBERNETES_ID_ANNOTATION]?.trim();
      if (!id) return [];
      const own = stringifyEntityRef(entity);
      const { items } = await options.catalog.getEntities(
        {
          filter: { [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]: id },
          fields: ['kind', 'metadata.namespace', 'metadata.name'],
        },
        { credentials: await options.auth.getOwnServiceCredentials() },
      );
      return items.map(e => stringifyEntityRef(e)).filter(ref => ref !== own);
    },
  };
}
