import {
  AuthService,
  DiscoveryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type {
  Promotion,
  PromotionPreview,
} from '@envportal/plugin-environments-common';
import { authorizeTemplate } from '../guard/authorizeTemplate';
import { environmentsEntityApi } from './environmentsApi';
import { examples } from './promote.examples';
import {
  DNS_LABEL,
  DNS_LABEL_MESSAGE,
  ENTITY_REF,
  ENTITY_REF_MESSAGE,
} from './validation';

/**
 * `environments:promote` asks the environments backend to promote an entity from one stage to the
 * next, on behalf of the user who runs the template, so the same gates and permission checks apply
 * as for the Promote button; and only from a template the policy trusts
 * (`environments.template.execute` for the target stage), as the other actions that write. A dry run
 * asks for the preview (gates, diff, risk) and changes nothing.
 *
 * @public
 */
export function createPromoteAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  permissions: PermissionsService;
}) {
  const { discovery, auth, permissions } = options;
  return createTemplateAction({
    id: 'environments:promote',
    description:
      'Requests a promotion of an entity between two stages through the environments backend, as the user running the task.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .regex(ENTITY_REF, { message: ENTITY_REF_MESSAGE })
            .describe('The entity to promote'),
        from: z => z.string().regex(DNS_LABEL, { message: DNS_LABEL_MESSAGE }),
        to: z => z.string().regex(DNS_LABEL, { message: DNS_LABEL_MESSAGE }),
        overrideReason: z =>
          z
            .string()
            .min(10)
            .max(500)
            .optional()
            .describe(
              'Why failed gates may be overridden (only users allowed to override)',
            ),
      },
      output: {
        promotionId: z => z.string().optional(),
        state: z => z.string(),
        gatesPassed: z => z.boolean().optional(),
      },
    },
    async handler(ctx) {
      if (ctx.input.from === ctx.input.to) {
        throw new InputError('from and to must be different stages');
      }
      const { post } = await environmentsEntityApi({
        discovery,
        auth,
        entityRef: ctx.input.entityRef,
        initiator: await ctx.getInitiatorCredentials(),
        signal: ctx.signal,
        what: 'Promotion refused',
      });
      const request = { from: ctx.input.from, to: ctx.input.to };

      if (ctx.isDryRun) {
        const preview = (await post('promotions/preview', request))
          .body as PromotionPreview;
        for (const gate of preview.gates) {
          ctx.logger.info(
            `gate ${gate.title}: ${gate.result} (${gate.detail})`,
          );
        }
        ctx.logger.info(
          `Dry run: ${preview.from} → ${preview.to} would move ${
            preview.source.image
          }; risk ${preview.risk.level}${
            preview.blockedReason ? `; blocked: ${preview.blockedReason}` : ''
          }`,
        );
        ctx.output(
          'state',
          preview.allowed && preview.gatesPassed ? 'would-promote' : 'blocked',
        );
        ctx.output('gatesPassed', preview.gatesPassed);
        return;
      }

      // Only a template the policy trusts may promote as the user (the preview above writes nothing).
      await authorizeTemplate(ctx, permissions, ctx.input.to);
      // The idempotency key makes a retried step return the promotion it already started.
      const promotion = await ctx.checkpoint({
        key: `environments.promote.${ctx.input.entityRef}.${ctx.input.from}.${ctx.input.to}`,
        fn: async () => {
          const created = (
            await post('promotions', {
              ...request,
              overrideReason: ctx.input.overrideReason,
              idempotencyKey: `scaffolder:${ctx.task.id}:${
                ctx.step?.id ?? 'promote'
              }`,
            })
          ).body as Promotion;
          return {
            id: created.id,
            state: created.state,
            summary: created.summary,
          };
        },
      });
      ctx.logger.info(
        `Promotion ${promotion.id}: ${promotion.state} — ${promotion.summary}`,
      );
      ctx.output('promotionId', promotion.id);
      ctx.output('state', promotion.state);
    },
  });
}
