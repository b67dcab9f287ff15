import {
  PromotionPreview,
  StageStatus,
} from '@envportal/plugin-environments-common';
import { displayVersion } from '../StageCard/stageSummary';

/**
 * Why promoting `from` into `to` cannot start, in words, or undefined when it can. Cheap checks on
 * the status come first; the backend's preview (permission and policy) decides the rest.
 */
export function promoteBlockReason(
  from: StageStatus,
  to: StageStatus,
  preview?: PromotionPreview,
): string | undefined {
  const source = from.workload;
  if (!source) return `Nothing runs in ${from.stage} to promote.`;
  if (from.state === 'error') {
    return `${from.stage} cannot be read right now, so what runs there is not certain.`;
  }
  if (to.workload && sameArtifact(source, to.workload)) {
    return `${to.stage} already runs ${displayVersion(to)}.`;
  }
  if (preview && !preview.allowed) {
    return (
      preview.blockedReason ?? `You are not allowed to promote to ${to.stage}.`
    );
  }
  return undefined;
}

function sameArtifact(
  a: { image: string; imageDigest?: string },
  b: { image: string; imageDigest?: string },
): boolean {
  if (a.imageDigest && b.imageDigest) return a.imageDigest === b.imageDigest;
  return a.image === b.image;
}

/**
 * What the user should know before promoting that does not forbid it: the gates in the preview judge
 * it, and a release manager may override them.
 */
export function promoteCaution(from: StageStatus): string | undefined {
  const rollout = from.workload?.rollout;
  if (!rollout || rollout.state === 'complete') return undefined;
  return rollout.state === 'failed'
    ? `The rollout of ${displayVersion(from)} in ${from.stage} failed.`
    : `${from.stage} has not finished rolling out ${displayVersion(from)}.`;
}
