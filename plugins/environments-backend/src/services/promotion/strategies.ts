import { runHelm, StageConnection } from '@envportal/plugin-environments-node';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  V1Container,
} from '@kubernetes/client-node';
import { parseImageRef } from '@envportal/plugin-environments-common';
import { StagePromotionSettings } from './settings';

/** The part of a Deployment the image strategy changes, as a strategic merge patch. */
type ImagePatch = KubernetesObject & {
  spec: {
    template: {
      spec: { containers: Array<Pick<V1Container, 'name' | 'image'>> };
    };
  };
};

export type StrategyTarget = {
  /** The target stage's promote account. */
  connection: StageConnection;
  deploymentName: string;
  container: string;
};

export type ApplyResult = {
  /**
   * Settles when the strategy's own work ends: at once for `image`, when `helm upgrade --atomic --wait`
   * exits for `helm`. Rejects when helm failed (it has then rolled the release back itself).
   */
  finished: Promise<void>;
};

export interface PromotionStrategy {
  readonly name: 'image' | 'helm';
  /**
   * Rolls `image` out to the target; `cause` lands in kubernetes.io/change-cause / the helm
   * description. A helm process is never stopped halfway (that would leave the release pending):
   * a replica that loses the promotion lets it finish, and the new owner watches the result.
   */
  apply(
    target: StrategyTarget,
    image: string,
    cause: string,
  ): Promise<ApplyResult>;
  /**
   * Called before a run resumes a promotion that another run started, so nothing that run's own
   * process left half done stays so. `undone`: it undid a change left halfway (the target is back to
   * its last completed state); `idle`: no change of the strategy is under way on the target.
   */
  settleInterrupted?(
    target: StrategyTarget,
    signal: AbortSignal,
  ): Promise<'undone' | 'idle'>;
}

/**
 * How long after a helm upgrade started its process may still run: its wait, then --atomic's
 * rollback with its own wait, plus this margin for the process to exit and for clocks that differ.
 */
const HELM_EXIT_MARGIN_MS = 15_000;
const HELM_STATUS_POLL_MS = 5_000;

/** A revision as `helm history -o json` lists it. */
type HelmRevision = { revision: number; status: string; updated: string };

const FIELD_MANAGER = 'backstage-environments';

/** Patches the Deployment's container image and records why in kubernetes.io/change-cause. */
export function createImageStrategy(
  options: {
    /** The API client of an account (tests); default: the Kubernetes client's own. */
    apiClient?: (kubeConfig: KubeConfig) => Pick<KubernetesObjectApi, 'patch'>;
  } = {},
): PromotionStrategy {
  const apiClient =
    options.apiClient ??
    ((kubeConfig: KubeConfig) => KubernetesObjectApi.makeApiClient(kubeConfig));
  return {
    name: 'image',
    async apply(target, image, cause) {
      const client = apiClient(target.connection.kubeConfig);
      const patch: ImagePatch = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: target.deploymentName,
          namespace: target.connection.namespace,
          annotations: { 'kubernetes.io/change-cause': cause.slice(0, 1000) },
        },
        spec: {
          template: {
            spec: { containers: [{ name: target.container, image }] },
          },
        },
      };
      await client.patch(
        patch,
        undefined,
        undefined,
        FIELD_MANAGER,
        undefined,
        PatchStrategy.StrategicMergePatch,
      );
      return { finished: Promise.resolve() };
    },
  };
}

/** `helm upgrade` of the stage's release with its values files and the new image, atomic and waiting. */
export function createHelmStrategy(options: {
  helmPath: string;
  settings: StagePromotionSettings;
}): PromotionStrategy {
  const helm = options.settings.helm;
  if (!helm) throw new Error('helm strategy without helm settings');
  return {
    name: 'helm',
    async apply(target, image, cause) {
      const ref = parseImageRef(image);
      const args = [
        'upgrade',
        helm.release,
        helm.chart,
        '--namespace',
        target.connection.namespace,
        '--reuse-values=false',
        ...helm.valuesFiles.flatMap(f => ['--values', f]),
        '--set-string',
        `image.repository=${ref.repository}`,
        '--set-string',
        `image.tag=${ref.tag ?? ''}`,
        '--set-string',
        `image.digest=${ref.digest ?? ''}`,
        '--atomic',
        '--wait',
        '--timeout',
        `${options.settings.rolloutTimeoutSeconds}s`,
        '--description',
        cause.slice(0, 500),
      ];
      const finished = runHelm({
        args,
        connection: target.connection,
        helmPath: options.helmPath,
      }).then(() => undefined);
      // The caller watches progress while helm runs; an unhandled rejection is avoided here.
      finished.catch(() => undefined);
      return { finished };
    },

    /**
     * A helm process killed halfway (its replica stopped; a container's processes end with it)
     * leaves the release `pending-*`, and helm then refuses every later upgrade of it. Once that
     * process can no longer be running (its upgrade, then --atomic's rollback, each within the
     * timeout), the release is rolled back to its last revision that was deployed.
     */
    async settleInterrupted(target, signal) {
      const timeoutMs = options.settings.rolloutTimeoutSeconds * 1000;
      const namespace = target.connection.namespace;
      const latest = async () => {
        const { stdout } = await runHelm({
          args: [
            'history',
            helm.release,
            '--namespace',
            namespace,
            '--output',
            'json',
            '--max',
            '20',
          ],
          connection: target.connection,
          helmPath: options.helmPath,
          captureStdout: true,
          signal,
        });
        const revisions = (JSON.parse(stdout) as HelmRevision[]).sort(
          (a, b) => a.revision - b.revision,
        );
        return { revisions, last: revisions[revisions.length - 1] };
      };
      let history = await latest();
      if (!history.last?.status.startsWith('pending-')) return 'idle';
      // A start time helm did not record is taken as now: the longest wait, never none.
      const startedAt = Date.parse(history.last.updated);
      const mayRunUntil =
        (Number.isNaN(startedAt) ? Date.now() : startedAt) +
        2 * timeoutMs +
        HELM_EXIT_MARGIN_MS;
      while (Date.now() < mayRunUntil) {
        await sleep(
          Math.min(HELM_STATUS_POLL_MS, mayRunUntil - Date.now()),
          undefined,
          { signal },
        );
        history = await latest();
        if (!history.last?.status.startsWith('pending-')) return 'idle';
      }
      const deployed = history.revisions
        .filter(
          r =>
            r.revision < history.last.revision &&
            (r.status === 'deployed' || r.status === 'superseded'),
        )
        .pop();
      if (!deployed) {
        throw new Error(
          `helm release ${helm.release} is ${history.last.status} with no earlier deployed revision to return to`,
        );
      }
      await runHelm({
        args: [
          'rollback',
          helm.release,
          String(deployed.revision),
          '--namespace',
          namespace,
          '--wait',
          '--timeout',
          `${options.settings.rolloutTimeoutSeconds}s`,
        ],
        connection: target.connection,
        helmPath: options.helmPath,
        // Not stopped halfway, which would leave the release pending again.
      });
      return 'undone';
    },
  };
}
