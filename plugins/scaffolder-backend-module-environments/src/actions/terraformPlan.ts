import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { join } from 'node:path';
import {
  terraformInputSchema,
  TerraformRunner,
} from '../terraform/terraformRunner';
import { examples } from './terraformPlan.examples';

/**
 * `terraform:plan` initialises a Terraform (or OpenTofu) configuration in the workspace and plans
 * it with a stage's var file. Planning changes no infrastructure and no state, so a dry run does
 * the same thing.
 */
export function createTerraformPlanAction() {
  return createTemplateAction({
    id: 'terraform:plan',
    description:
      'Runs terraform init and plan on a workspace directory with a var file and backend config; changes nothing.',
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
      const runner = new TerraformRunner(
        ctx.workspacePath,
        ctx.input,
        ctx.secrets ?? {},
        line => ctx.logger.info(line),
      );
      await runner.init(ctx.signal);
      const planDir = await ctx.createTemporaryDirectory();
      const { hasChanges, summary } = await runner.plan(
        join(planDir, 'tfplan'),
        ctx.signal,
      );
      ctx.output('hasChanges', hasChanges);
      ctx.output('summary', summary);
    },
  });
}
