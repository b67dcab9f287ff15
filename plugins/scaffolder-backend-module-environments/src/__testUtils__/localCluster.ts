/* eslint-disable jest/no-export */
/*
 * Test helper: connects tests to the repo's local cluster (scripts/local-cluster: real kube-apiserver,
 * controller-manager and scheduler with kwok nodes). The actions authenticate the way they do in the
 * portal: with its per-purpose service account tokens and the cluster CA from its config.
 */
import { ConfigReader } from '@backstage/config';
import { describeWhenAvailable } from '@envportal/test-utils';
import type { JsonObject } from '@backstage/types';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import yaml from 'yaml';

// Tests run from source, so the file's own directory is the checkout's.
// eslint-disable-next-line no-restricted-syntax
export const REPO_ROOT = findRepoRoot(__dirname);
// The repo's pinned helm and kubectl, also when the test runner was not started from its scripts.
process.env.ENVPORTAL_BIN ??= join(
  process.env.HOME ?? '/root',
  '.cache/envportal/bin',
);

function findRepoRoot(start: string): string {
  for (let dir = start; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'scripts', 'local-cluster'))) return dir;
  }
  throw new Error(`repository root not found above ${start}`);
}

/** The admin kubeconfig of the running local cluster, or undefined when none runs. */
export function localClusterKubeconfig(): string | undefined {
  try {
    const env = execFileSync(
      join(REPO_ROOT, 'scripts', 'local-cluster'),
      ['env'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const path = /^export KUBECONFIG=(.+)$/m.exec(env)?.[1];
    return path && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** `describe` for suites that need the local cluster: they fail without one under CI. */
export function describeWithCluster(name: string, fn: () => void) {
  describeWhenAvailable(
    name,
    {
      available: localClusterKubeconfig() !== undefined,
      needs: 'the local cluster (scripts/local-cluster up)',
    },
    fn,
  );
}

/** Runs kubectl as the cluster admin (test setup and assertions only). */
export function kubectl(args: string[], input?: string): string {
  const kubeconfig = localClusterKubeconfig();
  if (!kubeconfig) throw new Error('no local cluster');
  return execFileSync(kubectlPath(), args, {
    encoding: 'utf8',
    input,
    env: { ...process.env, KUBECONFIG: kubeconfig },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function kubectlPath(): string {
  const bin =
    process.env.ENVPORTAL_BIN ??
    join(process.env.HOME ?? '/root', '.cache/envportal/bin');
  return existsSync(join(bin, 'kubectl')) ? join(bin, 'kubectl') : 'kubectl';
}

/**
 * Config for the actions as the portal gets it: `scripts/portal-k8s-config` creates the per-purpose
 * accounts (read; promote per stage; deploy into dev only) in the local cluster and writes their
 * tokens, so the actions here run with exactly the rights they have in the demo.
 */
export function localClusterConfig(extra: JsonObject = {}): ConfigReader {
  return new ConfigReader(localClusterConfigData(extra));
}

/** The portal's configuration as data; `environments` is always there. */
export type PortalConfigData = JsonObject & { environments: JsonObject };

let portalConfig: JsonObject | undefined;

/** The same configuration as plain data, for mockServices.rootConfig. */
export function localClusterConfigData(
  extra: JsonObject = {},
): PortalConfigData {
  if (!portalConfig) {
    const dir = mkdtempSync(join(tmpdir(), 'envportal-sctest-'));
    try {
      const file = execFileSync(
        join(REPO_ROOT, 'scripts', 'portal-k8s-config'),
        [],
        {
          encoding: 'utf8',
          env: {
            ...process.env,
            PORTAL_CONFIG_OUT: join(dir, 'portal.yaml'),
            // One cluster for every stage, whatever else runs.
            PORTAL_PROD_CLUSTER: 'none',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      ).trim();
      portalConfig = yaml.parse(readFileSync(file, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const base = structuredClone(portalConfig!);
  return {
    ...base,
    ...extra,
    environments: {
      ...(base.environments as JsonObject),
      ...((extra.environments as JsonObject | undefined) ?? {}),
    },
  };
}

/** Deletes a Helm release's objects with the admin credentials (cleanup between tests). */
export function uninstallRelease(name: string, namespace: string) {
  const kubeconfig = localClusterKubeconfig();
  if (!kubeconfig) return;
  const bin =
    process.env.ENVPORTAL_BIN ??
    join(process.env.HOME ?? '/root', '.cache/envportal/bin');
  try {
    execFileSync(
      join(bin, 'helm'),
      ['uninstall', name, '-n', namespace, '--wait', '--timeout', '60s'],
      {
        env: { ...process.env, KUBECONFIG: kubeconfig },
        stdio: 'ignore',
      },
    );
  } catch {
    // not installed: nothing to clean
  }
}
