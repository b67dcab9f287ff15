import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ClusterAccess } from '@envportal/plugin-environments-node';
import { examples } from './stage.examples';
import { DNS_LABEL, DNS_LABEL_MESSAGE } from './validation';

/**
 * `environments:stage` resolves a stage name (or the first stage) to its cluster and namespace,
 * so a template deploys where the portal will look, without repeating the stage layout in the template.
 *
 * @public
 */
export function createStageAction(options: { access: ClusterAccess }) {
  return createTemplateAction({
    id: 'environments:stage',
    description:
      'Resolves a configured stage (default: the first, e.g. dev) to its cluster and namespace.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        stage: z =>
          z
            .string()
            .regex(DNS_LABEL, { message: DNS_LABEL_MESSAGE })
            .optional()
            .describe('Stage name; defaults to the first configured stage'),
      },
      output: {
        name: z => z.string(),
        cluster: z => z.string(),
        namespace: z => z.string(),
        next: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      const stages = options.access.stages();
      if (stages.length === 0) {
        throw new InputError(
          'No stages are configured: set environments.stages in app-config.yaml',
        );
      }
      const index = ctx.input.stage
        ? stages.findIndex(s => s.name === ctx.input.stage)
        : 0;
      if (index < 0) {
        throw new InputError(
          `Unknown stage "${ctx.input.stage}"; configured stages: ${stages
            .map(s => s.name)
            .join(', ')}`,
        );
      }
      const stage = stages[index];
      ctx.logger.info(
        `Stage ${stage.name}: cluster ${stage.cluster}, namespace ${stage.namespace}`,
      );
      ctx.output('name', stage.name);
      ctx.output('cluster', stage.cluster);
      ctx.output('namespace', stage.namespace);
      if (stages[index + 1]) ctx.output('next', stages[index + 1].name);
    },
  });
}
