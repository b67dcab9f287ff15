import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { validateRequest } from '../schema/validateRequest';
import type { PromotionService } from '../services/promotion';
import type { EnvironmentStatusService } from '../services/status';

function entityParts(entityRef: string) {
  try {
    const ref = parseEntityRef(entityRef, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
    return { kind: ref.kind, namespace: ref.namespace, name: ref.name };
  } catch (error) {
    throw new InputError(
      `Invalid entity ref "${entityRef}": ${(error as Error).message}`,
    );
  }
}

/**
 * Registers the status and promote operations with Backstage's actions registry (served to tools and
 * AI agents by the MCP actions backend). They call the same services as the REST routes with the
 * caller's credentials, so catalog read permission, promotion permissions and gates all apply.
 */
export function registerEnvironmentsActions(options: {
  actionsRegistry: ActionsRegistryService;
  status: EnvironmentStatusService;
  promotions: PromotionService;
}) {
  const { actionsRegistry, status, promotions } = options;

  actionsRegistry.register({
    name: 'get-environment-status',
    title: 'Get environment status',
    description:
      'Per-stage status (dev, staging, prod, ...) of a catalog entity read live from Kubernetes: image, version, replicas, rollout state and whether the data is stale.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe('Entity ref, e.g. component:default/orders'),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          configured: z.boolean(),
          stages: z.array(
            z.object({
              stage: z.string(),
              state: z.string(),
              image: z.string().optional(),
              version: z.string().optional(),
              replicasReady: z.number().optional(),
              replicasDesired: z.number().optional(),
              rollout: z.string().optional(),
              stale: z.boolean(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const response = await status.getStatus(
        { entity: entityParts(input.entityRef) },
        { credentials },
      );
      return {
        output: {
          entityRef: response.entityRef,
          configured: response.configured,
          stages: response.stages.map(s => ({
            stage: s.stage,
            state: s.state,
            image: s.workload?.image,
            version: s.workload?.version,
            replicasReady: s.workload?.replicas.ready,
            replicasDesired: s.workload?.replicas.desired,
            rollout: s.workload?.rollout.state,
            stale: s.stale,
          })),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'promote-entity',
    title: 'Promote to the next stage',
    description:
      'Promotes the exact image running in one stage of a catalog entity into the next stage, behind the same permissions and gates as the portal. Returns the promotion (follow it with its id). Failing gates need an overrideReason and the override permission.',
    attributes: { destructive: true, idempotent: true, readOnly: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe('Entity ref, e.g. component:default/orders'),
          from: z.string().describe('Source stage, e.g. dev'),
          to: z.string().describe('Target stage, the next one, e.g. staging'),
          overrideReason: z
            .string()
            .optional()
            .describe(
              'Written reason to proceed past failed gates (needs the override permission)',
            ),
          windowOverrideReason: z
            .string()
            .optional()
            .describe(
              "Written reason to promote while the target stage's deploy window is closed (an emergency; needs the window-override permission)",
            ),
          idempotencyKey: z
            .string()
            .optional()
            .describe(
              'Repeat the same key on retries so only one promotion is started',
            ),
        }),
      output: z =>
        z.object({
          id: z.string(),
          state: z.string(),
          created: z.boolean(),
          imageBefore: z.string().optional(),
          imageAfter: z.string(),
          riskLevel: z.string(),
          riskReasons: z.array(z.string()),
          summary: z.string(),
        }),
    },
    action: async ({ input, credentials }) => {
      // The REST route's contract: stage names, reason length, idempotency key format.
      const request = validateRequest('PromotionRequest', {
        from: input.from,
        to: input.to,
        ...(input.overrideReason !== undefined
          ? { overrideReason: input.overrideReason }
          : {}),
        ...(input.windowOverrideReason !== undefined
          ? { windowOverrideReason: input.windowOverrideReason }
          : {}),
        ...(input.idempotencyKey !== undefined
          ? { idempotencyKey: input.idempotencyKey }
          : {}),
      });
      const { promotion, created } = await promotions.create(
        {
          entity: entityParts(input.entityRef),
          ...request,
          overrideReason: request.overrideReason?.trim(),
          windowOverrideReason: request.windowOverrideReason?.trim(),
        },
        { credentials },
      );
      return {
        output: {
          id: promotion.id,
          state: promotion.state,
          created,
          imageBefore: promotion.imageBefore,
          imageAfter: promotion.imageAfter,
          riskLevel: promotion.risk.level,
          riskReasons: promotion.risk.reasons,
          summary: promotion.summary,
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'decide-promotion',
    title: 'Approve or reject a promotion',
    description:
      "Approves or rejects a promotion awaiting approval, as the signed-in user, with an optional comment. Only the target stage's approvers may, never the requester (unless the stage allows it), and never a tool's own service token. One rejection ends the promotion; the last approval needed starts it.",
    attributes: { destructive: true, idempotent: false, readOnly: false },
    schema: {
      input: z =>
        z.object({
          id: z.string().describe('The promotion id'),
          decision: z.enum(['approve', 'reject']),
          comment: z
            .string()
            .optional()
            .describe('Why: shown to the requester and kept in the audit log'),
        }),
      output: z =>
        z.object({
          id: z.string(),
          state: z.string(),
          approvals: z.number(),
          required: z.number(),
        }),
    },
    action: async ({ input, credentials }) => {
      const body = validateRequest('ApprovalRequest', {
        decision: input.decision,
        ...(input.comment !== undefined ? { comment: input.comment } : {}),
      });
      const promotion = await promotions.decide(
        {
          id: input.id,
          decision: body.decision,
          comment: body.comment?.trim(),
        },
        { credentials },
      );
      return {
        output: {
          id: promotion.id,
          state: promotion.state,
          approvals:
            promotion.approval?.decisions.filter(d => d.decision === 'approve')
              .length ?? 0,
          required: promotion.approval?.required ?? 0,
        },
      };
    },
  });
}
