import type { KubeConfig } from '@kubernetes/client-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs `fn` with a private directory holding `kubeconfig` (the given client configuration, or an empty
 * one that reaches no cluster). The directory is 0700 and the file 0600, and both are removed
 * afterwards, also when `fn` fails, because the file holds an account's token.
 *
 * @public
 */
export async function withTemporaryKubeconfig<T>(
  kubeConfig: KubeConfig | undefined,
  fn: (paths: { kubeconfig: string; dir: string }) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'envportal-kube-'));
  const kubeconfig = join(dir, 'kubeconfig');
  try {
    await writeFile(kubeconfig, kubeConfig ? kubeConfig.exportConfig() : '', {
      mode: 0o600,
    });
    return await fn({ kubeconfig, dir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
