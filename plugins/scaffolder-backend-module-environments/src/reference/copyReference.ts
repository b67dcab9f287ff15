import {
  isChildPath,
  resolveSafeChildPath,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import {
  ActionContext,
  fetchContents,
} from '@backstage/plugin-scaffolder-node';
import fs from 'fs-extra';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

type TemplateInfo = ActionContext<{}>['templateInfo'];

/**
 * Where reference sources come from: the configured checkout, else the template's own repository.
 *
 * @public
 */
export type ReferenceSource = {
  config: Config;
  reader: UrlReaderService;
  integrations: ScmIntegrations;
};

/**
 * Copies a directory of the reference repository (the one that holds the template, or
 * `environments.templates.sourceRoot`) to `target`, without dependencies, build output or local
 * Terraform state. `path` is relative to the repository root.
 */
export async function copyReference(
  source: ReferenceSource,
  templateInfo: TemplateInfo,
  path: string,
  target: string,
): Promise<void> {
  const baseUrl = templateInfo?.baseUrl;
  const root = localSourceRoot(
    source.config.getOptionalString('environments.templates.sourceRoot'),
    baseUrl,
  );
  if (root) {
    const from = resolveSafeChildPath(root, path);
    if (!existsSync(from)) {
      throw new NotFoundError(`${path} does not exist in ${root}`);
    }
    await fs.copy(from, target, {
      filter: src => isChildPath(from, src) && !isExcluded(basename(src)),
    });
  } else if (baseUrl) {
    // A leading "/" makes the SCM integration resolve from the repository root.
    await fetchContents({
      reader: source.reader,
      integrations: source.integrations,
      baseUrl,
      fetchUrl: `/${path}`,
      outputPath: target,
    });
  } else {
    throw new InputError(
      'The template location is unknown; set environments.templates.sourceRoot to the repository checkout',
    );
  }
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
