import { PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { environmentsTemplateExecutePermission } from '@envportal/plugin-environments-common';
import { requirePermission } from '@envportal/plugin-environments-node';

/**
 * Asks the permission policy whether the template this task runs may use an environments action
 * that writes to a cluster, the host or the cloud, as the user who started the task. The template
 * ref comes from the scaffolder (the catalog entity the task was created from; a dry run's inline
 * template is `template:default/dry-run`), never from the template's own input.
 */
export async function authorizeTemplate(
  // Only the template and the initiator are read, so any action's context fits.
  ctx: Pick<
    ActionContext<JsonObject, JsonObject>,
    'templateInfo' | 'getInitiatorCredentials'
  >,
  permissions: PermissionsService,
  targetStage = '',
): Promise<void> {
  const templateRef = ctx.templateInfo?.entityRef;
  if (!templateRef) {
    throw new NotAllowedError(
      'This action runs only from a template registered in the catalog',
    );
  }
  await requirePermission(
    permissions,
    environmentsTemplateExecutePermission,
    { entityRef: templateRef, targetStage },
    await ctx.getInitiatorCredentials(),
  );
}
