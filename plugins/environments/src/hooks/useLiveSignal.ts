import {
  EnvironmentsSignal,
  entitySignalChannel,
} from '@envportal/plugin-environments-common';
import { useSignal } from '@backstage/plugin-signals-react';

/**
 * How often a view that receives pushed changes still re-reads on its own: a signal lost while the
 * connection was down must not leave it stale for long.
 */
export const SAFETY_POLL_MS = 30_000;

/**
 * The latest pushed change on a channel, and the poll interval to use: `intervalMs` without signals
 * (the app has no signals plugin), {@link SAFETY_POLL_MS} with them.
 */
export function useLiveSignal(channel: string, intervalMs: number) {
  const { lastSignal, isSignalsAvailable } =
    useSignal<EnvironmentsSignal>(channel);
  return {
    lastSignal,
    intervalMs: isSignalsAvailable
      ? Math.max(intervalMs, SAFETY_POLL_MS)
      : intervalMs,
  };
}

/** {@link useLiveSignal} for one entity's stages. */
export function useEntitySignal(entityRef: string, intervalMs: number) {
  return useLiveSignal(entitySignalChannel(entityRef), intervalMs);
}
