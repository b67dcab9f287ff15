import {
  imageVersion,
  PromotionDiffEntry,
} from '@envportal/plugin-environments-common';
import { HIDDEN_VALUE_PREFIX, WorkloadSnapshot } from './workload';

/** How a config value is shown: hidden values (env) only say that they are set. */
function shown(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.startsWith(HIDDEN_VALUE_PREFIX) ? '(set; value hidden)' : value;
}

/**
 * What promoting changes in the target: image, version, config; replicas shown, never promoted.
 * `configPromoted: false` (the `image` strategy, which sets only the image) leaves configuration out:
 * the target keeps its own, so listing the source's would claim a change that does not happen.
 */
export function diffWorkloads(
  source: WorkloadSnapshot,
  target: WorkloadSnapshot | undefined,
  options: { configPromoted: boolean } = { configPromoted: true },
): PromotionDiffEntry[] {
  const diff: PromotionDiffEntry[] = [];
  if (target?.image !== source.exactImage) {
    diff.push({ field: 'image', from: target?.image, to: source.exactImage });
  }
  const fromVersion = imageVersion(target?.image);
  const toVersion = imageVersion(source.exactImage);
  if (fromVersion !== toVersion) {
    diff.push({ field: 'version', from: fromVersion, to: toVersion });
  }
  if (target?.desiredReplicas !== source.desiredReplicas) {
    // Replicas are not promoted: each stage keeps its own scale; shown so the difference is visible.
    diff.push({
      field: 'replicas',
      from: target ? String(target.desiredReplicas) : undefined,
      to: `${source.desiredReplicas} in source (target keeps its own)`,
    });
  }
  if (!options.configPromoted) return diff;
  const keys = new Set([
    ...Object.keys(source.config),
    ...Object.keys(target?.config ?? {}),
  ]);
  for (const key of [...keys].sort()) {
    const from = target?.config[key];
    const to = source.config[key];
    if (from === to) continue;
    const bothHidden =
      from?.startsWith(HIDDEN_VALUE_PREFIX) &&
      to?.startsWith(HIDDEN_VALUE_PREFIX);
    diff.push({
      field: `config.${key}`,
      from: shown(from),
      to: bothHidden ? '(changed; value hidden)' : shown(to),
    });
  }
  return diff;
}
