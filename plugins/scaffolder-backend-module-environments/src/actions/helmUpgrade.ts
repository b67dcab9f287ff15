import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError, NotAllowedError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { existsSync } from 'node:fs';
import { resolveStageTarget } from '../cluster/stageTarget';
import { withTemporaryKubeconfig } from '../cluster/temporaryKubeconfig';
import { findTool } from '../process/findTool';
import { createSecretMasker } from '../process/maskSecrets';
import { ProcessError, runProcess } from '../process/runProcess';
import { examples } from './helmUpgrade.examples';
import { readStages } from './stage';
import { DNS_LABEL, DNS_LABEL_MESSAGE, WORKSPACE_PATH } from './validation';

// Helm keeps release names to 53 characters (its Secret names add a suffix to reach 63).
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/;
// Helm --set paths: dotted keys with optional list indexes; nothing that helm would parse as syntax.
const SET_KEY = /^[A-Za-z0-9_-]+(\[[0-9]+\])?(\.[A-Za-z0-9_-]+(\[[0-9]+\])?)*$/;

/** The parts of `helm upgrade -o json` the action reads. */
type HelmRelease = {
  name: string;
  namespace: string;
  version: number;
  info?: { status?: string; notes?: string };
  manifest?: string;
};

/**
 * `helm:upgrade` installs or upgrades a release of a chart from the workspace into a stage's
 * cluster and namespace, atomically: a release that does not become ready within the timeout is
 * rolled back by Helm. In a dry run the chart is rendered and validated by the API server instead.
 */
export function createHelmUpgradeAction(options: { config: Config }) {
  return createTemplateAction({
    id: 'helm:upgrade',
    description:
      'Installs or upgrades a Helm release from a chart in the workspace into a configured stage (helm upgrade --install --atomic --wait).',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        chart: z =>
          z
            .string()
            .regex(WORKSPACE_PATH, {
              message: 'must be a relative path inside the workspace',
            })
            .describe('Path of the chart directory in the workspace'),
        releaseName: z =>
          z
            .string()
            .regex(RELEASE_NAME, {
              message: 'must be a DNS-1123 label of at most 53 characters',
            })
            .describe('Helm release name'),
        stage: z =>
          z
            .string()
            .regex(DNS_LABEL, { message: DNS_LABEL_MESSAGE })
            .describe('Stage to deploy to (environments.stages)'),
        valuesFiles: z =>
          z
            .array(
              z.string().regex(WORKSPACE_PATH, {
                message: 'must be a relative path inside the workspace',
              }),
            )
            .max(10)
            .optional()
            .describe('Values files in the workspace, applied in order'),
        set: z =>
          z
            .record(z.union([z.string().max(1024), z.number(), z.boolean()]))
            .optional()
            .describe(
              'Values set on the command line (strings with --set-string, numbers and booleans with --set)',
            ),
        timeout: z =>
          z
            .string()
            .regex(/^[1-9][0-9]{0,3}[sm]$/, {
              message: 'must be a duration such as 90s or 5m',
            })
            .optional()
            .describe(
              'How long Helm waits for the release to become ready (default 5m)',
            ),
      },
      output: {
        revision: z => z.number().describe('Release revision (0 in a dry run)'),
        status: z => z.string().describe('Helm release status'),
        namespace: z => z.string(),
        cluster: z => z.string(),
      },
    },
    async handler(ctx) {
      // The scaffolder validates inputs against the JSON schema but does not fill zod defaults.
      const input = {
        ...ctx.input,
        valuesFiles: ctx.input.valuesFiles ?? [],
        set: ctx.input.set ?? {},
        timeout: ctx.input.timeout ?? '5m',
      };
      assertDeployableStage(options.config, input.stage);
      const target = resolveStageTarget(options.config, input.stage);
      const chartDir = resolveSafeChildPath(ctx.workspacePath, input.chart);
      if (!existsSync(chartDir)) {
        throw new InputError(
          `Chart directory ${input.chart} is not in the workspace`,
        );
      }
      const valuesPaths = input.valuesFiles.map(file => {
        const path = resolveSafeChildPath(ctx.workspacePath, file);
        if (!existsSync(path)) {
          throw new InputError(`Values file ${file} is not in the workspace`);
        }
        return path;
      });
      const setArgs = Object.entries(input.set).flatMap(([key, value]) => {
        if (!SET_KEY.test(key)) {
          throw new InputError(`set: "${key}" is not a plain values path`);
        }
        return typeof value === 'string'
          ? ['--set-string', `${key}=${escapeSetValue(value)}`]
          : ['--set', `${key}=${value}`];
      });
      const args = [
        'upgrade',
        '--install',
        input.releaseName,
        chartDir,
        '--namespace',
        target.namespace,
        ...valuesPaths.flatMap(path => ['--values', path]),
        ...setArgs,
        '--timeout',
        input.timeout,
        '--output',
        'json',
        ...(ctx.isDryRun
          ? ['--dry-run=server']
          : ['--atomic', '--wait', '--history-max', '10']),
      ];
      const where = `${target.namespace} on cluster ${target.cluster.name}`;
      ctx.logger.info(
        ctx.isDryRun
          ? `Dry run: rendering ${input.releaseName} against ${where} (nothing is applied)`
          : `Deploying ${input.releaseName} to ${where} (atomic, timeout ${input.timeout})`,
      );

      const run = () =>
        withTemporaryKubeconfig(target.cluster, target.namespace, kubeconfig =>
          runHelm(args, kubeconfig, target.cluster.serviceAccountToken, line =>
            ctx.logger.info(line),
          ),
        );
      // A finished deploy is not repeated when a task resumes after a backend restart.
      const release = ctx.isDryRun
        ? await run()
        : await ctx.checkpoint({
            key: `helm.upgrade.${target.cluster.name}.${target.namespace}.${input.releaseName}`,
            fn: run,
          });

      ctx.logger.info(
        ctx.isDryRun
          ? `Dry run rendered ${countObjects(
              release.manifest,
            )} objects; the API server accepted them`
          : `Release ${release.name} revision ${release.version}: ${release.status}`,
      );
      ctx.output('revision', ctx.isDryRun ? 0 : release.version);
      ctx.output('status', release.status);
      ctx.output('namespace', target.namespace);
      ctx.output('cluster', target.cluster.name);
    },
  });
}

