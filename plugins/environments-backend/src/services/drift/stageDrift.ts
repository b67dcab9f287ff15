import {
  parseImageRef,
  StageDrift,
} from '@envportal/plugin-environments-common';
import type { LastChange } from '../../database/PromotionStore';
import type { CachedObject } from '../cache';
import {
  comparedEntries,
  ConfigMapContents,
  workloadConfig,
} from '../promotion/workload';

export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

/**
 * Whether two image references name the same image: equal strings, or the same repository with the
 * same digest, or (neither pinned by digest) the same tag. A tag against a digest cannot be decided
 * from the references alone.
 */
export function sameImage(
  expected: string,
  actual: string,
): boolean | undefined {
  if (expected === actual) return true;
  const a = parseImageRef(expected);
  const b = parseImageRef(actual);
  if (a.repository !== b.repository) return false;
  if (a.digest && b.digest) return a.digest === b.digest;
  if (a.digest || b.digest) return undefined;
  return a.tag === b.tag;
}

/** The configuration entries whose values differ between two records, by name, sorted. */
export function configChanges(
  expected: Record<string, string>,
  actual: Record<string, string>,
): string[] {
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...keys].filter(k => expected[k] !== actual[k]).sort();
}

function describeConfigChanges(changes: string[], kind: string): string {
  const named = changes.slice(0, 5).join(', ');
  const more = changes.length > 5 ? ` and ${changes.length - 5} more` : '';
  const since = kind === 'deploy' ? 'the recorded deploy' : 'the promotion';
  return `configuration changed since ${since}: ${named}${more}`;
}

/**
 * A stage's drift from the cache: the image its Deployment's container runs now against the one its
 * last successful promotion or rollback set (or its last recorded deploy found, if later), and its
 * configuration (the ConfigMaps it reads included) against the one that change left (when it was
 * recorded).
 */
export function stageDrift(
  stage: string,
  expected: LastChange | undefined,
  deployment: CachedObject<'Deployment'> | undefined,
  configMaps: ConfigMapContents | undefined,
): StageDrift {
  if (!expected) {
    return {
      stage,
      state: 'no-record',
      reason:
        'nothing was promoted into this stage through the portal, nor a deploy recorded',
    };
  }
  const base: StageDrift = {
    stage,
    state: 'unknown',
    changeKind: expected.kind,
    expectedImage: expected.image,
    promotedAt: expected.finishedAt,
    promotedBy: expected.requestedBy,
  };
  if (!deployment) {
    return {
      ...base,
      state: 'drifted',
      reason: `Deployment ${expected.deployment} is gone`,
    };
  }
  const changeCause =
    deployment.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION];
  const container = deployment.spec?.template?.spec?.containers?.find(
    c => c.name === expected.container,
  );
  if (!container?.image) {
    return {
      ...base,
      state: 'drifted',
      changeCause,
      reason: `container ${expected.container} is gone from ${expected.deployment}`,
    };
  }
  const record = expected.config;
  const known = configMaps !== undefined;
  const changed = record
    ? configChanges(
        comparedEntries(record, record.entries, known),
        comparedEntries(
          record,
          workloadConfig(
            deployment,
            expected.container,
            record.salt,
            configMaps,
          ) ?? {},
          known,
        ),
      )
    : [];
  const config =
    changed.length > 0
      ? {
          configChanges: changed,
          reason: describeConfigChanges(changed, expected.kind),
        }
      : {};
  const same = sameImage(expected.image, container.image);
  if (same === undefined && changed.length === 0) {
    return {
      ...base,
      actualImage: container.image,
      changeCause,
      reason: 'a tag and a digest cannot be compared without the registry',
    };
  }
  return {
    ...base,
    actualImage: container.image,
    changeCause,
    ...config,
    state: same && changed.length === 0 ? 'in-sync' : 'drifted',
  };
}

type ManagedField = {
  manager?: string;
  operation?: string;
  time?: string;
  fieldsV1?: Record<string, unknown>;
};

/** The manager that last wrote the fields `owns` picks out, from the object's managed fields. */
function lastWriter(
  managedFields: ManagedField[] | undefined,
  owns: (fields: Record<string, unknown>) => boolean,
): StageDrift['changedBy'] {
  const writers = (managedFields ?? [])
    .filter(f => f.fieldsV1 && owns(f.fieldsV1) && f.manager)
    .sort((x, y) => (x.time ?? '').localeCompare(y.time ?? ''));
  const last = writers[writers.length - 1];
  return last
    ? { manager: last.manager!, operation: last.operation, at: last.time }
    : undefined;
}

/**
 * The last writer of the Deployment's pod template, from its managed fields (as the API server
 * records them per field manager: kubectl, helm, a controller, the portal).
 */
export function templateWriter(
  managedFields: ManagedField[] | undefined,
): StageDrift['changedBy'] {
  return lastWriter(managedFields, fields =>
    Boolean((fields['f:spec'] as Record<string, unknown>)?.['f:template']),
  );
}

/** The last writer of a ConfigMap's contents. */
export function configMapWriter(
  managedFields: ManagedField[] | undefined,
): StageDrift['changedBy'] {
  return lastWriter(managedFields, fields =>
    Boolean(fields['f:data'] || fields['f:binaryData']),
  );
}

const CONFIG_MAP_ENTRY = 'configMap ';

/**
 * The ConfigMap whose writer to name when a drift is in the ConfigMaps a container reads and in
 * nothing else: the Deployment's own last writer did not make that change.
 */
export function driftedConfigMapOnly(drift: StageDrift): string | undefined {
  const changes = drift.configChanges ?? [];
  const imageKept =
    drift.expectedImage !== undefined &&
    drift.actualImage !== undefined &&
    sameImage(drift.expectedImage, drift.actualImage) === true;
  if (!imageKept || changes.length === 0) return undefined;
  if (!changes.every(c => c.startsWith(CONFIG_MAP_ENTRY))) return undefined;
  return changes[0].slice(CONFIG_MAP_ENTRY.length);
}
