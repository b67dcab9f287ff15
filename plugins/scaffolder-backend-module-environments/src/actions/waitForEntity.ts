import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { examples } from './waitForEntity.examples';
import { ENTITY_REF, ENTITY_REF_MESSAGE } from './validation';

/**
 * `catalog:wait-for-entity` waits until the catalog holds an entity, as the user running the task.
 * After publish:local the catalog picks the new repository up by itself (catalogModuleLocalPublish);
 * this step makes the task finish only once the entity link it outputs works.
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
      while (!(await options.catalog.getEntityByRef(ref, { credentials }))) {
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
