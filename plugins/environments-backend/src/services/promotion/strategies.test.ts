import {
  KubeConfig,
  KubernetesObject,
  PatchStrategy,
} from '@kubernetes/client-node';
import { readClusterAccess } from '@envportal/plugin-environments-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strategyFor } from './execution';
import { readPromotionSettings } from './settings';
import { createHelmStrategy, createImageStrategy } from './strategies';
import { PromotionServiceDeps } from './types';
import { testConfig } from './__testUtils__/promotionTestbed';

const IMAGE = 'registry.local/orders:1.2.0';

/** The target as the engine gives it: staging's promote account, the orders Deployment. */
function stagingTarget() {
  return {
    connection: readClusterAccess(testConfig()).forStage('staging', 'promote'),
    deploymentName: 'orders',
    container: 'app',
  };
}

/** A stand-in for the API server: records each patch with the account that sent it. */
function fakeApiServer(refusal?: Error) {
  const patches: Array<{
    body: KubernetesObject;
    token?: string;
    fieldManager?: string;
    patchStrategy?: PatchStrategy;
  }> = [];
  const apiClient = (kubeConfig: KubeConfig) => ({
    async patch<T extends KubernetesObject>(
      body: T,
      _pretty?: string,
      _dryRun?: string,
      fieldManager?: string,
      _force?: boolean,
      patchStrategy?: PatchStrategy,
    ): Promise<T> {
      patches.push({
        body,
        token: kubeConfig.getCurrentUser()?.token,
        fieldManager,
        patchStrategy,
      });
      if (refusal) throw refusal;
      return body;
    },
  });
  return { patches, apiClient };
}

describe('the image strategy', () => {
  it('patches only the container image, as the promote account, and says why in the rollout history', async () => {
    const apiServer = fakeApiServer();
    const strategy = createImageStrategy({ apiClient: apiServer.apiClient });

    const applied = await strategy.apply(
      stagingTarget(),
      IMAGE,
      `promotion p-1 by user:default/alice: dev → staging ${IMAGE}`,
    );
    await expect(applied.finished).resolves.toBeUndefined();

    expect(apiServer.patches).toEqual([
      {
        token: 'staging-promote-token',
        fieldManager: 'backstage-environments',
        patchStrategy: PatchStrategy.StrategicMergePatch,
        body: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: {
            name: 'orders',
            namespace: 'staging',
            annotations: {
              'kubernetes.io/change-cause': `promotion p-1 by user:default/alice: dev → staging ${IMAGE}`,
            },
          },
          spec: {
            template: {
              spec: { containers: [{ name: 'app', image: IMAGE }] },
            },
          },
        },
      },
    ]);
  });

  it('keeps the change cause within what an annotation should hold', async () => {
    const apiServer = fakeApiServer();
    const strategy = createImageStrategy({ apiClient: apiServer.apiClient });

    await strategy.apply(stagingTarget(), IMAGE, 'x'.repeat(5000));

    expect(
      apiServer.patches[0].body.metadata?.annotations?.[
        'kubernetes.io/change-cause'
      ],
    ).toHaveLength(1000);
  });

  it('rejects when the API server refuses the patch', async () => {
    const strategy = createImageStrategy({
      apiClient: fakeApiServer(new Error('HTTP 403 Forbidden')).apiClient,
    });

    await expect(
      strategy.apply(stagingTarget(), IMAGE, 'promotion'),
    ).rejects.toThrow('HTTP 403 Forbidden');
  });
});

/** A fresh directory for a fake helm binary per test; `path()` is valid inside a test. */
function fakeHelmDirectory() {
  let current = '';
  beforeEach(() => {
    current = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-helm-'));
  });
  afterEach(() => {
    fs.rmSync(current, { recursive: true, force: true });
  });
  return { path: () => current };
}

