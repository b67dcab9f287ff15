import {
  PermissionsService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ClusterAccess,
  findContainmentProblems,
  HelmError,
  runHelm,
  StageConnection,
} from '@envportal/plugin-environments-node';
import { existsSync } from 'node:fs';
import { authorizeTemplate } from '../guard/authorizeTemplate';
import { examples } from './helmUpgrade.examples';
import { DNS_LABEL, DNS_LABEL_MESSAGE, WORKSPACE_PATH } from './validation';
import { assertSelfContained } from './workspaceTree';

// Helm keeps release names to 53 characters (its Secret names add a suffix to reach 63).
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/;
// Helm --set paths: dotted keys with optional list indexes; nothing that helm would parse as syntax.
const SET_KEY = /^[A-Za-z0-9_-]+(\[[0-9]+\])?(\.[A-Za-z0-9_-]+(\[[0-9]+\])?)*$/;

/**
 * Helm's messages against the live cluster that carry nothing the chart read there, each with what
 * the task log says instead. Any other message is withheld: a template can put what it looked up
 * (a Secret of the namespace) into its error, a manifest or an object the API server echoes back.
 */
const KNOWN_LIVE_FAILURES: Array<[RegExp, (timeout: string) => string]> = [
  [
    /timed out waiting for the condition|context deadline exceeded/,
    timeout =>
      `the release did not become ready within ${timeout}, and --atomic rolled back its change`,
  ],
  [
    /another operation \(install\/upgrade\/rollback\) is in progress/,
    () => 'another Helm operation on this release is in progress',
  ],
];
const LIVE_OUTPUT_WITHHELD =
  "Helm's message is withheld: against the live cluster it may hold what the chart read there. A dry run of the template shows every error that does not depend on the cluster";

/** The parts of `helm upgrade -o json` the action reads. */
type HelmRelease = {
  name: string;
  version: number;
  info?: { status?: string };
};

/** What the action keeps of a release (JSON-serializable for the checkpoint). */
type ReleaseSummary = { name: string; version: number; status: string };

/**
 * `helm:upgrade` installs a release of a chart from the workspace into a stage that takes template
 * deploys (by default the first), with that stage's deploy account, atomically: a release that does
 * not become ready within the timeout is rolled back (or removed) by Helm. A release of that name
 * already in the stage is upgraded only with `allowUpgrade`; otherwise the step fails, so a template
 * cannot take over another service's release.
 *
 * Nothing reaches the cluster before the chart is known to stay in the stage's namespace: it is
 * rendered without a cluster and every object (hooks and CRDs included) is checked; then, since a
 * chart may render differently against the live cluster (`lookup`, capabilities), it is rendered
 * again as the install will (Helm only reads) and checked again before the upgrade. A dry run of
 * the action only does the first, clusterless render.
 *
 * @public
 */
