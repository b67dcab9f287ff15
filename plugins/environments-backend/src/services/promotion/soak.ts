import { ExecutionContext } from './execution';
import { stageSettings } from './settings';
import { stageGates } from './stageGates';
import { readStageWorkload } from './stageWorkload';
import { PromotionServiceDeps } from './types';

/** How long the cluster may go unread during a soak before the soak counts as not verified. */
const SOAK_STALE_LIMIT_MS = 5000;

/**
 * The soak: until `soakEndsAt` the target must stay fully rolled out on the promoted image, and the
 * cluster must stay readable; then the stage's checklist and metric gates are checked. A gate that
 * fails, or that cannot be read (`unknown`), fails verification; too little traffic
 * (`insufficient-data`) does not, since a fresh stage rarely has enough. Returns the problem, if any.
 */
export async function verifySoak(
  deps: PromotionServiceDeps,
  ctx: ExecutionContext,
  soakEndsAt: number,
  signal: AbortSignal,
): Promise<string | undefined> {
  const { promotion } = ctx;
  const stage = deps.registry.forStage(promotion.to);
  const cache = deps.workloadCache.namespace(
    stage.clusterName,
    stage.namespace,
  );
  /** Whether the target still runs the promoted image, fully ready. */
  const targetProblem = (): string | undefined => {
    const deployment = cache.get('Deployment', promotion.deployment);
    const image = deployment?.spec?.template?.spec?.containers?.find(
      c => c.name === promotion.container,
    )?.image;
    if (!deployment || image !== promotion.imageAfter) {
      return `the Deployment no longer runs ${promotion.imageAfter}`;
    }
    const desired = deployment.spec?.replicas ?? 1;
    const ready = deployment.status?.readyReplicas ?? 0;
    return ready < desired
      ? `only ${ready} of ${desired} pods ready during the soak`
      : undefined;
  };
  let staleSince: number | undefined;
  while (Date.now() < soakEndsAt) {
    await new Promise(r =>
      setTimeout(r, Math.min(1000, Math.max(0, soakEndsAt - Date.now()))),
    );
    if (signal.aborted) return undefined;
    const health = cache.health();
    if (health.stale || !health.synced) {
      staleSince ??= Date.now();
      if (Date.now() - staleSince > SOAK_STALE_LIMIT_MS) {
        return `the cluster could not be read during the soak (${
          health.errors[0] ?? 'watch not running'
        })`;
      }
      continue;
    }
    staleSince = undefined;
    const problem = targetProblem();
    if (problem) return problem;
  }
  // Also when the soak ran out while no replica watched it (taken over after its end): what the
  // stage runs now is checked at least once.
  const health = cache.health();
  if (health.synced && !health.stale) {
    const problem = targetProblem();
    if (problem) return problem;
  }
  if (!ctx.entity || !ctx.selector) {
    return 'the entity could not be read from the catalog, so its gates could not be checked';
  }
  const credentials =
    ctx.credentials ?? (await deps.auth.getOwnServiceCredentials());
  const workload = await readStageWorkload(
    deps,
    ctx.entity,
    promotion.to,
    ctx.selector,
  );
  if (!workload) return 'the Deployment disappeared';
  const gates = await stageGates(
    deps,
    ctx.entity,
    promotion.to,
    ctx.selector,
    workload,
    credentials,
    Math.max(60, stageSettings(deps.settings, promotion.to).soakSeconds),
  );
  const failed = gates.filter(
    g => g.result === 'fail' || g.result === 'unknown',
  );
  return failed.length
    ? failed.map(g => `${g.id}: ${g.result} (${g.detail})`).join('; ')
    : undefined;
}
