import { PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import { join } from 'node:path';
import { authorizeTemplate } from '../guard/authorizeTemplate';
import { copyReference, ReferenceSource } from '../reference/copyReference';
import {
  REFERENCE_TERRAFORM_DIR,
  TerraformInput,
  TerraformRunner,
} from './terraformRunner';

/**
 * Options for {@link createTerraformPlanAction} and {@link createTerraformApplyAction}.
 *
 * @public
 */
export type TerraformActionOptions = ReferenceSource & {
  permissions: PermissionsService;
};

/**
 * Everything before Terraform runs: the actions must be enabled in config, the template trusted by
 * the permission policy, and the configuration is a fresh copy of the reference repository's
 * `terraform/`, so no file a template author or user put in the workspace is ever executed.
 */
export async function prepareTerraform<TOutput extends JsonObject>(
  ctx: ActionContext<TerraformInput, TOutput>,
  options: TerraformActionOptions,
): Promise<TerraformRunner> {
  if (
    !options.config.getOptionalBoolean(
      'environments.templates.terraform.enabled',
    )
  ) {
    throw new NotAllowedError(
      'The Terraform actions are off; enable them with environments.templates.terraform.enabled',
    );
  }
  await authorizeTemplate(ctx, options.permissions);
  const copyRoot = await ctx.createTemporaryDirectory();
  await copyReference(
    options,
    ctx.templateInfo,
    REFERENCE_TERRAFORM_DIR,
    join(copyRoot, REFERENCE_TERRAFORM_DIR),
  );
  return new TerraformRunner(copyRoot, ctx.input, ctx.secrets ?? {}, line =>
    ctx.logger.info(line),
  );
}
