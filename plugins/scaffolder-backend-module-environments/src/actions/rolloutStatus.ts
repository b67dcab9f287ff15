import { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ClusterAccess,
  deploymentRollout,
} from '@envportal/plugin-environments-node';
import { ApiException, AppsV1Api, V1Deployment } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { authorizeTemplate } from '../guard/authorizeTemplate';
import { examples } from './rolloutStatus.examples';
import { DNS_LABEL, DNS_LABEL_MESSAGE } from './validation';

/**
 * `kubernetes:rollout-status` waits until a Deployment in a stage has rolled out, logging each change
 * of progress to the task log, and fails on the Deployment's progress deadline or the timeout.
 *
 * @public
 */
export function createRolloutStatusAction(options: {
  access: ClusterAccess;
  permissions: PermissionsService;
  /** Poll interval; tests shorten it. */
  pollIntervalMs?: number;
}) {
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  return createTemplateAction({
    id: 'kubernetes:rollout-status',
    description:
      'Waits for a Deployment in a configured stage to finish rolling out, reporting progress in the task log.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        stage: z =>
          z
            .string()
            .regex(DNS_LABEL, { message: DNS_LABEL_MESSAGE })
            .describe('Stage (environments.stages)'),
        deployment: z =>
          z
            .string()
            .regex(DNS_LABEL, { message: DNS_LABEL_MESSAGE })
            .describe('Deployment name'),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .min(1)
            .max(3600)
            .optional()
            .describe('Give up after this many seconds (default 300)'),
      },
      output: {
        available: z =>
          z.number().describe('Available replicas when the rollout finished'),
        desired: z => z.number(),
        durationMs: z => z.number().describe('Time spent waiting'),
      },
    },
    async handler(ctx) {
      const stage = options.access
        .stages()
        .find(s => s.name === ctx.input.stage);
      if (!stage) throw new InputError(`Unknown stage "${ctx.input.stage}"`);
      await authorizeTemplate(ctx, options.permissions, stage.name);
      const name = ctx.input.deployment;
      const where = `${stage.namespace} on cluster ${stage.cluster}`;
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would wait for deployment ${name} in ${where}`,
        );
        ctx.output('available', 0);
        ctx.output('desired', 0);
        ctx.output('durationMs', 0);
        return;
      }
      // Reading is the read account's purpose; it may not change anything.
      const read = options.access.forStage(stage.name, 'read');
      const apps = read.kubeConfig.makeApiClient(AppsV1Api);
      const started = Date.now();
      const timeoutSeconds = ctx.input.timeoutSeconds ?? 300;
      const deadline = started + timeoutSeconds * 1000;
      let lastMessage = '';
      for (;;) {
        let deployment: V1Deployment;
        try {
          deployment = await apps.readNamespacedDeployment({
            name,
            namespace: stage.namespace,
          });
        } catch (error) {
          if (error instanceof ApiException && error.code === 404) {
            throw new NotFoundError(`Deployment ${name} not found in ${where}`);
          }
          throw new Error(
            `Could not read deployment ${name} in ${where}: ${
              error instanceof ApiException
                ? `HTTP ${error.code}`
                : (error as Error).message
            }`,
          );
        }
        const progress = deploymentRollout(deployment);
        if (progress.message !== lastMessage) {
          ctx.logger.info(`deployment/${name}: ${progress.message}`);
          lastMessage = progress.message;
        }
        if (progress.state === 'failed') {
          throw new Error(
            `Rollout of ${name} in ${where} failed: ${progress.message}`,
          );
        }
        if (progress.state === 'complete') {
          ctx.output('available', progress.available);
          ctx.output('desired', progress.desired);
          ctx.output('durationMs', Date.now() - started);
          return;
        }
        if (Date.now() >= deadline) {
          throw new Error(
            `Rollout of ${name} in ${where} did not finish within ${timeoutSeconds}s: ${progress.message}`,
          );
        }
        await sleep(pollIntervalMs, undefined, { signal: ctx.signal });
      }
    },
  });
}
