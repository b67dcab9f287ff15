import {
  PermissionsService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { findTool, runProcess } from '@envportal/plugin-environments-node';
import fs from 'fs-extra';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { authorizeTemplate } from '../guard/authorizeTemplate';
import { examples } from './publishLocal.examples';
import { DNS_LABEL, DNS_LABEL_MESSAGE, WORKSPACE_PATH } from './validation';
import { assertSelfContained } from './workspaceTree';

/**
 * Kinds a published repository may register. The catalog reads every catalog-info.yaml in the publish
 * directory, so a Template, Location, User or Group there would register templates, read other files
 * of the host, or change who belongs to which team.
 */
const PUBLISHABLE_KINDS = new Set(['Component', 'API', 'Resource']);

/** Settings that keep git from running anything but itself while it publishes. */
const GIT_HARDENING = [
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.fsmonitor=false',
];

/**
 * `publish:local` writes the workspace into a new git repository under a configured directory on the
 * backend's machine. It stands in for publish:github where no Git host is reachable (the offline
 * demo, tests); the directory must be configured, so templates cannot write anywhere else.
 *
 * @public
 */
export function createPublishLocalAction(options: {
  config: Config;
  permissions: PermissionsService;
}) {
  const configuredDir = options.config.getOptionalString(
    'environments.templates.localPublishDir',
  );
  return createTemplateAction({
    id: 'publish:local',
    description:
      'Publishes the workspace as a new local git repository under environments.templates.localPublishDir (offline demo).',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repoName: z =>
          z
            .string()
            .regex(DNS_LABEL, { message: DNS_LABEL_MESSAGE })
            .describe('Repository directory name'),
        sourcePath: z =>
          z
            .string()
            .regex(WORKSPACE_PATH, {
              message: 'must be a relative path inside the workspace',
            })
            .optional()
            .describe('Publish only this part of the workspace'),
        description: z =>
          z
            .string()
            .max(200)
            .optional()
            .describe('First line of the commit message'),
      },
      output: {
        repoPath: z =>
          z.string().describe('Absolute path of the new repository'),
        catalogInfoPath: z =>
          z.string().describe('Absolute path of its catalog-info.yaml'),
      },
    },
    async handler(ctx) {
      if (!configuredDir) {
        throw new InputError(
          'publish:local needs environments.templates.localPublishDir (a directory outside the portal checkout)',
        );
      }
      await authorizeTemplate(ctx, options.permissions);
      const publishDir = resolve(configuredDir);
      const repoPath = resolveSafeChildPath(publishDir, ctx.input.repoName);
      const source = ctx.input.sourcePath
        ? resolveSafeChildPath(ctx.workspacePath, ctx.input.sourcePath)
        : ctx.workspacePath;
      ctx.output('repoPath', repoPath);
      ctx.output('catalogInfoPath', join(repoPath, 'catalog-info.yaml'));
      await assertPublishable(source);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would publish to ${repoPath}`);
        return;
      }
      await ctx.checkpoint({
        key: `publish.local.${ctx.input.repoName}`,
        fn: async () => {
          // Never overwrite: an existing repository belongs to another service.
          if (existsSync(repoPath)) {
            throw new ConflictError(
              `A repository named ${ctx.input.repoName} already exists in ${publishDir}`,
            );
          }
          await fs.ensureDir(publishDir);
          await fs.copy(source, repoPath);
          const author = ctx.user?.ref ?? 'scaffolder';
          const git = (args: string[]) =>
            runProcess({
              command: findTool(['git']),
              // Only the new repository's own configuration: no system or user settings, hooks or
              // file-system monitor that would run a command.
              args: [...GIT_HARDENING, ...args],
              cwd: repoPath,
              env: {
                GIT_CONFIG_NOSYSTEM: '1',
                GIT_CONFIG_GLOBAL: '/dev/null',
                GIT_TERMINAL_PROMPT: '0',
                GIT_AUTHOR_NAME: author,
                GIT_AUTHOR_EMAIL: 'scaffolder@localhost',
                GIT_COMMITTER_NAME: 'Environment Portal',
                GIT_COMMITTER_EMAIL: 'scaffolder@localhost',
              },
              onLine: line => ctx.logger.debug(line),
            });
          await git(['init', '--quiet', '--initial-branch=main']);
          await git(['add', '--all']);
          await git([
            'commit',
            '--quiet',
            '-m',
            ctx.input.description ??
              'Initial commit from the Environment Portal',
          ]);
        },
      });
      ctx.logger.info(`Published to ${repoPath}`);
    },
  });
}

/**
 * Refuses a workspace the portal must not publish: git metadata of its own (a `.git` directory or
 * file, anywhere: its config can name commands git runs, or point at another repository of the host),
 * a symbolic link that leads outside it (it could point at any file of the host), or a
 * catalog-info.yaml with a kind other than {@link PUBLISHABLE_KINDS}. Links inside the tree
 * (Terraform's shared files) are fine.
 */
async function assertPublishable(source: string): Promise<void> {
  await assertSelfContained(source, {
    root: source,
    rootName: 'repository',
    refuseGit: true,
  });
  const catalogInfo = join(source, 'catalog-info.yaml');
  if (!existsSync(catalogInfo)) return;
  for (const document of parseAllDocuments(
    await readFile(catalogInfo, 'utf8'),
  )) {
    const kind = (document.toJS() as { kind?: unknown } | null)?.kind;
    if (kind !== undefined && !PUBLISHABLE_KINDS.has(String(kind))) {
      throw new NotAllowedError(
        `catalog-info.yaml declares a ${String(
          kind,
        )}; a published service may declare only ${[...PUBLISHABLE_KINDS].join(
          ', ',
        )}`,
      );
    }
  }
}
