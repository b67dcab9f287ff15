import { InputError } from '@backstage/errors';
import type { StoredPromotion } from '../../database/PromotionStore';

/**
 * The image a manual rollback returns a stage to: the one that ran before the successful promotion
 * that put the running image there. Refused when no recorded promotion put it there, when it was the
 * stage's first version, and when that image was itself rolled back from before (so a second
 * rollback never re-applies a bad image).
 *
 * `history` is the stage's finished promotions and rollbacks, newest first.
 */
export function rollbackTarget(
  history: StoredPromotion[],
  runningImage: string,
  where: string,
): string {
  const rolledBackFrom = new Set<string>();
  for (const change of history) {
    if (change.kind === 'rollback' && change.state === 'succeeded') {
      if (change.imageBefore) rolledBackFrom.add(change.imageBefore);
    } else if (change.kind === 'promotion' && change.state === 'rolled-back') {
      rolledBackFrom.add(change.imageAfter);
    }
  }
  const putThere = history.find(
    change =>
      change.kind === 'promotion' &&
      change.state === 'succeeded' &&
      change.imageAfter === runningImage,
  );
  if (!putThere) {
    throw new InputError(
      `No recorded promotion put ${runningImage} into ${where}, so there is no earlier version to roll back to`,
    );
  }
  const previous = putThere.imageBefore;
  if (!previous || previous === runningImage) {
    throw new InputError(
      `${runningImage} was the first version recorded in ${where}; there is nothing earlier to roll back to`,
    );
  }
  if (rolledBackFrom.has(previous)) {
    throw new InputError(
      `The version before ${runningImage} in ${where} is ${previous}, which was rolled back from earlier; a rollback does not apply it again`,
    );
  }
  return previous;
}
