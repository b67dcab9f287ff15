import { Config } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeApiError, kubeGet } from '../cluster/kubeApi';
import { resolveStageTarget } from '../cluster/stageTarget';
import { examples } from './rolloutStatus.examples';
import { DNS_LABEL, DNS_LABEL_MESSAGE } from './validation';

/** The fields of a Deployment that tell how its rollout is going. */
type Deployment = {
  metadata: { generation?: number };
  spec: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: Array<{
      type: string;
      status: string;
      reason?: string;
      message?: string;
    }>;
  };
};

/** Where a rollout stands, in the same terms as `kubectl rollout status`. */
export type RolloutProgress = {
  done: boolean;
  failed: boolean;
  message: string;
  desired: number;
  updated: number;
  ready: number;
  available: number;
};

/** Reads a Deployment's rollout state the way `kubectl rollout status` does. */
export function rolloutProgress(deployment: Deployment): RolloutProgress {
  const status = deployment.status ?? {};
  const desired = deployment.spec.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const ready = status.readyReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const counts = { desired, updated, ready, available };
  const progressing = status.conditions?.find(c => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      ...counts,
      done: false,
      failed: true,
      message: progressing.message ?? 'progress deadline exceeded',
    };
  }
  if (
    (status.observedGeneration ?? 0) < (deployment.metadata.generation ?? 0)
  ) {
    return {
      ...counts,
      done: false,
      failed: false,
      message: 'waiting for the controller to see the new spec',
    };
  }
  if (updated < desired) {
    return {
      ...counts,
      done: false,
      failed: false,
      message: `${updated} of ${desired} new replicas updated`,
    };
  }
  if ((status.replicas ?? 0) > updated) {
    return {
      ...counts,
      done: false,
      failed: false,
      message: `${
        (status.replicas ?? 0) - updated
      } old replicas pending termination`,
    };
  }
  if (available < updated) {
    return {
      ...counts,
      done: false,
      failed: false,
      message: `${available} of ${updated} updated replicas available`,
    };
  }
  return {
    ...counts,
    done: true,
    failed: false,
    message: `${available} of ${desired} replicas available`,
  };
}

/**
 * `kubernetes:rollout-status` waits until a Deployment in a stage has rolled out, logging each change
 * of progress to the task log, and fails on the Deployment's progress deadline or the timeout.
 */
export function createRolloutStatusAction(options: {
  config: Config;
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
      const target = resolveStageTarget(options.config, ctx.input.stage);
      const name = ctx.input.deployment;
      const where = `${target.namespace} on cluster ${target.cluster.name}`;
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would wait for deployment ${name} in ${where}`,
        );
        ctx.output('available', 0);
        ctx.output('desired', 0);
        ctx.output('durationMs', 0);
        return;
      }
      const path = `/apis/apps/v1/namespaces/${target.namespace}/deployments/${name}`;
      const started = Date.now();
      const timeoutSeconds = ctx.input.timeoutSeconds ?? 300;
      const deadline = started + timeoutSeconds * 1000;
      let lastMessage = '';
      for (;;) {
        let deployment: Deployment;
        try {
          deployment = await kubeGet<Deployment>(
            target.cluster,
            path,
            ctx.signal,
          );
        } catch (error) {
          if (error instanceof KubeApiError && error.statusCode === 404) {
            throw new NotFoundError(`Deployment ${name} not found in ${where}`);
          }
          throw error;
        }
        const progress = rolloutProgress(deployment);
        if (progress.message !== lastMessage) {
          ctx.logger.info(`deployment/${name}: ${progress.message}`);
          lastMessage = progress.message;
        }
        if (progress.failed) {
          throw new Error(
            `Rollout of ${name} in ${where} failed: ${progress.message}`,
          );
        }
        if (progress.done) {
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