export function createHelmUpgradeAction(options: {
  access: ClusterAccess;
  permissions: PermissionsService;
}) {
  return createTemplateAction({
    id: 'helm:upgrade',
    description:
      'Installs a Helm release from a chart in the workspace into a stage that takes template deploys (helm install --atomic --wait; with allowUpgrade, helm upgrade --install); refuses charts with objects outside that namespace.',
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
        allowUpgrade: z =>
          z
            .boolean()
            .optional()
            .describe(
              "Upgrade a release of this name that already exists in the stage. Default false: the step fails instead, so a template cannot take over another service's release",
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
      const target = deployTarget(options.access, input.stage);
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
      const valuesArgs = valuesPaths.flatMap(path => ['--values', path]);
      // Helm follows symbolic links: one leading out of the workspace would put a host file
      // (.Files.Get, a values file) into the release or its error.
      for (const path of [chartDir, ...valuesPaths]) {
        await assertSelfContained(path, {
          root: ctx.workspacePath,
          rootName: 'workspace',
        });
      }
      const setArgs = Object.entries(input.set).flatMap(([key, value]) => {
        if (!SET_KEY.test(key)) {
          throw new InputError(`set: "${key}" is not a plain values path`);
        }
        return typeof value === 'string'
          ? ['--set-string', `${key}=${escapeSetValue(value)}`]
          : ['--set', `${key}=${value}`];
      });
      await authorizeTemplate(ctx, options.permissions, input.stage);

      const chartArgs = [
        input.releaseName,
        chartDir,
        '--namespace',
        target.namespace,
        ...valuesArgs,
        ...setArgs,
      ];
      const log = (line: string) => ctx.logger.info(line);
      // Rendered without any cluster: nothing is sent before the chart is known to stay in place.
      const rendered = await runHelm({
        args: ['template', ...chartArgs, '--include-crds'],
        captureStdout: true,
        onLine: log,
        signal: ctx.signal,
      });
      assertContained(rendered.stdout, target.namespace);
      const where = `${target.namespace} on cluster ${target.cluster}`;
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: ${input.releaseName} renders ${countObjects(
            rendered.stdout,
          )} objects, all in namespace ${
            target.namespace
          }; nothing was sent to the cluster`,
        );
        ctx.output('revision', 0);
        ctx.output('status', 'rendered');
        ctx.output('namespace', target.namespace);
        ctx.output('cluster', target.cluster);
        return;
      }

      ctx.logger.info(
        `Deploying ${input.releaseName} to ${where} (atomic, timeout ${input.timeout})`,
      );
      const connection = options.access.forStage(input.stage, 'deploy');
      // A finished deploy is not repeated when a task resumes after a backend restart.
      const release = await ctx.checkpoint({
        key: `helm.upgrade.${target.cluster}.${target.namespace}.${input.releaseName}`,
        fn: () =>
          upgrade(connection, chartArgs, {
            timeout: input.timeout,
            allowUpgrade: ctx.input.allowUpgrade ?? false,
            signal: ctx.signal,
          }),
      });
      ctx.logger.info(
        `Release ${release.name} revision ${release.version}: ${release.status}`,
      );
      ctx.output('revision', release.version);
      ctx.output('status', release.status);
      ctx.output('namespace', target.namespace);
      ctx.output('cluster', target.cluster);
    },
  });
}

/** The stage's namespace and cluster, refusing stages that take no template deploys. */
function deployTarget(access: ClusterAccess, stageName: string) {
  const stage = access.stages().find(s => s.name === stageName);
  if (!stage) {
    throw new InputError(
      `Unknown stage "${stageName}"; configured stages: ${
        access
          .stages()
          .map(s => s.name)
          .join(', ') || 'none'
      }`,
    );
  }
  const allowed = access.deployStages();
  if (!allowed.includes(stage.name)) {
    throw new NotAllowedError(
      `helm:upgrade may deploy only to ${allowed.join(', ') || 'no stage'}; ${
        stage.name
      } is reached by promotion (environments:promote)`,
    );
  }
  return { namespace: stage.namespace, cluster: stage.cluster };
}

function assertContained(
  manifest: string,
  namespace: string,
  options: { live?: boolean } = {},
) {
  const problems = findContainmentProblems(manifest, namespace);
  if (problems.length === 0) return;
  if (options.live) {
    // Rendered with the cluster, a problem's text may quote what the chart looked up there.
    throw new NotAllowedError(
      `Rendered against the live cluster, the chart reaches outside namespace ${namespace} or takes what another service owns (${problems.length} problem(s), not listed: they may quote what the chart read from the cluster), so nothing was deployed`,
    );
  }
  throw new NotAllowedError(
    `The chart reaches outside namespace ${namespace}, so nothing was deployed: ${problems
      .slice(0, 10)
      .join('; ')}${
      problems.length > 10 ? ` (and ${problems.length - 10} more)` : ''
    }`,
  );
}

async function upgrade(
  connection: StageConnection,
  chartArgs: string[],
  options: {
    timeout: string;
    allowUpgrade: boolean;
    signal?: AbortSignal;
  },
): Promise<ReleaseSummary> {
  const releaseName = chartArgs[0];
  // Against the live cluster the templates can read the stage (lookup), so none of Helm's output
  // reaches the task log, and its errors only when known to hold nothing read there. The offline
  // render before has shown every template error that does not depend on the cluster.
  const live = async (args: string[]) => {
    try {
      return await runHelm({
        args,
        connection,
        captureStdout: true,
        signal: options.signal,
      });
    } catch (error) {
      if (!(error instanceof HelmError)) throw error;
      if (/cannot re-use a name that is still in use/.test(error.message)) {
        throw new ConflictError(
          `A release named ${releaseName} already exists in ${connection.namespace}; it belongs to another service or an earlier run, so nothing was deployed (choose another name)`,
        );
      }
      const known = KNOWN_LIVE_FAILURES.find(([pattern]) =>
        pattern.test(error.message),
      );
      throw new HelmError(
        `helm ${args[0]} failed: ${
          known ? known[1](options.timeout) : LIVE_OUTPUT_WITHHELD
        }`,
        error.exitCode,
      );
    }
  };
  // Rendered as the live install will render it (lookups, the cluster's capabilities): Helm only
  // reads from the cluster here, and nothing is sent until this manifest is checked too.
  const rendered = await live([
    'template',
    ...chartArgs,
    '--include-crds',
    '--dry-run=server',
  ]);
  assertContained(rendered.stdout, connection.namespace, { live: true });
  const result = await live([
    // `install` refuses a name in use; `upgrade --install` would take the release over.
    ...(options.allowUpgrade
      ? ['upgrade', '--install', '--history-max', '10']
      : ['install']),
    ...chartArgs,
    '--skip-crds',
    '--atomic',
    '--wait',
    '--timeout',
    options.timeout,
    '--output',
    'json',
  ]);
  const release = JSON.parse(result.stdout) as HelmRelease;
  return {
    name: release.name,
    version: release.version,
    status: release.info?.status ?? 'unknown',
  };
}

// Helm splits --set values on commas and treats backslashes as escapes.
function escapeSetValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/,/g, '\\,');
}

function countObjects(manifest: string): number {
  return manifest.split(/^---\s*$/m).filter(doc => /^kind:/m.test(doc)).length;
}
