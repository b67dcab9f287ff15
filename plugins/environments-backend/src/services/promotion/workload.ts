import {
  currentReplicaSet,
  deploymentRollout,
  DeploymentRollout,
  Wire,
} from '@envportal/plugin-environments-node';
import type { V1Container } from '@kubernetes/client-node';
import { createHash, randomBytes } from 'node:crypto';
import type { StoredConfig } from '../../database/PromotionStore';
import type { CachedObject, NamespaceCache } from '../cache';

type Deployment = CachedObject<'Deployment'>;
type Pod = CachedObject<'Pod'>;
import { matcherFromLabelSelector, WorkloadSelector } from '../entities';
import { exactImage } from '@envportal/plugin-environments-common';

/** What promotion needs to know about an entity's Deployment in one stage, read from the cache. */
export type WorkloadSnapshot = {
  name: string;
  container: string;
  /** The image as written in the pod template. */
  image: string;
  /** The image with the digest a running pod reports, when one does; else `image`. */
  exactImage: string;
  desiredReplicas: number;
  /**
   * What "config" means here: `checksum/` pod template annotations, env, envFrom, resources, command
   * and args, and the ConfigMaps and Secrets mounted into the container (by name). Literal env
   * values, command and args are kept only as fingerprints, so they can be compared but never shown.
   */
  config: Record<string, string>;
  revision?: string;
  maxRestarts: number;
  deployment: Deployment;
};

/** Prefix of a config value that is a fingerprint of a hidden value (an env value). */
export const HIDDEN_VALUE_PREFIX = 'hidden:';

function fingerprint(value: string, salt = ''): string {
  return `${HIDDEN_VALUE_PREFIX}${createHash('sha256')
    .update(salt ? `${salt}\0${value}` : value)
    .digest('hex')}`;
}

/** Where a `valueFrom` env takes its value, by name (which Secret or ConfigMap and key, never the value). */
function referenceOf(
  env: NonNullable<Wire<V1Container>['env']>[number],
): string {
  const from = env.valueFrom;
  if (from?.secretKeyRef)
    return `(from Secret ${from.secretKeyRef.name ?? '?'} key ${
      from.secretKeyRef.key
    })`;
  if (from?.configMapKeyRef)
    return `(from ConfigMap ${from.configMapKeyRef.name ?? '?'} key ${
      from.configMapKeyRef.key
    })`;
  if (from?.fieldRef) return `(from field ${from.fieldRef.fieldPath})`;
  if (from?.resourceFieldRef)
    return `(from resource ${from.resourceFieldRef.resource})`;
  return '(from reference)';
}

/** The entity's Deployments in a namespace: the one named like its kubernetes-id first. */
export function matchingDeployments(
  cache: NamespaceCache,
  selector: WorkloadSelector,
): Deployment[] {
  const deployments = cache
    .list('Deployment')
    .filter(d => selector.matches(d.metadata?.labels));
  return [
    ...deployments.filter(d => d.metadata?.name === selector.id),
    ...deployments.filter(d => d.metadata?.name !== selector.id),
  ];
}

export function podsOf(cache: NamespaceCache, deployment: Deployment): Pod[] {
  const matches = matcherFromLabelSelector(deployment.spec?.selector);
  return cache
    .list('Pod')
    .filter(p => !p.metadata?.deletionTimestamp && matches(p.metadata?.labels));
}

/**
 * The ConfigMaps and Secrets mounted into the container, by mount path: their names, never their
 * contents (a chart's `checksum/` annotation is what tells a content change).
 */
function mountedSources(
  deployment: Deployment,
  container: Wire<V1Container>,
): Record<string, string> {
  const volumes = new Map(
    (deployment.spec?.template?.spec?.volumes ?? []).map(v => [v.name, v]),
  );
  const mounted: Record<string, string> = {};
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    const projected = volume?.projected?.sources ?? [];
    const sources = [
      volume?.configMap && `ConfigMap ${volume.configMap.name ?? '?'}`,
      volume?.secret && `Secret ${volume.secret.secretName ?? '?'}`,
      ...projected.map(
        p => p.configMap && `ConfigMap ${p.configMap.name ?? '?'}`,
      ),
      ...projected.map(p => p.secret && `Secret ${p.secret.name ?? '?'}`),
    ].filter((source): source is string => Boolean(source));
    if (sources.length)
      mounted[
        `mount ${mount.mountPath}${mount.subPath ? `/${mount.subPath}` : ''}`
      ] = sources.join(', ');
  }
  return mounted;
}

