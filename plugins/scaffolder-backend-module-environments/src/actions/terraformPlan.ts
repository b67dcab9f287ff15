import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { join } from 'node:path';
import {
  prepareTerraform,
  TerraformActionOptions,
} from '../terraform/prepareTerraform';
import { terraformInputSchema } from '../terraform/terraformRunner';
import { examples } from './terraformPlan.examples';

/**
 * `terraform:plan` initialises the reference Terraform (or OpenTofu) configuration and plans it with a
 * stage's var file. A dry run does not run it: planning executes the configuration's providers and
 * data sources on the backend host with the backend's cloud credentials.
 *
 * @public
 */
export function createTerraformPlanAction(options: TerraformActionOptions) {
  return createTemplateAction({
    id: 'terraform:plan',
    description:
      "Runs terraform init and plan on a directory of the reference repository's terraform/ (a fresh copy) with a var file and backend config; changes nothing.",
    examples,
    supportsDryRun: true,
    schema: {
      input: terraformInputSchema,
      output: {
        hasChanges: z =>
          z.boolean().describe('Whether applying would change anything'),
        summary: z => z.string().describe('Terraform\'s "Plan: ..." line'),
      },
    },
    async handler(ctx) {
      const runner = await prepareTerraform(ctx, options);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: terraform plan of ${ctx.input.workingDirectory} is not run`,
        );
        ctx.output('hasChanges', false);
        ctx.output('summary', 'not run in a dry run');
        return;
      }
      await runner.init(ctx.signal);
      const { hasChanges, summary } = await runner.plan(
        join(await ctx.createTemporaryDirectory(), 'tfplan'),
        ctx.signal,
      );
      ctx.output('hasChanges', hasChanges);
      ctx.output('summary', summary);
    },
  });
}
