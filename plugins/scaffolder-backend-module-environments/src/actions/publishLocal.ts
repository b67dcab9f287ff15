import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'fs-extra';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findTool } from '../process/findTool';
import { runProcess } from '../process/runProcess';
import { examples } from './publishLocal.examples';
import { DNS_LABEL, DNS_LABEL_MESSAGE, WORKSPACE_PATH } from './validation';

/**
 * `publish:local` writes the workspace into a new git repository under a configured directory on the
 * backend's machine. It stands in for publish:github where no Git host is reachable (the offline
 * demo, tests); the directory must be configured, so templates cannot write anywhere else.
 */
export function createPublishLocalAction(options: { config: Config }) {
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
      const publishDir = resolve(configuredDir);
      const repoPath = resolveSafeChildPath(publishDir, ctx.input.repoName);
      const source = ctx.input.sourcePath
        ? resolveSafeChildPath(ctx.workspacePath, ctx.input.sourcePath)
        : ctx.workspacePath;
      ctx.output('repoPath', repoPath);
      ctx.output('catalogInfoPath', join(repoPath, 'catalog-info.yaml'));
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
              args,
              cwd: repoPath,
              env: {
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
