import { join } from 'node:path';
import type { StageConnection } from '../clusters/types';
import { redactAddresses } from '../errors/redactAddresses';
import { withTemporaryKubeconfig } from '../clusters/temporaryKubeconfig';
import { findTool } from '../process/findTool';
import { createSecretMasker } from '../process/maskSecrets';
import {
  ProcessError,
  runProcess,
  RunProcessResult,
} from '../process/runProcess';

/**
 * Options for {@link runHelm}.
 *
 * @public
 */
export type RunHelmOptions = {
  args: string[];
  /** The account Helm acts with; none for client-only commands such as `helm template`. */
  connection?: StageConnection;
  /** Path of the helm binary; default: the pinned build in $ENVPORTAL_BIN, else `helm` on PATH. */
  helmPath?: string;
  /** Every output line, with the account token masked. */
  onLine?: (line: string) => void;
  /** Keep stdout whole (JSON or YAML output) instead of streaming it. */
  captureStdout?: boolean;
  signal?: AbortSignal;
};

/**
 * Helm failed; the message carries its last lines (masked), which say why.
 *
 * @public
 */
export class HelmError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'HelmError';
  }
}

/**
 * Runs helm without a shell, with a private kubeconfig for one stage and account (or none), and with
 * Helm's cache, config and data directories private to the run, so nothing of the host's Helm setup
 * (repositories, registry logins, plugins) is used and nothing is left behind.
 *
 * @public
 */
export async function runHelm(
  options: RunHelmOptions,
): Promise<RunProcessResult> {
  const command = options.helmPath ?? findTool(['helm']);
  return withTemporaryKubeconfig(
    options.connection?.kubeConfig,
    async ({ kubeconfig, dir }) => {
      try {
        return await runProcess({
          command,
          args: options.args,
          env: {
            KUBECONFIG: kubeconfig,
            HELM_CACHE_HOME: join(dir, 'cache'),
            HELM_CONFIG_HOME: join(dir, 'config'),
            HELM_DATA_HOME: join(dir, 'data'),
          },
          mask: createSecretMasker([options.connection?.token]),
          captureStdout: options.captureStdout,
          onLine: options.onLine,
          signal: options.signal,
        });
      } catch (error) {
        if (error instanceof ProcessError) {
          // The message reaches task logs and promotion records: no cluster address in it.
          throw new HelmError(
            `helm ${options.args[0]} failed: ${redactAddresses(
              error.result.stderrTail.slice(-3).join(' | '),
            )}`,
            error.result.exitCode,
          );
        }
        throw error;
      }
    },
  );
}