function configOf(
  deployment: Deployment,
  container: Wire<V1Container>,
  salt?: string,
) {
  const config: Record<string, string> = {};
  const annotations = deployment.spec?.template?.metadata?.annotations ?? {};
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith('checksum/')) config[`annotation ${key}`] = value;
  }
  for (const env of container.env ?? []) {
    // Literal values may be secrets: only a fingerprint is kept; references are named, never read.
    config[`env ${env.name}`] =
      env.value !== undefined ? fingerprint(env.value, salt) : referenceOf(env);
  }
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef?.name ?? from.secretRef?.name;
    if (ref)
      config[`envFrom ${ref}`] = `${
        from.configMapRef ? 'ConfigMap' : 'Secret'
      }${from.prefix ? ` prefix ${from.prefix}` : ''}`;
  }
  // Arguments may carry credentials, like env values.
  if (container.command?.length)
    config.command = fingerprint(JSON.stringify(container.command), salt);
  if (container.args?.length)
    config.args = fingerprint(JSON.stringify(container.args), salt);
  Object.assign(config, mountedSources(deployment, container));
  const resources = container.resources ?? {};
  for (const section of ['requests', 'limits'] as const) {
    for (const [key, value] of Object.entries(resources[section] ?? {})) {
      config[`resources.${section}.${key}`] = String(value);
    }
  }
  return config;
}

/**
 * A configuration kept after a promotion, for drift. Env values, command and args are fingerprinted
 * with a random salt of the record's own, so the stored digests cannot be looked up in precomputed
 * tables.
 */
export type ConfigRecord = StoredConfig;

/**
 * What each scope of record added, in order; a record of scope n covers the first n. Scope 1 (no
 * scope written) is the first releases', then command, args and mounts, then the ConfigMaps' contents.
 */
const SCOPE_ENTRIES: readonly RegExp[] = [
  /^(annotation |env |envFrom |resources\.)/,
  /^(command$|args$|mount )/,
  /^configMap /,
];
/** What records cover now. */
const CONFIG_SCOPE = SCOPE_ENTRIES.length;
/** What a record covers when the stage's ConfigMaps could not be read. */
const WITHOUT_CONFIG_MAPS = CONFIG_SCOPE - 1;

/**
 * The fingerprint of a ConfigMap's contents in the stage (the cache's `contentHash`), or undefined
 * when it is not there.
 */
export type ConfigMapContents = (name: string) => string | undefined;

/**
 * The ConfigMaps' contents as the namespace's cache has them; undefined while its ConfigMap watch is
 * not synced, so that ConfigMaps are left out rather than recorded or compared as absent.
 */
export function configMapContentsIn(
  cache: NamespaceCache,
): ConfigMapContents | undefined {
  if (!cache.has('ConfigMap')) return undefined;
  return name => cache.get('ConfigMap', name)?.contentHash;
}

/** The names of the ConfigMaps the container reads: env references, envFrom and mounted volumes. */
function configMapsReadBy(
  deployment: Deployment,
  container: Wire<V1Container>,
): string[] {
  const mounted = new Set((container.volumeMounts ?? []).map(m => m.name));
  const volumes = (deployment.spec?.template?.spec?.volumes ?? []).filter(v =>
    mounted.has(v.name),
  );
  const names = [
    ...(container.env ?? []).map(e => e.valueFrom?.configMapKeyRef?.name),
    ...(container.envFrom ?? []).map(e => e.configMapRef?.name),
    ...volumes.map(v => v.configMap?.name),
    ...volumes.flatMap(v =>
      (v.projected?.sources ?? []).map(p => p.configMap?.name),
    ),
  ];
  return [...new Set(names.filter((n): n is string => Boolean(n)))];
}

