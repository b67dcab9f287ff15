import {
  ANNOTATION_LOCATION,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { examples } from './waitForEntity.examples';
import { ENTITY_REF, ENTITY_REF_MESSAGE } from './validation';

/**
 * `catalog:wait-for-entity` waits until the catalog holds an entity, as the user running the task.
 * After publish:local the catalog picks the new repository up by itself (catalogModuleLocalPublish);
 * this step makes the task finish only once the entity link it outputs works. Given the
 * catalog-info.yaml the task published, it also checks that the entity comes from there: a name
 * already taken by another service's entity fails the step, instead of the task deploying over that
 * service.
 *
 * @public
 */
export function createWaitForEntityAction(options: {
  catalog: CatalogService;
  pollIntervalMs?: number;
}) {
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  return createTemplateAction({
    id: 'catalog:wait-for-entity',
    description:
      'Waits until an entity is in the catalog and outputs its reference.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z.string().regex(ENTITY_REF, { message: ENTITY_REF_MESSAGE }),
        timeoutSeconds: z =>
          z.number().int().min(1).max(600).optional().describe('Default 120'),
        catalogInfoPath: z =>
          z
            .string()
            .max(4096)
            .regex(/^\/[^\n\r\0]*$/, { message: 'must be an absolute path' })
            .optional()
            .describe(
              "The catalog-info.yaml the entity must be read from (publish:local's catalogInfoPath output)",
            ),
      },
      output: {
        entityRef: z => z.string(),
      },
    },
    async handler(ctx) {
      let ref: string;
      try {
        ref = stringifyEntityRef(parseEntityRef(ctx.input.entityRef));
      } catch (error) {
        throw new InputError(`entityRef: ${(error as Error).message}`);
      }
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would wait for ${ref} in the catalog`);
        ctx.output('entityRef', ref);
        return;
      }
      const credentials = await ctx.getInitiatorCredentials();
      const timeoutSeconds = ctx.input.timeoutSeconds ?? 120;
      const deadline = Date.now() + timeoutSeconds * 1000;
      const expectedLocation =
        ctx.input.catalogInfoPath && `file:${ctx.input.catalogInfoPath}`;
      for (;;) {
        const entity = await options.catalog.getEntityByRef(ref, {
          credentials,
        });
        if (entity) {
          const location = entity.metadata.annotations?.[ANNOTATION_LOCATION];
          if (!expectedLocation || location === expectedLocation) break;
          // The catalog keeps the first entity of a name and rejects the new one: it never changes.
          throw new ConflictError(
            `${ref} is already in the catalog from another location; this task's repository was not registered (choose another name)`,
          );
        }
        if (Date.now() > deadline) {
          throw new Error(
            `${ref} did not appear in the catalog within ${timeoutSeconds}s`,
          );
        }
        await sleep(pollIntervalMs, undefined, { signal: ctx.signal });
      }
      ctx.logger.info(`${ref} is in the catalog`);
      ctx.output('entityRef', ref);
    },
  });
}