describe('the helm strategy', () => {
  const tmp = fakeHelmDirectory();

  /**
   * A stand-in for the helm binary: it keeps its arguments and kubeconfig, waits until the test
   * lets it end, then exits as told (stderr and exit code).
   */
  function fakeHelm(exit: { code: number; stderr?: string }) {
    const dir = tmp.path();
    const helmPath = path.join(dir, 'helm');
    fs.writeFileSync(
      helmPath,
      [
        '#!/bin/sh',
        `printf '%s\\n' "$@" > '${dir}/args'`,
        `cp "$KUBECONFIG" '${dir}/kubeconfig'`,
        `while [ ! -f '${dir}/release' ]; do sleep 0.02; done`,
        exit.stderr ? `echo '${exit.stderr}' >&2` : '',
        `exit ${exit.code}`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    return {
      helmPath,
      args: () => fs.readFileSync(path.join(dir, 'args'), 'utf8').split('\n'),
      kubeconfig: () => fs.readFileSync(path.join(dir, 'kubeconfig'), 'utf8'),
      release: () => fs.writeFileSync(path.join(dir, 'release'), ''),
      started: async () => {
        while (!fs.existsSync(path.join(dir, 'kubeconfig'))) {
          await new Promise(r => setTimeout(r, 10));
        }
      },
    };
  }

  const settings = {
    strategy: 'helm' as const,
    soakSeconds: 30,
    rolloutTimeoutSeconds: 240,
    allowSkipFrom: [],
    helm: {
      release: 'orders',
      chart: 'oci://registry.local/charts/express-service',
      valuesFiles: ['values.yaml', 'values-staging.yaml'],
    },
  };

  it('runs an atomic, waiting upgrade of the stage release as the promote account, and returns before it ends', async () => {
    const helm = fakeHelm({ code: 0 });
    const strategy = createHelmStrategy({ helmPath: helm.helmPath, settings });

    const applied = await strategy.apply(
      stagingTarget(),
      `registry.local/orders:1.2.0@sha256:${'a'.repeat(64)}`,
      'promotion p-1 by user:default/alice',
    );
    let ended = false;
    applied.finished.then(() => (ended = true));
    await helm.started();
    expect(ended).toBe(false);

    expect(helm.args()).toEqual([
      'upgrade',
      'orders',
      'oci://registry.local/charts/express-service',
      '--namespace',
      'staging',
      '--reuse-values=false',
      '--values',
      'values.yaml',
      '--values',
      'values-staging.yaml',
      '--set-string',
      'image.repository=registry.local/orders',
      '--set-string',
      'image.tag=1.2.0',
      '--set-string',
      `image.digest=sha256:${'a'.repeat(64)}`,
      '--atomic',
      '--wait',
      '--timeout',
      '240s',
      '--description',
      'promotion p-1 by user:default/alice',
      '',
    ]);
    expect(helm.kubeconfig()).toContain('staging-promote-token');
    expect(helm.kubeconfig()).not.toContain('read-token');

    helm.release();
    await expect(applied.finished).resolves.toBeUndefined();
  });

  it('reports helm’s own words, without the cluster address, when the upgrade fails', async () => {
    const helm = fakeHelm({
      code: 1,
      stderr:
        'Error: UPGRADE FAILED: release orders failed, and has been rolled back due to atomic being set: Get "https://10.0.0.1:6443/api": context deadline exceeded',
    });
    const strategy = createHelmStrategy({ helmPath: helm.helmPath, settings });

    const applied = await strategy.apply(stagingTarget(), IMAGE, 'promotion');
    helm.release();

    await expect(applied.finished).rejects.toThrow(
      'helm upgrade failed: Error: UPGRADE FAILED: release orders failed, and has been rolled back due to atomic being set: Get "[address]": context deadline exceeded',
    );
  });
});

describe('the helm strategy settling what a killed helm process left', () => {
  const tmp = fakeHelmDirectory();

  type Revision = { revision: number; status: string; updated: string };
  /**
   * A stand-in for the helm binary: `history` prints the revisions in `history.json` (and, once
   * read, those of `history-next.json` from then on, if there is one); every other command is
   * recorded in `calls`.
   */
  function fakeHelm(history: Revision[], next?: Revision[]) {
    const dir = tmp.path();
    fs.writeFileSync(path.join(dir, 'history.json'), JSON.stringify(history));
    if (next) {
      fs.writeFileSync(
        path.join(dir, 'history-next.json'),
        JSON.stringify(next),
      );
    }
    const helmPath = path.join(dir, 'helm');
    fs.writeFileSync(
      helmPath,
      [
        '#!/bin/sh',
        'if [ "$1" = history ]; then',
        `  cat '${dir}/history.json'`,
        `  [ -f '${dir}/history-next.json' ] && mv '${dir}/history-next.json' '${dir}/history.json'`,
        '  exit 0',
        'fi',
        `echo "$*" >> '${dir}/calls'`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    return {
      helmPath,
      calls: () =>
        fs.existsSync(path.join(dir, 'calls'))
          ? fs.readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n')
          : [],
    };
  }

  const settings = {
    strategy: 'helm' as const,
    soakSeconds: 30,
    rolloutTimeoutSeconds: 1,
    allowSkipFrom: [],
    helm: { release: 'orders', chart: './chart', valuesFiles: [] },
  };
  const longAgo = '2026-01-01T00:00:00.000000000Z';
  const settle = (helmPath: string) =>
    createHelmStrategy({ helmPath, settings }).settleInterrupted!(
      stagingTarget(),
      new AbortController().signal,
    );

  it('leaves a release alone that no helm operation is changing', async () => {
    const helm = fakeHelm([
      { revision: 1, status: 'superseded', updated: longAgo },
      { revision: 2, status: 'deployed', updated: longAgo },
    ]);
    await expect(settle(helm.helmPath)).resolves.toBe('idle');
    expect(helm.calls()).toEqual([]);
  });

  it('rolls a release left pending back to its last deployed revision, once its helm process can no longer run', async () => {
    const helm = fakeHelm([
      { revision: 3, status: 'superseded', updated: longAgo },
      { revision: 4, status: 'failed', updated: longAgo },
      { revision: 5, status: 'deployed', updated: longAgo },
      { revision: 6, status: 'pending-upgrade', updated: longAgo },
    ]);
    await expect(settle(helm.helmPath)).resolves.toBe('undone');
    expect(helm.calls()).toEqual([
      'rollback orders 5 --namespace staging --wait --timeout 1s',
    ]);
  });

  it('refuses to guess when no earlier revision was ever deployed', async () => {
    const helm = fakeHelm([
      { revision: 1, status: 'pending-install', updated: longAgo },
    ]);
    await expect(settle(helm.helmPath)).rejects.toThrow(
      'helm release orders is pending-install with no earlier deployed revision to return to',
    );
    expect(helm.calls()).toEqual([]);
  });

  it('waits while the helm process may still run (a start time it did not record counts as now), and leaves a release that then settles', async () => {
    const helm = fakeHelm(
      [
        { revision: 1, status: 'deployed', updated: longAgo },
        { revision: 2, status: 'pending-upgrade', updated: '' },
      ],
      [
        { revision: 1, status: 'superseded', updated: longAgo },
        { revision: 2, status: 'deployed', updated: longAgo },
      ],
    );
    await expect(settle(helm.helmPath)).resolves.toBe('idle');
    expect(helm.calls()).toEqual([]);
    // One poll of the history (5 s) before the release shows as settled.
  }, 15_000);
});

describe('the strategy of a stage', () => {
  const deps = (promotion: object) =>
    ({
      settings: readPromotionSettings(testConfig({ ...promotion })),
    } as PromotionServiceDeps);

  it('is helm where the stage says so, and the image patch elsewhere', () => {
    const configured = deps({
      stages: {
        prod: {
          strategy: 'helm',
          helm: { release: 'orders', chart: './chart' },
        },
      },
    });
    expect(strategyFor(configured, 'prod').name).toBe('helm');
    expect(strategyFor(configured, 'staging').name).toBe('image');
  });
});