/** Whether any container of the Deployment (init containers included) reads the ConfigMap. */
export function readsConfigMap(deployment: Deployment, name: string): boolean {
  const spec = deployment.spec?.template?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].some(
    c => configMapsReadBy(deployment, c).includes(name),
  );
}

/**
 * The container's configuration as a drift record keeps it: what promotion compares, plus a salted
 * fingerprint of the contents of every ConfigMap it reads (when `configMaps` can say); undefined
 * when the container is not there.
 */
export function workloadConfig(
  deployment: Deployment,
  containerName: string,
  salt: string,
  configMaps: ConfigMapContents | undefined,
): Record<string, string> | undefined {
  const container = deployment.spec?.template?.spec?.containers?.find(
    c => c.name === containerName,
  );
  if (!container) return undefined;
  const config = configOf(deployment, container, salt);
  if (configMaps) {
    for (const name of configMapsReadBy(deployment, container)) {
      const contents = configMaps(name);
      config[`configMap ${name}`] = contents
        ? fingerprint(contents, salt)
        : 'absent';
    }
  }
  return config;
}

/** A new record of the container's configuration, with a salt of its own. */
export function configRecord(
  deployment: Deployment,
  containerName: string,
  configMaps: ConfigMapContents | undefined,
): ConfigRecord | undefined {
  const salt = randomBytes(16).toString('hex');
  const entries = workloadConfig(deployment, containerName, salt, configMaps);
  return (
    entries && {
      salt,
      entries,
      scope: configMaps ? CONFIG_SCOPE : WITHOUT_CONFIG_MAPS,
    }
  );
}

/**
 * The entries a record and a stage's configuration are compared on: those the record's scope
 * covered and this release knows (a record from a newer release may hold more), and not the
 * ConfigMaps when the stage's cannot be read now; so nothing is flagged that one side never looked at.
 */
export function comparedEntries(
  record: ConfigRecord,
  entries: Record<string, string>,
  configMapsKnown: boolean,
): Record<string, string> {
  const scope = Math.min(
    record.scope ?? 1,
    configMapsKnown ? CONFIG_SCOPE : WITHOUT_CONFIG_MAPS,
  );
  const covered = SCOPE_ENTRIES.slice(0, scope);
  return Object.fromEntries(
    Object.entries(entries).filter(([key]) => covered.some(c => c.test(key))),
  );
}

/** A snapshot of one Deployment: its container to promote, the digest its pods run, its config. */
export function snapshotOf(
  cache: NamespaceCache,
  deployment: Deployment,
  containerName?: string,
): WorkloadSnapshot | undefined {
  const containers = deployment.spec?.template?.spec?.containers ?? [];
  const container =
    containers.find(c => c.name === containerName) ??
    (containerName ? undefined : containers[0]);
  if (!container?.image || !deployment.metadata?.name) return undefined;
  const pods = podsOf(cache, deployment);
  // The digest comes from a pod running exactly the template's image.
  const reported = pods
    .flatMap(p => p.status?.containerStatuses ?? [])
    .find(
      s =>
        s.name === container.name && s.image === container.image && s.imageID,
    );
  return {
    name: deployment.metadata.name,
    container: container.name,
    image: container.image,
    exactImage: exactImage(container.image, reported?.imageID),
    desiredReplicas: deployment.spec?.replicas ?? 1,
    config: configOf(deployment, container),
    revision:
      deployment.metadata.annotations?.['deployment.kubernetes.io/revision'],
    maxRestarts: Math.max(
      0,
      ...pods.flatMap(p =>
        (p.status?.containerStatuses ?? []).map(s => s.restartCount ?? 0),
      ),
    ),
    deployment,
  };
}

/**
 * Rollout state of a promotion's target, read from the cache: the shared rule, with the current
 * ReplicaSet and the image the promotion (or its rollback) must reach.
 */
export function rolloutProgress(
  cache: NamespaceCache,
  deployment: Deployment,
  expectedImage: string,
  containerName: string,
): DeploymentRollout {
  return deploymentRollout(deployment, {
    currentReplicaSet: currentReplicaSet(deployment, cache.list('ReplicaSet')),
    expect: { container: containerName, image: expectedImage },
  });
}