/**
 * Templates deploy with the portal's own cluster identity, so any template author could otherwise
 * reach prod. Only the configured stages (default: the first) take direct deploys; later stages are
 * reached by promotion, behind its gates and permissions.
 */
function assertDeployableStage(config: Config, stage: string) {
  const allowed =
    config.getOptionalStringArray('environments.templates.helmStages') ??
    [readStages(config)[0]?.name].filter(Boolean);
  if (!allowed.includes(stage)) {
    throw new NotAllowedError(
      `helm:upgrade may deploy only to ${
        allowed.join(', ') || 'no stage'
      }; ${stage} is reached by promotion (environments:promote)`,
    );
  }
}

/** What the action keeps of a release (JSON-serializable for the checkpoint). */
type ReleaseSummary = {
  name: string;
  version: number;
  status: string;
  manifest: string;
};

async function runHelm(
  args: string[],
  kubeconfig: string,
  token: string,
  log: (line: string) => void,
): Promise<ReleaseSummary> {
  try {
    const result = await runProcess({
      command: findTool(['helm']),
      args,
      env: { KUBECONFIG: kubeconfig },
      mask: createSecretMasker([token]),
      captureStdout: true,
      onLine: log,
    });
    const release = JSON.parse(result.stdout) as HelmRelease;
    return {
      name: release.name,
      version: release.version,
      status: release.info?.status ?? 'unknown',
      manifest: release.manifest ?? '',
    };
  } catch (error) {
    if (error instanceof ProcessError) {
      // Helm's own words say why (e.g. "release x failed, and has been rolled back due to atomic").
      throw new Error(
        `helm upgrade failed: ${error.result.stderrTail.slice(-3).join(' | ')}`,
      );
    }
    throw error;
  }
}

// Helm splits --set values on commas and treats backslashes as escapes.
function escapeSetValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/,/g, '\\,');
}

function countObjects(manifest: string): number {
  return manifest.split(/^---\s*$/m).filter(doc => /^kind:/m.test(doc)).length;
}
