import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { join } from 'node:path';
import {
  terraformInputSchema,
  TerraformRunner,
} from '../terraform/terraformRunner';
import { examples } from './terraformApply.examples';

/**
 * `terraform:apply` plans and applies a Terraform (or OpenTofu) configuration in the workspace and
 * returns its outputs (sensitive ones withheld). It applies exactly the plan it just made and logged.
 * A dry run stops after the plan.
 */
export function createTerraformApplyAction() {
  return createTemplateAction({
    id: 'terraform:apply',
    description:
      'Runs terraform init, plan and apply on a workspace directory with a var file and backend config, and returns the outputs.',
    examples,
    supportsDryRun: true,
    schema: {
      input: terraformInputSchema,
      output: {
        outputs: z =>
          z
            .record(z.any())
            .describe(
              'Root module outputs; sensitive values are replaced by "(sensitive)"',
            ),
        summary: z => z.string(),
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
      const planFile = join(await ctx.createTemporaryDirectory(), 'tfplan');
      const plan = await runner.plan(planFile, ctx.signal);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: not applying (${plan.summary})`);
        ctx.output('outputs', {});
        ctx.output('summary', plan.summary);
        return;
      }
      // Applying twice is harmless for Terraform, but a resumed task must not re-run a finished apply.
      const summary = await ctx.checkpoint({
        key: `terraform.apply.${ctx.input.workingDirectory}`,
        fn: async () =>
          plan.hasChanges ? runner.apply(planFile, ctx.signal) : plan.summary,
      });
      const outputs = await runner.outputs(ctx.signal);
      ctx.output('outputs', outputs);
      ctx.output('summary', summary);
    },
  });
}
