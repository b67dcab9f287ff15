import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseImageRef } from './imageRef';
import { StagePromotionSettings } from './settings';

export type StrategyTarget = {
  kubeConfig: KubeConfig;
  namespace: string;
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
  /** Rolls `image` out to the target; `cause` lands in kubernetes.io/change-cause / the helm description. */
  apply(
    target: StrategyTarget,
    image: string,
    cause: string,
  ): Promise<ApplyResult>;
}

const FIELD_MANAGER = 'backstage-environments';

/** Patches the Deployment's container image and records why in kubernetes.io/change-cause. */
export function createImageStrategy(): PromotionStrategy {
  return {
    name: 'image',
    async apply(target, image, cause) {
      const client = KubernetesObjectApi.makeApiClient(target.kubeConfig);
      await client.patch(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: {
            name: target.deploymentName,
            namespace: target.namespace,
            annotations: { 'kubernetes.io/change-cause': cause.slice(0, 1000) },
          },
          spec: {
            template: {
              spec: { containers: [{ name: target.container, image }] },
            },
          },
        } as any,
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

/** Writes the cluster's client config to a private temporary file for the helm child process. */
async function withKubeconfigFile<T>(
  kubeConfig: KubeConfig,
  fn: (file: string) => Promise<T>,
): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'envportal-helm-'));
  const file = path.join(dir, 'kubeconfig');
  try {
    await fs.writeFile(file, kubeConfig.exportConfig(), { mode: 0o600 });
    return await fn(file);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Runs helm with an argument array (no shell); returns the last lines of its output on failure. */
export function runHelm(
  helmPath: string,
  args: string[],
  env: Record<string, string>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(helmPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.tmpdir(),
        HELM_CACHE_HOME:
          process.env.HELM_CACHE_HOME ??
          path.join(os.tmpdir(), 'envportal-helm-cache'),
        HELM_CONFIG_HOME:
          process.env.HELM_CONFIG_HOME ??
          path.join(os.tmpdir(), 'envportal-helm-config'),
        HELM_DATA_HOME:
          process.env.HELM_DATA_HOME ??
          path.join(os.tmpdir(), 'envportal-helm-data'),
        ...env,
      },
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', code => {
      if (code === 0) resolve();
      else {
        const tail = output.trim().split('\n').slice(-5).join(' | ');
        reject(new Error(`helm ${args[0]} exited ${code}: ${tail}`));
      }
    });
  });
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
        target.namespace,
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
      const finished = withKubeconfigFile(target.kubeConfig, file =>
        runHelm(options.helmPath, args, { KUBECONFIG: file }),
      );
      // The caller watches progress while helm runs; an unhandled rejection is avoided here.
      finished.catch(() => undefined);
      return { finished };
    },
  };
}
