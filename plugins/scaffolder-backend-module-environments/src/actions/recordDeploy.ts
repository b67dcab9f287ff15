import {
  AuthService,
  DiscoveryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { DeployRecord } from '@envportal/plugin-environments-common';
import { authorizeTemplate } from '../guard/authorizeTemplate';
import { environmentsEntityApi } from './environmentsApi';
import { examples } from './recordDeploy.examples';
import {
  DNS_LABEL,
  DNS_LABEL_MESSAGE,
  ENTITY_REF,
  ENTITY_REF_MESSAGE,
} from './validation';

const RETRY = { statuses: [404, 409, 503], attempts: 10, delayMs: 1000 };

/**
 * `environments:record-deploy` tells the environments backend that a deploy it did not make (the
 * template's own first deploy) is what the stage should run, so drift has a baseline there from the
 * start. It runs as the user who runs the task: the backend checks `environments.deploy.record` for
 * the stage, that the rollout is complete and that no promotion is in flight into the stage. Only a
 * template the policy trusts (`environments.template.execute` for the stage) may run it.
 *
 * @public
 */
export function createRecordDeployAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  permissions: PermissionsService;
}) {
  const { permissions, ...services } = options;
  return createTemplateAction({
    id: 'environments:record-deploy',
    description:
      "Records what a stage runs after the template's deploy as its drift baseline, through the environments backend, as the user running the task.",
    examples,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .regex(ENTITY_REF, { message: ENTITY_REF_MESSAGE })
            .describe('The entity whose workload was deployed'),
        stage: z =>
          z
            .string()
            .regex(DNS_LABEL, { message: DNS_LABEL_MESSAGE })
            .describe('The stage deployed into'),
      },
      output: {
        image: z => z.string().describe('The image recorded as the baseline'),
        recorded: z =>
          z
            .boolean()
            .describe(
              'false when the stage already ran what its last change put there (nothing recorded)',
            ),
      },
    },
    async handler(ctx) {
      await authorizeTemplate(ctx, permissions, ctx.input.stage);
      const { post } = await environmentsEntityApi({
        ...services,
        entityRef: ctx.input.entityRef,
        initiator: await ctx.getInitiatorCredentials(),
        signal: ctx.signal,
        what: 'Deploy record refused',
      });
      // A retried step records nothing new: the backend answers 200 with the record the stage has.
      // The backend's cache may not hold the rollout the step before saw finish yet (404, 409), or
      // may be syncing (503): asked again for a few seconds.
      const { status, body } = await post(
        'deploys',
        { stage: ctx.input.stage },
        RETRY,
      );
      const record = body as DeployRecord;
      ctx.logger.info(
        `${record.stage} is expected to run ${record.image} (${record.kind} by ${record.recordedBy}, ${record.recordedAt})`,
      );
      ctx.output('image', record.image);
      ctx.output('recorded', status === 201);
    },
  });
}
