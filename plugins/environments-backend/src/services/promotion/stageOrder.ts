import { InputError } from '@backstage/errors';
import { stageSettings } from './settings';
import { PromotionServiceDeps } from './types';

/** Refuses a stage the config does not name (a rollback's, a recorded deploy's). */
export function checkKnownStage(deps: PromotionServiceDeps, stage: string) {
  if (!deps.environments.stages.some(s => s.name === stage)) {
    throw new InputError(`Unknown stage "${stage}"`);
  }
}

/** Checks the order of stages: forward only, to the next stage unless config allows the skip. */
export function checkStageOrder(
  deps: PromotionServiceDeps,
  from: string,
  to: string,
) {
  const names = deps.environments.stages.map(s => s.name);
  const fromIndex = names.indexOf(from);
  const toIndex = names.indexOf(to);
  if (fromIndex < 0) throw new InputError(`Unknown stage "${from}"`);
  if (toIndex < 0) throw new InputError(`Unknown stage "${to}"`);
  if (toIndex <= fromIndex) {
    throw new InputError(
      `Promotion goes forward only (${names.join(
        ' → ',
      )}); going back to an earlier version is a rollback`,
    );
  }
  if (
    toIndex > fromIndex + 1 &&
    !stageSettings(deps.settings, to).allowSkipFrom.includes(from)
  ) {
    throw new InputError(
      `Promotion from ${from} must go to ${
        names[fromIndex + 1]
      }; skipping to ${to} is not allowed by config`,
    );
  }
}

/** The last stage, or one that requires approval, is production. */
export function isProductionStage(deps: PromotionServiceDeps, stage: string) {
  const stages = deps.environments.stages;
  const definition = stages.find(s => s.name === stage);
  return Boolean(
    definition?.requiresApproval || stages[stages.length - 1]?.name === stage,
  );
}
