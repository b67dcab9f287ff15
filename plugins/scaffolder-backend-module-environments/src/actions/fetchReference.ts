import {
  isChildPath,
  resolveSafeChildPath,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import {
  createTemplateAction,
  fetchContents,
} from '@backstage/plugin-scaffolder-node';
import fs from 'fs-extra';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { examples } from './fetchReference.examples';
import { WORKSPACE_PATH } from './validation';

// Build output, installed dependencies and local state are never part of a new service's sources.
const EXCLUDED_NAMES = new Set([
  'node_modules',
  'dist',
  'coverage',
  '.terraform',
  '.git',
  '.env',
]);
const EXCLUDED_PATTERN = /^terraform\.tfstate(\.|$)|\.tfplan$/;

/**
 * `fetch:reference` copies a directory of the repository that holds the template (e.g. `service`,
 * `charts/express-service`, `terraform`) into the workspace as it is, so the template fetches the one
 * source instead of keeping a copy. `fetch:plain` cannot do this for a template read from a file
 * location: it refuses paths outside the template's own directory.
 */
export function createFetchReferenceAction(options: {
  config: Config;
  reader: UrlReaderService;
  integrations: ScmIntegrations;
}) {
  const configuredRoot = options.config.getOptionalString(
    'environments.templates.sourceRoot',
  );
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
      const baseUrl = ctx.templateInfo?.baseUrl;
      const root = localSourceRoot(configuredRoot, baseUrl);
      if (root) {
        const source = resolveSafeChildPath(root, ctx.input.path);
        if (!existsSync(source)) {
          throw new NotFoundError(
            `${ctx.input.path} does not exist in ${root}`,
          );
        }
        await fs.copy(source, target, {
          filter: src => isChildPath(source, src) && !isExcluded(basename(src)),
        });
      } else if (baseUrl) {
        // A leading "/" makes the SCM integration resolve from the repository root.
        await fetchContents({
          reader: options.reader,
          integrations: options.integrations,
          baseUrl,
          fetchUrl: `/${ctx.input.path}`,
          outputPath: target,
        });
      } else {
        throw new InputError(
          'The template location is unknown; set environments.templates.sourceRoot to the repository checkout',
        );
      }
      if (ctx.input.packageName)
        await renamePackage(target, ctx.input.packageName);
      ctx.logger.info(`Fetched ${ctx.input.path} into ${ctx.input.targetPath}`);
    },
  });
}

/** The checkout to copy from, or undefined when the template comes from an SCM URL. */
function localSourceRoot(
  configuredRoot: string | undefined,
  baseUrl: string | undefined,
): string | undefined {
  if (configuredRoot) return resolve(configuredRoot);
  if (baseUrl?.startsWith('file://')) {
    return findRepositoryRoot(dirname(fileURLToPath(baseUrl)));
  }
  return undefined;
}

function isExcluded(name: string): boolean {
  return EXCLUDED_NAMES.has(name) || EXCLUDED_PATTERN.test(name);
}

/** The nearest directory at or above `start` that is a git checkout. */
function findRepositoryRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) {
      throw new InputError(
        `No git checkout above ${start}; set environments.templates.sourceRoot to the repository checkout`,
      );
    }
  }
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
