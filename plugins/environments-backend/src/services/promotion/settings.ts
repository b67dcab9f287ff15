import { Config } from '@backstage/config';
import { z } from 'zod';
import { DeployWindow } from './deployWindow';

/** Who must approve promotions into a stage before they run. */
export type ApprovalPolicy = {
  required: number;
  /** Ownership refs (users or groups). */
  approvers: string[];
  allowRequester: boolean;
  validForSeconds: number;
};

/** How promotion into one stage is carried out. */
export type StagePromotionSettings = {
  strategy: 'image' | 'helm';
  /** Container whose image is promoted; default: the Deployment's first container. */
  container?: string;
  /** Verification window after the rollout: health, checklist and gates are re-checked at its end. */
  soakSeconds: number;
  /** Readiness must be reached within this long, else the promotion rolls back. */
  rolloutTimeoutSeconds: number;
  /** Stages that may promote straight into this one, skipping the stages between. */
  allowSkipFrom: string[];
  helm?: {
    release: string;
    /** Chart path or reference given to `helm upgrade`. */
    chart: string;
    /** The stage's values files, in order. */
    valuesFiles: string[];
  };
  approval?: ApprovalPolicy;
  window?: DeployWindow;
};

export type PromotionSettings = {
  /**
   * How long a replica holds a running promotion without renewing it (it renews every third of
   * this); after that another replica takes the promotion over.
   */
  leaseSeconds: number;
  /** Metric gates look at this window of the source stage. */
  gateWindowSeconds: number;
  /** Fewer requests than this in the window is "insufficient data", not a pass. */
  minRequests: number;
  /** Path of the helm binary; default `helm` on PATH. */
  helmPath: string;
  /** Checklist items that must pass (not merely be unknown) for the checklist gate to pass. */
  requiredChecklistItems: string[];
  /**
   * Stages tools and agents (service principals) may promote and roll back into; the permission
   * policy is never asked for them (Backstage lets service principals through it).
   */
  servicePrincipalStages: string[];
  /** Stages tools (CI, with a static token) may record a deploy into; the same reason as above. */
  serviceDeployRecordStages: string[];
  stages: Record<string, StagePromotionSettings>;
};

const windowRuleSchema = z.object({
  start: z.string(),
  end: z.string(),
  rrule: z.string().min(1).optional(),
});

/** Parsed into a {@link DeployWindow} here, so a bad rule or time zone stops start-up. */
const windowSchema = z
  .object({
    timeZone: z.string().min(1),
    allow: z.array(windowRuleSchema).default([]),
    deny: z.array(windowRuleSchema).default([]),
    outside: z.enum(['refuse', 'queue']).default('refuse'),
  })
  .transform((w, ctx) => {
    try {
      return new DeployWindow(w);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const stageSchema = z
  .object({
    strategy: z.enum(['image', 'helm']).default('image'),
    container: z.string().min(1).optional(),
    soakSeconds: z.number().int().min(0).max(3600).default(30),
    rolloutTimeoutSeconds: z.number().int().min(5).max(3600).default(180),
    allowSkipFrom: z.array(z.string()).default([]),
    helm: z
      .object({
        release: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/),
        chart: z.string().min(1),
        valuesFiles: z.array(z.string().min(1)).default([]),
      })
      .optional(),
    approval: z
      .object({
        required: z.number().int().min(1).max(10).default(1),
        approvers: z
          .array(z.string().regex(/^(user|group):[^:/\s]+\/[^:/\s]+$/))
          .min(1),
        allowRequester: z.boolean().default(false),
        validForSeconds: z
          .number()
          .int()
          .min(60)
          .max(30 * 86400)
          .default(86400),
      })
      .optional(),
    window: windowSchema.optional(),
  })
  .refine(s => s.strategy !== 'helm' || s.helm, {
    message: 'strategy "helm" needs a helm block (release, chart)',
  });

const schema = z.object({
  leaseSeconds: z.number().int().min(5).max(600).default(30),
  gateWindowSeconds: z.number().int().min(60).max(86400).default(600),
  minRequests: z.number().int().min(1).default(100),
  helmPath: z.string().min(1).default('helm'),
  requiredChecklistItems: z
    .array(z.string())
    .default([
      'pods-ready',
      'resources-created',
      'resource-limits',
      'non-root',
    ]),
  servicePrincipalStages: z.array(z.string()).default([]),
  serviceDeployRecordStages: z.array(z.string()).default([]),
  stages: z.record(z.string(), stageSchema).default({}),
});

export const DEFAULT_STAGE_SETTINGS: StagePromotionSettings = {
  strategy: 'image',
  soakSeconds: 30,
  rolloutTimeoutSeconds: 180,
  allowSkipFrom: [],
};

/** Reads `environments.promotion`; a bad value stops start-up with every problem named. */
export function readPromotionSettings(config: Config): PromotionSettings {
  const parsed = schema.safeParse(
    config.getOptional('environments.promotion') ?? {},
  );
  if (!parsed.success) {
    throw new Error(
      `Invalid environments.promotion config: ${parsed.error.issues
        .map(i => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}

export function stageSettings(
  settings: PromotionSettings,
  stage: string,
): StagePromotionSettings {
  return settings.stages[stage] ?? DEFAULT_STAGE_SETTINGS;
}
