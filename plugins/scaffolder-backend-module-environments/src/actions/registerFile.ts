import { stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { isAbsolute, relative, resolve } from 'node:path';
import { examples } from './registerFile.examples';

/**
 * `catalog:register:file` registers a catalog-info.yaml published by `publish:local`. The built-in
 * catalog:register only registers URLs, which the catalog cannot read from a local directory. Only
 * files under the configured publish directory are accepted, as the user running the task.
 */
export function createRegisterFileAction(options: {
  config: Config;
  catalog: CatalogService;
}) {
  const configuredDir = options.config.getOptionalString(
    'environments.templates.localPublishDir',
  );
  return createTemplateAction({
    id: 'catalog:register:file',
    description:
      'Registers a catalog-info.yaml from the local publish directory in the catalog.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        catalogInfoPath: z =>
          z.string().describe('Absolute path, as output by publish:local'),
      },
      output: {
        entityRef: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      const path = resolve(ctx.input.catalogInfoPath);
      const rel = configuredDir ? relative(resolve(configuredDir), path) : '..';
      if (
        !configuredDir ||
        rel.startsWith('..') ||
        isAbsolute(rel) ||
        !path.endsWith('.yaml')
      ) {
        throw new InputError(
          'catalogInfoPath must be a .yaml file under environments.templates.localPublishDir',
        );
      }
      const credentials = await ctx.getInitiatorCredentials();
      const location = { type: 'file', target: path };
      if (!ctx.isDryRun) {
        await ctx.checkpoint({
          key: `catalog.register.file.${path}`,
          fn: async () => {
            await options.catalog.addLocation(location, { credentials });
          },
        });
      } else {
        ctx.logger.info(`Dry run: would register ${path}`);
        return;
      }
      const result = await options.catalog.addLocation(
        { ...location, dryRun: true },
        { credentials },
      );
      const entity =
        result.entities.find(e => e.kind === 'Component') ?? result.entities[0];
      if (entity) ctx.output('entityRef', stringifyEntityRef(entity));
      ctx.logger.info(`Registered ${path}`);
    },
  });
}
