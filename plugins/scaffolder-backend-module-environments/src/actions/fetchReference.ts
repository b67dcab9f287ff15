import {
  PermissionsService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'fs-extra';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { authorizeTemplate } from '../guard/authorizeTemplate';
import { copyReference, ReferenceSource } from '../reference/copyReference';
import { examples } from './fetchReference.examples';
import { WORKSPACE_PATH } from './validation';

/**
 * `fetch:reference` copies a directory of the repository that holds the template (e.g. `service`,
 * `charts/express-service`, `terraform`) into the workspace as it is, so the template fetches the one
 * source instead of keeping a copy. `fetch:plain` cannot do this for a template read from a file
 * location: it refuses paths outside the template's own directory.
 *
 * @public
 */
export function createFetchReferenceAction(
  options: ReferenceSource & { permissions: PermissionsService },
) {
  return createTemplateAction({
    id: 'fetch:reference',
    description:
      "Copies a directory from the template's repository (path from the repository root) into the workspace, without build output or dependencies.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z
            .string()
            .regex(WORKSPACE_PATH, {
              message: 'must be a relative path inside the repository',
            })
            .describe(
              'Directory from the repository root, e.g. charts/express-service',
            ),
        targetPath: z =>
          z
            .string()
            .regex(WORKSPACE_PATH, {
              message: 'must be a relative path inside the workspace',
            })
            .describe('Where to put it in the workspace'),
        packageName: z =>
          z
            .string()
            .regex(/^[a-z0-9][a-z0-9._-]{0,213}$/, {
              message: 'must be a valid npm package name',
            })
            .optional()
            .describe(
              'Rename the package: sets "name" in package.json and package-lock.json',
            ),
      },
    },
    async handler(ctx) {
      const target = resolveSafeChildPath(
        ctx.workspacePath,
        ctx.input.targetPath,
      );
      // It reads the backend host's checkout: only templates the policy trusts may.
      await authorizeTemplate(ctx, options.permissions);
      await copyReference(options, ctx.templateInfo, ctx.input.path, target);
      if (ctx.input.packageName)
        await renamePackage(target, ctx.input.packageName);
      ctx.logger.info(`Fetched ${ctx.input.path} into ${ctx.input.targetPath}`);
    },
  });
}

// package-lock.json repeats the name at the top and for the root package; npm ci expects them to agree.
async function renamePackage(dir: string, name: string) {
  const packageJson = join(dir, 'package.json');
  if (!existsSync(packageJson)) {
    throw new InputError(
      `packageName was given but ${basename(dir)} has no package.json`,
    );
  }
  const pkg = await fs.readJson(packageJson);
  await fs.writeJson(packageJson, { ...pkg, name }, { spaces: 2 });
  const lockFile = join(dir, 'package-lock.json');
  if (existsSync(lockFile)) {
    const lock = await fs.readJson(lockFile);
    lock.name = name;
    if (lock.packages?.['']) lock.packages[''].name = name;
    await fs.writeJson(lockFile, lock, { spaces: 2 });
  }
}
