import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { join } from 'node:path';
import {
  prepareTerraform,
  TerraformActionOptions,
} from '../terraform/prepareTerraform';
import { terraformInputSchema } from '../terraform/terraformRunner';
import { examples } from './terraformApply.examples';

/**
 * `terraform:apply` plans and applies the reference Terraform (or OpenTofu) configuration and returns
 * its outputs (sensitive ones withheld). It applies exactly the plan it just made and logged. A dry
 * run runs nothing (see terraform:plan).
 *
 * @public
 */
export function createTerraformApplyAction(options: TerraformActionOptions) {
  return createTemplateAction({
    id: 'terraform:apply',
    description:
      "Runs terraform init, plan and apply on a directory of the reference repository's terraform/ (a fresh copy) with a var file and backend config, and returns the outputs.",
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
      const runner = await prepareTerraform(ctx, options);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: terraform apply of ${ctx.input.workingDirectory} is not run`,
        );
        ctx.output('outputs', {});
        ctx.output('summary', 'not run in a dry run');
        return;
      }
      await runner.init(ctx.signal);
      const planFile = join(await ctx.createTemporaryDirectory(), 'tfplan');
      const plan = await runner.plan(planFile, ctx.signal);
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
